import type { SchedulerUnit } from "./cluster-index.ts";
import type { ClusterState, PlannedUnitRecord } from "./cluster-state.ts";
import type { Rejection } from "./decide.ts";
import { type Explanation, indexPlacements, planPass } from "./plan.ts";

/** Where a unit asked for would run once the engine has acted, and why. */
export interface PlannedOutcome {
  unit: string;
  global: boolean;
  /** One machine, a global unit's several, or none (then `reason`). */
  machineIds: string[];
  /** It runs there already and the change does not move it. */
  alreadyPlaced: boolean;
  displaces: string[];
  rejected: Rejection[];
  reason?: string;
}

/** A unit not asked for that the change moves, unplaces, or places. */
export interface SideEffect {
  unit: string;
  from?: string;
  machineId?: string;
  reason?: string;
}

export interface DryRun {
  /** One outcome per unit asked for, in the order asked. */
  units: PlannedOutcome[];
  moved: SideEffect[];
}

/**
 * Each displacement through Replaces= ends a pass, so a change takes at most one pass per unit
 * it displaces, and one more; beyond this many over that, the dry run stops where it is.
 */
const EXTRA_PASSES = 16;

/**
 * What the engine would do if the units named were started now, one after another in the
 * order given: the same planner over a copy of the state, pass after pass (a unit displaced
 * by Replaces= is placed again by the next) until nothing moves. The engine decides units in
 * the order they were asked to run, so the outcome does not depend on how many of its passes
 * the starts are spread over. A machine that vanished counts as lost at once (the engine waits for its lease's
 * grace). Pure: nothing is written.
 */
export function dryRun(state: ClusterState, launch: readonly string[], now: number): DryRun {
  const after = new StateCopy(state);
  launch.forEach((name, i) => {
    const at = new Date(now + i).toISOString();
    const record = after.units.get(name);
    if (record === undefined)
      after.units.set(name, { desiredState: "launched", createdAt: at, scheduledAt: at });
    else if (record.desiredState === "inactive")
      after.units.set(name, { ...record, desiredState: "launched", scheduledAt: at });
    else if (record.desiredState === "loaded")
      after.units.set(name, { ...record, desiredState: "launched" });
  });

  const explanations = new Map<string, Explanation>();
  let targets = new Map<string, string[]>();
  for (let pass = 0; pass < launch.length + EXTRA_PASSES; pass++) {
    const { index, standing } = indexPlacements(after, now);
    const plan = planPass(after, { index, standing, explain: true });
    for (const [name, explanation] of plan.explanations) explanations.set(name, explanation);
    for (const { unit, reason } of plan.status) {
      if (reason === undefined) after.scheduleStatus.delete(unit);
      else after.scheduleStatus.set(unit, { reason });
    }
    for (const { unit } of plan.unplace) after.placements.delete(unit);
    for (const { unit, machineId } of plan.place) after.placements.set(unit, { machineId });
    targets = plan.targets;
    if (plan.place.length === 0 && plan.unplace.length === 0) break;
  }

  const asked = new Set(launch);
  const machinesOf = (name: string): string[] => {
    const placed = after.placements.get(name)?.machineId;
    return placed === undefined ? (targets.get(name) ?? []) : [placed];
  };
  const units = launch.map((name): PlannedOutcome => {
    const spec = after.spec(name) as SchedulerUnit;
    const global = spec.requirements.global;
    const machineIds = machinesOf(name);
    const before = state.placements.get(name)?.machineId;
    const explanation = explanations.get(name);
    const alreadyPlaced = global
      ? (state.units.get(name)?.desiredState ?? "inactive") !== "inactive"
      : before !== undefined && machineIds[0] === before && explanation === undefined;
    const reason =
      machineIds.length === 0
        ? (explanation?.reason ?? after.scheduleStatus.get(name)?.reason)
        : undefined;
    return {
      unit: name,
      global,
      machineIds,
      alreadyPlaced,
      displaces: explanation?.displaces ?? [],
      rejected: explanation?.rejected ?? [],
      ...(reason === undefined ? {} : { reason }),
    };
  });

  const moved: SideEffect[] = [];
  const names = new Set([...state.placements.keys(), ...after.placements.keys()]);
  for (const name of [...names].sort()) {
    if (asked.has(name)) continue;
    const from = state.placements.get(name)?.machineId;
    const to = after.placements.get(name)?.machineId;
    if (from === to) continue;
    const reason = to === undefined ? after.scheduleStatus.get(name)?.reason : undefined;
    moved.push({
      unit: name,
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { machineId: to }),
      ...(reason === undefined ? {} : { reason }),
    });
  }
  return { units, moved };
}

/** The state with units, placements and statuses of its own, for passes to change. */
class StateCopy implements ClusterState {
  readonly revision: number;
  readonly machines: ClusterState["machines"];
  readonly drains: ClusterState["drains"];
  readonly states: ClusterState["states"];
  readonly units: Map<string, PlannedUnitRecord>;
  readonly placements: Map<string, { machineId: string }>;
  readonly scheduleStatus: Map<string, { reason: string }>;

  constructor(private readonly base: ClusterState) {
    this.revision = base.revision;
    this.machines = base.machines;
    this.drains = base.drains;
    this.states = base.states;
    this.units = new Map(base.units);
    this.placements = new Map(base.placements);
    this.scheduleStatus = new Map(base.scheduleStatus);
  }

  metadataOf(machineId: string): Readonly<Record<string, string>> {
    return this.base.metadataOf(machineId);
  }

  spec(name: string): SchedulerUnit | undefined {
    const spec = this.base.spec(name);
    const record = this.units.get(name);
    if (spec === undefined || record === undefined) return spec;
    const scheduledAt = record.scheduledAt ?? record.createdAt;
    return spec.scheduledAt === scheduledAt ? spec : { ...spec, scheduledAt };
  }
}
