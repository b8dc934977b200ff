import { keptContents, type RolloutRecord, type UnitRecord } from "./records.ts";
import type { UnitWrite } from "./registry.ts";

/**
 * The references to content a unit's write adds and drops: a unit refers to the content of
 * every version in its history, so the contents entering it gain one, and those leaving it (a
 * trimmed version, or all of them when the unit is deleted) lose theirs. `before` is absent
 * for a creation, `after` for a deletion.
 */
export function contentRefChanges(
  before: UnitRecord | undefined,
  after: UnitRecord | undefined,
): { added: string[]; dropped: string[] } {
  const had = before ? keptContents(before) : new Set<string>();
  const has = after ? keptContents(after) : new Set<string>();
  return {
    added: [...has].filter((hash) => !had.has(hash)),
    dropped: [...had].filter((hash) => !has.has(hash)),
  };
}

/** The contents whose reference from their unit a group of rewrites drops, each once. */
export function droppedContents(
  rewrites: readonly { expected: { value: UnitRecord }; record: UnitRecord }[],
): string[] {
  const dropped = rewrites.flatMap(
    ({ expected, record }) => contentRefChanges(expected.value, record).dropped,
  );
  return [...new Set(dropped)];
}

/**
 * The texts a group of unit writes stores, by hash, each once: a created unit's content, and an
 * updated unit's new one.
 */
export function storedContents(writes: readonly UnitWrite[]): Map<string, string> {
  const stored = new Map<string, string>();
  for (const write of writes) {
    if (write.kind === "create") stored.set(write.record.hash, write.text);
    else if (
      write.kind === "update" &&
      write.text !== undefined &&
      write.record.hash !== write.expected.value.hash
    )
      stored.set(write.record.hash, write.text);
  }
  return stored;
}

/** The contents whose reference from their unit a group of unit writes drops, each once. */
export function droppedByWrites(writes: readonly UnitWrite[]): string[] {
  return droppedContents(writes.flatMap((write) => (write.kind === "update" ? [write] : [])));
}

/**
 * The contents a rollout keeps for as long as it is kept: its new one, and those it replaced
 * (a revert puts them back).
 */
export function rolloutContents(rollout: RolloutRecord): string[] {
  const hashes = [
    rollout.toHash,
    ...rollout.instances.flatMap((instance) => instance.fromHash ?? []),
  ];
  if (rollout.template) hashes.push(rollout.template.fromHash);
  return [...new Set(hashes)];
}
