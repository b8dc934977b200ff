import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AgentTask } from "../../src/engine/actions.ts";
import { CallLog, REPORT_GRACE_MS } from "../../src/engine/call-log.ts";

const task = (unit: string, desiredState: AgentTask["desiredState"] = "launched"): AgentTask => ({
  unit,
  machineId: "m1",
  desiredState,
  hash: "h1",
});

describe("the engine's log of agent calls", () => {
  test("a call is due at once, and not again while its report may still come", () => {
    const calls = new CallLog();
    assert.equal(calls.dueAt(task("a.service")), 0);
    calls.sent(task("a.service"), 1000);
    assert.equal(calls.dueAt(task("a.service")), 1000 + REPORT_GRACE_MS);
    assert.equal(calls.dueAt(task("a.service", "inactive")), 0, "another call is due at once");
  });

  test("failures back off from 0.5 s, doubling to 30 s, until a call succeeds", () => {
    const calls = new CallLog();
    const waits = Array.from({ length: 9 }, () => calls.failed(task("a.service"), 0).retryInMs);
    assert.deepEqual(waits, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    assert.equal(calls.dueAt(task("a.service")), 30000);
    calls.sent(task("a.service"), 40000);
    calls.succeeded(task("a.service"));
    assert.equal(calls.dueAt(task("a.service")), 40000 + REPORT_GRACE_MS);
    assert.equal(calls.failed(task("a.service"), 50000).attempts, 1);
  });

  test("units of a pass that owe no call are forgotten; others are kept", () => {
    const calls = new CallLog();
    for (const name of ["a.service", "b.service", "c.service"]) calls.sent(task(name), 1);
    calls.settle(new Set(["a.service", "b.service"]), [task("b.service")]);
    assert.equal(calls.dueAt(task("a.service")), 0, "a is forgotten");
    assert.equal(calls.dueAt(task("b.service")), 1 + REPORT_GRACE_MS, "b still owes its call");
    assert.equal(calls.dueAt(task("c.service")), 1 + REPORT_GRACE_MS, "c was not looked at");
    calls.settle(undefined, []);
    assert.equal(calls.dueAt(task("c.service")), 0, "a full pass forgets every settled unit");
  });
});
