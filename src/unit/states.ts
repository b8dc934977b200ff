/**
 * A unit's state in the cluster, fleet's three: desired (what the cluster should do with it)
 * and current (what its machine reports) take the same values.
 */
export const UNIT_STATES = ["inactive", "loaded", "launched"] as const;

export type UnitState = (typeof UNIT_STATES)[number];

export function isUnitState(value: unknown): value is UnitState {
  return (UNIT_STATES as readonly unknown[]).includes(value);
}
