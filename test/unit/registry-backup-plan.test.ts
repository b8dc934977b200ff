// How a restore is planned (pure): what is written, in which order and batches, what is left
// alone on a second run, and what conflicts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { planRestore, RESTORE_BATCH_BYTES } from "../../src/registry/backup.ts";
import { Keys } from "../../src/registry/keys.ts";
import { unitHash } from "../../src/unit/hash.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { serializeUnitFile } from "../../src/unit/serialize.ts";

const keys = new Keys("/flotilla/");
const parsed = parseUnitFile("[Service]\nExecStart=/bin/true\n");
assert.ok(parsed.ok);
const TEXT = serializeUnitFile(parsed.file);
const HASH = unitHash(parsed.file);
const unit = (name: string) => JSON.stringify({ name, hash: HASH, desiredState: "launched" });
const placed = (machineId: string) =>
  JSON.stringify({ machineId, placedAt: "2026-12-07T00:00:00Z" });

const BACKUP = [
  { key: "rollout-lock", value: "3fa91c0b" },
  { key: "units/web.service", value: unit("web.service") },
  { key: "placements/web.service", value: placed("m1") },
  { key: "machine-drains/m2", value: '{"since":"2026-12-07T00:00:00Z"}' },
  { key: `unit-files/${HASH}`, value: TEXT },
];

test("content, then drains and metadata, then each unit with its placement, the cluster record last", () => {
  const plan = planRestore(keys, new Map(), BACKUP);
  assert.ok("batches" in plan, JSON.stringify(plan));
  assert.deepEqual(
    plan.batches.flat().map((entry) => entry.key),
    [
      `unit-files/${HASH}`,
      "machine-drains/m2",
      "units/web.service",
      "placements/web.service",
      "rollout-lock",
      "cluster/record",
    ],
  );
  assert.equal(plan.unchanged, 0);
});

test("run again after the engine moved a restored unit: its placement is the engine's", () => {
  const existing = new Map(BACKUP.map((entry) => [entry.key, entry.value]));
  existing.set("placements/web.service", placed("m3"));
  const plan = planRestore(keys, existing, BACKUP);
  assert.ok("batches" in plan, JSON.stringify(plan));
  assert.deepEqual(
    plan.batches.flat().map((entry) => entry.key),
    ["cluster/record"],
  );
});

test("a timer's last elapse is restored; one fired since the backup stands", () => {
  const elapse = (at: string) => JSON.stringify({ elapse: at, firedAt: at, machineId: "m1" });
  const backup = [
    ...BACKUP,
    { key: "timer-elapses/tick.timer", value: elapse("2026-12-07T02:00:00Z") },
  ];
  const fresh = planRestore(keys, new Map(), backup);
  assert.ok("batches" in fresh, JSON.stringify(fresh));
  assert.ok(fresh.batches.flat().some((entry) => entry.key === "timer-elapses/tick.timer"));
  const existing = new Map(backup.map((entry) => [entry.key, entry.value]));
  existing.set("timer-elapses/tick.timer", elapse("2026-12-08T02:00:00Z"));
  const again = planRestore(keys, existing, backup);
  assert.ok("batches" in again, JSON.stringify(again));
  assert.deepEqual(
    again.batches.flat().map((entry) => entry.key),
    ["cluster/record"],
  );
});

test("a unit the backup lacks, or one it holds otherwise, conflicts", () => {
  const extra = new Map([["units/other.service", unit("other.service")]]);
  assert.deepEqual(planRestore(keys, extra, BACKUP), { conflicts: ["units/other.service"] });
  const changed = new Map([["units/web.service", unit("changed.service")]]);
  assert.deepEqual(planRestore(keys, changed, BACKUP), { conflicts: ["units/web.service"] });
});

test("batches stay within etcd's request size, each unit whole with its placement", () => {
  const padding = "x".repeat(400 * 1024);
  const entries = [0, 1, 2].map((i) => {
    const file = parseUnitFile(
      `[Unit]\nDescription=${i} ${padding}\n[Service]\nExecStart=/bin/true\n`,
    );
    assert.ok(file.ok);
    return { key: `unit-files/${unitHash(file.file)}`, value: serializeUnitFile(file.file) };
  });
  const plan = planRestore(keys, new Map(), entries);
  assert.ok("batches" in plan, JSON.stringify(plan).slice(0, 200));
  assert.ok(plan.batches.length >= 2);
  for (const batch of plan.batches) {
    const bytes = batch.reduce((sum, entry) => sum + entry.key.length + entry.value.length, 0);
    assert.ok(batch.length === 1 || bytes <= RESTORE_BATCH_BYTES, `${bytes} bytes`);
  }
});
