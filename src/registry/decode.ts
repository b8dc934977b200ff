import type { Keys } from "./keys.ts";
import type { PlacementRecord, RolloutRecord, UnitRecord } from "./records.ts";
import type { Change, Revision } from "./registry.ts";

/**
 * Turns an etcd key, its value (absent for a deletion) and its modification revision into a
 * typed change. A value that is not valid JSON is treated as absent: one corrupt key must not
 * stop a watch.
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
      return undefined;
    case "unit": {
      const unit = parseJson<UnitRecord>(value);
      return unit
        ? { kind: "unit", name: ref.name, value: unit, version: modRevision }
        : { kind: "unit", name: ref.name, value: undefined };
    }
    case "placement": {
      const placement = parseJson<PlacementRecord>(value);
      return placement
        ? { kind: "placement", name: ref.name, value: placement, version: modRevision }
        : { kind: "placement", name: ref.name, value: undefined };
    }
    case "schedule":
      return { kind: "schedule", name: ref.name, value: parseJson(value) };
    case "machine":
      return { kind: "machine", id: ref.id, value: parseJson(value) };
    case "machine-metadata":
      return { kind: "machine-metadata", id: ref.id, value: parseJson(value) };
    case "machine-drain":
      return { kind: "machine-drain", id: ref.id, value: parseJson(value) };
    case "state":
      return { kind: "state", name: ref.name, machineId: ref.machineId, value: parseJson(value) };
    case "cluster":
      return { kind: "cluster", value: parseJson(value) };
    case "rollout": {
      const rollout = parseJson<RolloutRecord>(value);
      return rollout
        ? { kind: "rollout", id: ref.id, value: rollout, version: modRevision }
        : { kind: "rollout", id: ref.id, value: undefined };
    }
  }
}

function parseJson<T>(value: string | undefined): T | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed !== null && typeof parsed === "object" ? (parsed as T) : undefined;
  } catch {
    return undefined;
  }
}
