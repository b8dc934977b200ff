import assert from "node:assert/strict";
import { test } from "node:test";
import { RegistryTimerElapses } from "../../src/agent/timer-elapses.ts";
import { MemoryRegistry } from "../support/memory-registry.ts";

const AT = Date.parse("2026-12-08T10:00:00.000Z");

test("of machines claiming one elapse at once, exactly one fires it", async () => {
  const registry = new MemoryRegistry();
  const machines = ["m1", "m2", "m3"].map((id) => new RegistryTimerElapses(registry, id));
  const claims = await Promise.all(
    machines.map((machine) => machine.claim("tick.timer", { elapse: AT, firedAt: AT + 5 })),
  );
  assert.equal(claims.filter(Boolean).length, 1);
  const [first] = machines as [RegistryTimerElapses];
  assert.deepEqual(await first.last("tick.timer"), { elapse: AT, firedAt: AT + 5 });
});

test("an elapse no later than the last one claimed is not fired again", async () => {
  const registry = new MemoryRegistry();
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
