// The agent's state reports, against a real etcd: nothing a unit did before its machine was
// announced is lost.
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
    presence = await registry.announceMachine(
      {
        id: "m-early",
        publicIP: "127.0.0.1",
        privateIP: "127.0.0.1",
        metadata: {},
        agentURL: "http://127.0.0.1:1",
        version: "test",
        startedAt: AT,
        heartbeatAt: AT,
      },
      30,
    );
    reporter.presence = presence;
    await waitUntil("the early report written", async () =>
      (await states()).includes("early.service"),
    );
    assert.deepEqual(await states(), ["early.service"], "the withdrawn unit is not reported");
    assert.deepEqual(errors, []);
  });
});
