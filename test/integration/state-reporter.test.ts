// The agent's state reports, against a real etcd: nothing a unit did before its machine was
// announced, or while etcd refused its writes, is lost.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { StateReporter } from "../../src/agent/state-reporter.ts";
import type { AgentUnitView } from "../../src/agent/unit-manager.ts";
import { connectEtcd } from "../../src/registry/etcd-client.ts";
import { EtcdRegistry } from "../../src/registry/etcd-registry.ts";
import type { Presence } from "../../src/registry/registry.ts";
import { freshPrefix, testEtcdEndpoint } from "../support/etcd.ts";
import { waitUntil } from "../support/wait.ts";

const AT = new Date().toISOString();

function unit(name: string): AgentUnitView {
  return {
    name,
    hash: "0".repeat(40),
    desiredState: "launched",
    loadState: "loaded",
    activeState: "active",
    subState: "running",
    since: AT,
    restarts: 0,
  };
}

function machine(id: string) {
  return {
    id,
    publicIP: "127.0.0.1",
    privateIP: "127.0.0.1",
    metadata: {},
    agentURL: "http://127.0.0.1:1",
    version: "test",
    startedAt: AT,
    heartbeatAt: AT,
  };
}

describe("the agent's state reporter", () => {
  let registry: EtcdRegistry;
  let presence: Presence | undefined;
  before(() => {
    registry = new EtcdRegistry(connectEtcd({ endpoints: [testEtcdEndpoint()] }), {
      prefix: freshPrefix(),
    });
  });
  after(async () => {
    await presence?.revoke();
    await registry.close();
  });

  test("changes made before the machine is announced are written once it is", async () => {
    const errors: unknown[] = [];
    const reporter = new StateReporter(registry, "m-early", (_message, error) =>
      errors.push(error),
    );
    reporter.report(unit("early.service"));
    reporter.report(unit("gone.service"));
    reporter.withdraw("gone.service");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const states = async () => {
      const snapshot = await registry.snapshot();
      return snapshot.changes
        .filter((change) => change.kind === "state")
        .map((change) => (change.kind === "state" ? change.name : ""));
    };
    assert.deepEqual(await states(), [], "nothing is written without a presence lease");
    presence = await registry.announceMachine(machine("m-early"), 30);
    reporter.presence = presence;
    await waitUntil("the early report written", async () =>
      (await states()).includes("early.service"),
    );
    assert.deepEqual(await states(), ["early.service"], "the withdrawn unit is not reported");
    assert.deepEqual(errors, []);
  });

  test("a write etcd refuses is tried again, with the unit's latest state", async () => {
    const errors: string[] = [];
    const reporter = new StateReporter(registry, "m-refused", (message) => errors.push(message));
    // A lease revoked behind the reporter's back: etcd refuses every write under it.
    const revoked = await registry.announceMachine(machine("m-refused"), 30);
    await revoked.revoke();
    reporter.presence = revoked;
    reporter.report({ ...unit("refused.service"), activeState: "activating" });
    await waitUntil("the refused write reported", () => errors.length > 0);
    assert.match(errors[0] ?? "", /cannot report refused\.service; retrying/);
    reporter.report(unit("refused.service"));
    const again = await registry.announceMachine(machine("m-refused"), 30);
    reporter.presence = again;
    try {
      await waitUntil("the state written under the new lease", async () => {
        const snapshot = await registry.snapshot();
        return snapshot.changes.some(
          (change) =>
            change.kind === "state" &&
            change.name === "refused.service" &&
            change.value?.activeState === "active",
        );
      });
    } finally {
      await again.revoke();
    }
  });
});
