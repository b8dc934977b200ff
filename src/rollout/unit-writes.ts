// The unit writes a rollout's step makes: its changes turned into records, compared against the
// versions the reader holds, for one transaction with the rollout (Registry.advanceRollout).

import {
  newUnitRecord,
  type RolloutRecord,
  type UnitRecord,
  withRolloutChange,
} from "../registry/records.ts";
import type { UnitLifecycle, UnitRewrite, Versioned } from "../registry/registry.ts";
import { parseUnitName } from "../unit/name.ts";
import type { RolloutStep } from "./model.ts";

/** What the writes are read from: the engine's or the server's watch-fed view. */
export interface UnitsRead {
  readonly units: ReadonlyMap<string, UnitRecord>;
  versionedUnit(name: string): Versioned<UnitRecord> | undefined;
}

/**
 * The records a step's unit changes make, compared against the versions the reader holds. A
 * unit gone meanwhile is left out: the rollout's next step sees it destroyed and skips it. A
 * template destroyed meanwhile has no content to put back.
 */
export function unitWrites(
  view: UnitsRead,
  { units: changes, template }: Pick<RolloutStep, "units" | "template">,
  now: number,
  { id: rolloutId, toHash }: RolloutRecord,
): { rewrites: UnitRewrite[]; lifecycle: UnitLifecycle } {
  const at = new Date(now).toISOString();
  const cause = `rollout ${rolloutId}`;
  const rewrites: UnitRewrite[] = [];
  const created: UnitRecord[] = [];
  const deleted: Versioned<UnitRecord>[] = [];
  for (const change of changes) {
    const expected = view.versionedUnit(change.name);
    if (change.create) {
      created.push(canaryRecord(view, change.name, change.hash ?? toHash, toHash, at, cause));
    } else if (expected && change.destroy) {
      deleted.push(expected);
    } else if (expected) {
      rewrites.push({ expected, record: withRolloutChange(expected.value, change, at, cause) });
    }
  }
  const expected = template && view.versionedUnit(template.name);
  if (template && expected)
    rewrites.push({ expected, record: withRolloutChange(expected.value, template, at, cause) });
  return { rewrites, lifecycle: { created, deleted } };
}

/**
 * A canary's unit, launched: the canary itself on the rollout's content, which the rollout
 * keeps; a companion on its template's content as it is now (the content the rollout noted
 * may have been replaced since, and collected).
 */
function canaryRecord(
  view: UnitsRead,
  name: string,
  hash: string,
  toHash: string,
  at: string,
  cause: string,
): UnitRecord {
  const parsed = parseUnitName(name);
  const template =
    parsed.ok && parsed.value.template ? view.units.get(parsed.value.template) : undefined;
  const content = hash === toHash || template === undefined ? hash : template.hash;
  return newUnitRecord(name, content, "launched", at, `canary of ${cause}`);
}
