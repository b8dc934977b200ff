import type { Keys } from "./keys.ts";
import { decodeRecord } from "./layout.ts";
import type { PlacementRecord, RolloutRecord, UnitRecord } from "./records.ts";
import type { Change, Revision } from "./registry.ts";

/**
 * Turns an etcd key, its value (absent for a deletion) and its modification revision into a
 * typed change, its record read in this version's layout. A value that is not a JSON record
 * is treated as absent: one corrupt key must not stop a watch.
 */
export function decodeChange(
  keys: Keys,
  key: string,
  value: string | undefined,
  modRevision: Revision,
): Change | undefined {
  const ref = keys.parse(key);
  if (!ref) return undefined;
  switch (ref.kind) {
    case "unit-file":
      return { kind: "unit-file", hash: ref.hash, text: value };
    case "unit-file-ref":
    // Only the agent of the timer's machine reads it, from etcd itself.
    case "timer-elapse":
      return undefined;
    case "unit": {
      const unit = decodeRecord<UnitRecord>("unit", value);
      return unit
        ? { kind: "unit", name: ref.name, value: unit, version: modRevision }
        : { kind: "unit", name: ref.name, value: undefined };
    }
    case "placement": {
      const placement = decodeRecord<PlacementRecord>("placement", value);
      return placement
        ? { kind: "placement", name: ref.name, value: placement, version: modRevision }
        : { kind: "placement", name: ref.name, value: undefined };
    }
    case "schedule":
      return { kind: "schedule", name: ref.name, value: decodeRecord("schedule", value) };
    case "machine":
      return { kind: "machine", id: ref.id, value: decodeRecord("machine", value) };
    case "machine-metadata":
      return {
        kind: "machine-metadata",
        id: ref.id,
        value: decodeRecord("machine-metadata", value),
      };
    case "machine-drain":
      return { kind: "machine-drain", id: ref.id, value: decodeRecord("machine-drain", value) };
    case "state":
      return {
        kind: "state",
        name: ref.name,
        machineId: ref.machineId,
        value: decodeRecord("state", value),
      };
    case "cluster":
      return { kind: "cluster", value: decodeRecord("cluster", value) };
    case "rollout": {
      const rollout = decodeRecord<RolloutRecord>("rollout", value);
      return rollout
        ? { kind: "rollout", id: ref.id, value: rollout, version: modRevision }
        : { kind: "rollout", id: ref.id, value: undefined };
    }
  }
}
