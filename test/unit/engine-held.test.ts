// An etcd that lost the cluster (no cluster record) while agents still run its units: the
// engine stops none of them until a restore brings their records back, or a unit is created.
import assert from "node:assert/strict";
import { test } from "node:test";
import { computeActions } from "../../src/engine/actions.ts";
import { CLUSTER_RECORD } from "../../src/registry/records.ts";
import type { Change } from "../../src/registry/registry.ts";
import { AT, fedView, machineRecord } from "../support/fed-view.ts";

const HASH = "a".repeat(40);
const reported: Change[] = [
  { kind: "machine", id: "m1", value: machineRecord("m1") },
  {
    kind: "state",
    name: "web.service",
    machineId: "m1",
    value: {
      name: "web.service",
      machineId: "m1",
      hash: HASH,
      desiredState: "launched",
      loadState: "loaded",
      activeState: "active",
      subState: "running",
      since: AT,
    },
  },
];

test("without the cluster record, a unit an agent runs without a record is held, not stopped", async () => {
  const { view, push, stop } = await fedView(reported, { cluster: false });
  try {
    const held = computeActions(view);
    assert.deepEqual(held.agent, []);
    assert.deepEqual(held.held, ["web.service"]);
    push({ kind: "cluster", value: CLUSTER_RECORD });
    const stopped = computeActions(view);
    assert.deepEqual(
      stopped.agent.map((task) => [task.unit, task.desiredState]),
      [["web.service", "inactive"]],
      "with the record, a unit without one is stopped, as a destroyed unit is",
    );
    assert.deepEqual(stopped.held, []);
  } finally {
    stop();
  }
});
