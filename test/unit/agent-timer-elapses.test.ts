import assert from "node:assert/strict";
import { test } from "node:test";
import { RegistryTimerElapses } from "../../src/agent/timer-elapses.ts";
import { newUnitRecord } from "../../src/registry/records.ts";
import { MemoryRegistry } from "../support/memory-registry.ts";

const AT = Date.parse("2026-12-08T10:00:00.000Z");
const HASH = "0".repeat(40);

/** A registry holding the timer `tick.timer`, whose elapses are claimed. */
async function withTimer(): Promise<MemoryRegistry> {
  const registry = new MemoryRegistry();
  const record = newUnitRecord(
    "tick.timer",
    HASH,
    "launched",
    new Date(AT).toISOString(),
    "submitted",
  );
  await registry.createUnit(record, "[Timer]\nOnCalendar=*:*:0/2\n");
  return registry;
}

test("of machines claiming one elapse at once, exactly one fires it", async () => {
  const registry = await withTimer();
  const machines = ["m1", "m2", "m3"].map((id) => new RegistryTimerElapses(registry, id));
  const claims = await Promise.all(
    machines.map((machine) => machine.claim("tick.timer", { elapse: AT, firedAt: AT + 5 })),
  );
  assert.equal(claims.filter(Boolean).length, 1);
  const [first] = machines as [RegistryTimerElapses];
  assert.deepEqual(await first.last("tick.timer"), { elapse: AT, firedAt: AT + 5 });
});

test("an elapse no later than the last one claimed is not fired again", async () => {
  const registry = await withTimer();
  const elapses = new RegistryTimerElapses(registry, "m1");
  assert.equal(await elapses.last("tick.timer"), undefined);
  assert.equal(await elapses.claim("tick.timer", { elapse: AT, firedAt: AT }), true);
  assert.equal(await elapses.claim("tick.timer", { elapse: AT, firedAt: AT + 1 }), false);
  assert.equal(await elapses.claim("tick.timer", { elapse: AT - 2000, firedAt: AT + 2 }), false);
  assert.equal(await elapses.claim("tick.timer", { elapse: AT + 2000, firedAt: AT + 2000 }), true);
  const stored = await registry.getTimerElapse("tick.timer");
  assert.equal(stored?.value.machineId, "m1");
  assert.equal(stored?.value.elapse, "2026-12-08T10:00:02.000Z");
});

test("a timer deleted while its elapse is claimed is claimed by no one", async () => {
  const registry = await withTimer();
  const timer = await registry.getUnit("tick.timer");
  assert.ok(timer);
  await registry.deleteUnit(timer);
  const elapses = new RegistryTimerElapses(registry, "m1");
  await assert.rejects(
    elapses.claim("tick.timer", { elapse: AT, firedAt: AT }),
    /kept changing, or it is gone/,
  );
  assert.equal(await registry.getTimerElapse("tick.timer"), undefined);
});
