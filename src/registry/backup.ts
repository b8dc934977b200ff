// What a backup holds, and in which order a restore writes it. Pure: the registries read and
// write; the choices are made here, once for both.

import { unitHash } from "../unit/hash.ts";
import { parseUnitFile } from "../unit/parse.ts";
import type { Keys } from "./keys.ts";
import { encodeRecord } from "./layout.ts";
import { CLUSTER_RECORD } from "./records.ts";

/** One key of Flotilla's, relative to its prefix, with its value as stored. */
export interface DurableEntry {
  key: string;
  value: string;
}

/** Flotilla's durable keys, read at one revision. */
export interface DurableKeys {
  revision: number;
  entries: DurableEntry[];
}

export type RestoreResult =
  | { ok: true; written: number; unchanged: number }
  /** Keys that hold something else than the backup (nothing was written). */
  | { ok: false; conflicts: string[] }
  /** Why the backup cannot be restored at all (nothing was written). */
  | { ok: false; invalid: string };

/** Keys written per transaction (etcd allows 128 operations). */
export const RESTORE_BATCH = 100;
/** Bytes written per transaction: etcd refuses a request over 1.5 MiB by default. */
export const RESTORE_BATCH_BYTES = 1024 * 1024;

/**
 * Whether a key outlives its writer: unit files and their references, units, placements,
 * operators' metadata and drains, timers' last elapses, rollouts and the cluster record. Machines, unit states and
 * announcements live under leases, schedule statuses are the engine's to recompute, and the
 * election is the servers'.
 */
export function isDurable(keys: Keys, key: string): boolean {
  if (key === keys.rolloutLock()) return true;
  const ref = keys.parse(key);
  if (!ref) return false;
  switch (ref.kind) {
    case "unit-file":
    case "unit-file-ref":
    case "unit":
    case "placement":
    case "machine-metadata":
    case "machine-drain":
    case "rollout":
    case "timer-elapse":
    case "cluster":
      return true;
    default:
      return false;
  }
}

/** Why an entry cannot be restored, or undefined when it can. */
function entryProblem(keys: Keys, entry: DurableEntry): string | undefined {
  const key = keys.prefix + entry.key;
  if (!isDurable(keys, key)) return `${entry.key} is not a key a backup holds`;
  const ref = keys.parse(key);
  if (ref?.kind === "unit-file") {
    const parsed = parseUnitFile(entry.value);
    if (!parsed.ok) return `${entry.key} is not a unit file: ${parsed.errors[0]?.message}`;
    if (unitHash(parsed.file) !== ref.hash)
      return `${entry.key} does not have the hash it is named after`;
    return undefined;
  }
  // References and the rollout lock (a rollout's id) hold no JSON.
  if (ref?.kind === "unit-file-ref" || key === keys.rolloutLock()) return undefined;
  try {
    const value: unknown = JSON.parse(entry.value);
    if (value === null || typeof value !== "object") return `${entry.key} does not hold a record`;
  } catch {
    return `${entry.key} does not hold JSON`;
  }
  return undefined;
}

/**
 * What a restore writes, in transactions: content first, then each unit with its placement
 * (so that the engine never places a restored unit elsewhere first), then the rest, and the
 * cluster record last, so that the engine holds its stops until everything is in. Keys that
 * already hold the backup's value are left alone, so a restore cut short can be run again;
 * a key that holds something else, or a unit the backup does not have, is a conflict.
 */
export function planRestore(
  keys: Keys,
  existing: ReadonlyMap<string, string>,
  backup: readonly DurableEntry[],
):
  | { batches: DurableEntry[][]; unchanged: number }
  | { conflicts: string[] }
  | { invalid: string } {
  const wanted = new Map<string, string>();
  for (const entry of backup) {
    const problem = entryProblem(keys, entry);
    if (problem) return { invalid: problem };
    if (wanted.has(entry.key)) return { invalid: `${entry.key} is in the backup twice` };
    wanted.set(entry.key, entry.value);
  }
  wanted.set(keys.cluster().slice(keys.prefix.length), encodeRecord("cluster", CLUSTER_RECORD));
  const conflicts: string[] = [];
  for (const [key, value] of existing) {
    const ref = keys.parse(keys.prefix + key);
    const restored = wanted.get(key);
    if (restored === undefined) {
      if (ref?.kind === "unit") conflicts.push(key);
      continue;
    }
    if (restored === value || ref?.kind === "cluster") continue;
    // A timer has fired since the backup (a restore cut short, run again): its later elapse
    // stands, or it would run again.
    if (ref?.kind === "timer-elapse") {
      wanted.delete(key);
      continue;
    }
    // The engine may have moved a restored unit (its machine gone) since a restore that was
    // cut short: its placement is the engine's now, as long as the unit is the backup's.
    const unitKey = ref?.kind === "placement" ? keys.unit(ref.name).slice(keys.prefix.length) : "";
    if (ref?.kind === "placement" && existing.get(unitKey) === wanted.get(unitKey)) {
      wanted.delete(key);
      continue;
    }
    conflicts.push(key);
  }
  if (conflicts.length > 0) return { conflicts: conflicts.sort() };
  const toWrite = [...wanted]
    .filter(([key, value]) => existing.get(key) !== value)
    .map(([key, value]) => ({ key, value }));
  // Content, then what constrains placements (metadata, drains), then units with their
  // placements, then rollouts, and the cluster record last.
  const rank = (entry: DurableEntry): number => {
    const ref = keys.parse(keys.prefix + entry.key);
    switch (ref?.kind) {
      case "unit-file":
      case "unit-file-ref":
        return 0;
      case "machine-metadata":
      case "machine-drain":
        return 1;
      case "unit":
      case "placement":
        return 2;
      case "cluster":
        return 4;
      default:
        return 3;
    }
  };
  const groups = new Map<string, DurableEntry[]>();
  for (const entry of toWrite) {
    const ref = keys.parse(keys.prefix + entry.key);
    const group =
      ref?.kind === "unit" || ref?.kind === "placement"
        ? `2 ${ref.name}`
        : `${rank(entry)} ${entry.key}`;
    groups.set(group, [...(groups.get(group) ?? []), entry]);
  }
  const ordered = [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
  const batches: DurableEntry[][] = [];
  let batch: DurableEntry[] = [];
  let bytes = 0;
  const size = (group: DurableEntry[]) =>
    group.reduce((sum, entry) => sum + entry.key.length + Buffer.byteLength(entry.value), 0);
  for (const group of ordered) {
    const groupBytes = size(group);
    if (
      batch.length > 0 &&
      (batch.length + group.length > RESTORE_BATCH || bytes + groupBytes > RESTORE_BATCH_BYTES)
    ) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(...group);
    bytes += groupBytes;
  }
  if (batch.length > 0) batches.push(batch);
  return { batches, unchanged: wanted.size - toWrite.length };
}
