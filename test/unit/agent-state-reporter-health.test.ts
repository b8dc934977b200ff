// What of a unit's health the agent writes to etcd: the reported health with the unit's
// state, never the last check, so that checks which change nothing cost no write.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { StateReporter } from "../../src/agent/state-reporter.ts";
import type { AgentUnitView } from "../../src/agent/unit-manager.ts";
import type { UnitStateRecord } from "../../src/registry/records.ts";
import { MemoryRegistry } from "../support/memory-registry.ts";
import { waitUntil } from "../support/wait.ts";

const AT = "2026-12-07T10:00:00.000Z";

function unit(lastCheckAt: string): AgentUnitView {
  return {
    name: "web.service",
    hash: "0".repeat(40),
    desiredState: "launched",
    loadState: "loaded",
    activeState: "active",
    subState: "running",
    since: AT,
    restarts: 0,
    health: {
      status: "healthy",
      since: AT,
      failures: 0,
      lastCheckAt: AT,
      lastOutput: "HTTP 200 OK",
      probe: "http",
    },
    lastHealthCheck: { at: lastCheckAt, ok: true, output: "HTTP 200 OK" },
  };
}

describe("the state reporter and health", () => {
  test("writes the reported health with the state, and not the last check", async () => {
    const registry = new MemoryRegistry();
    try {
      const presence = await registry.announceMachine(
        {
          id: "m1",
          publicIP: "10.0.0.3",
          privateIP: "10.0.0.3",
          metadata: {},
          agentURL: "http://10.0.0.3:7601",
          version: "test",
          startedAt: AT,
          heartbeatAt: AT,
        },
        30,
      );
      const errors: string[] = [];
      const reporter = new StateReporter(registry, "m1", (message) => errors.push(message));
      reporter.presence = presence;
      reporter.report(unit(AT));
      const stored = await waitUntil("the state written", async () =>
        (await registry.storedUnitStates("m1", ["web.service"])).get("web.service"),
      );
      const record = stored as UnitStateRecord & { lastHealthCheck?: unknown };
      assert.deepEqual(record.health, unit(AT).health);
      assert.equal(record.lastHealthCheck, undefined);

      // A later check that changed nothing leaves etcd as it is: the periodic comparison
      // finds nothing to write again.
      const later = unit("2026-12-07T10:00:10.000Z");
      await reporter.check({ list: () => [later], view: () => later });
      assert.deepEqual(errors, []);
    } finally {
      await registry.close();
    }
  });
});
