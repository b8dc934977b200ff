/**
 * Groups in batches of about `size` items, in order; a group is never split, so one larger
 * than `size` makes a batch of its own. For writes that must keep some items together.
 */
export function packGroups<T>(groups: readonly (readonly T[])[], size: number): T[][][] {
  const batches: T[][][] = [];
  let batch: T[][] = [];
  let count = 0;
  for (const group of groups) {
    if (group.length === 0) continue;
    if (batch.length > 0 && count + group.length > size) {
      batches.push(batch);
      batch = [];
      count = 0;
    }
    batch.push([...group]);
    count += group.length;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
