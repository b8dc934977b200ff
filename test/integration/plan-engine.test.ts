// POST /v1/plan against the real engine: on random clusters, a real server's plan, then
// the starts through the API, one request each, and the leader's passes over etcd must put
// every unit where the plan said. Machines are announced without agents: placement is what
// is compared (global units, which agents report, are left to the unit-level property).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import type { Presence } from "../../src/registry/registry.ts";
import { machineRecord } from "../support/fed-view.ts";
import { http } from "../support/http.ts";
import {
  type ClusterSetup,
  clusterCaseArb,
  definedOnly,
  textOf,
} from "../support/planner-cases.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { waitUntil } from "../support/wait.ts";

interface Planned {
  unit: string;
  machineId?: string;
  machineIds?: string[];
}

interface Plan {
  units: Planned[];
  moved: { unit: string; machineId?: string }[];
}

/** Where every non-global unit is placed, as GET /v1/units shows it. */
async function placements(server: TestServer): Promise<Record<string, string>> {
  const response = await http("GET", `${server.url}/v1/units`);
  assert.equal(response.status, 200, response.text);
  const where: Record<string, string> = {};
  for (const unit of response.json.units as { name: string; machineId?: string }[])
    if (unit.machineId) where[unit.name] = unit.machineId;
  return where;
}

/** Plans `names`, starts them one request at a time, and waits for the engine to agree. */
async function planAndStart(server: TestServer, names: readonly string[], globals: Set<string>) {
  const before = await placements(server);
  const response = await http("POST", `${server.url}/v1/plan`, { json: { units: names } });
  assert.equal(response.status, 200, response.text);
  const plan = response.json as Plan;
  const expected = { ...before };
  for (const moved of plan.moved) {
    if (moved.machineId) expected[moved.unit] = moved.machineId;
    else delete expected[moved.unit];
  }
  for (const planned of plan.units) {
    if (globals.has(planned.unit)) continue;
    if (planned.machineId) expected[planned.unit] = planned.machineId;
    else delete expected[planned.unit];
  }
  for (const name of names) {
    const started = await http("PUT", `${server.url}/v1/units/${name}`, {
      json: { desiredState: "launched" },
    });
    assert.ok(started.status === 200 || started.status === 201, started.text);
  }
  const sorted = (record: Record<string, string>) => JSON.stringify(Object.entries(record).sort());
  let seen: Record<string, string> = {};
  const agrees = async () => {
    seen = await placements(server);
    return sorted(seen) === sorted(expected);
  };
  await waitUntil("the engine puts the units where the plan said", agrees, 15_000).catch(
    (error: Error) => {
      throw new Error(
        `${error.message}: expected ${sorted(expected)}, placed ${sorted(seen)}; plan ${JSON.stringify(plan)}`,
      );
    },
  );
  // And it stays there: a pass that moved them on would show now.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.ok(await agrees(), `the placements moved on: ${sorted(seen)}`);
}

async function runCase(setup: ClusterSetup, launch: readonly string[]) {
  const server = await startServer({ engine: true });
  const presences: Presence[] = [];
  try {
    for (const [id, metadata] of Object.entries(setup.machines)) {
      const machine = {
        ...machineRecord(id, definedOnly(metadata)),
        agentURL: "http://127.0.0.1:9",
      };
      presences.push(await server.controlPlane.registry.announceMachine(machine, 30));
    }
    // Before the units: the view has the drains once it has their submissions.
    for (const id of setup.drained ?? []) {
      const drain = { since: "2026-01-01T00:00:00.000Z" };
      assert.ok((await server.controlPlane.registry.setMachineDrain(id, drain, undefined)).ok);
    }
    const globals = new Set<string>();
    for (const unit of setup.units) {
      if (unit.fleet.includes("Global=true")) globals.add(unit.name);
      const response = await http("PUT", `${server.url}/v1/unit-files/${unit.name}`, {
        body: textOf(unit.fleet),
        headers: { "content-type": "text/plain" },
      });
      assert.equal(response.status, 201, response.text);
    }
    // The units that run before, started the same way, then the units to start.
    const running = setup.units
      .filter((unit) => (unit.desiredState ?? "inactive") !== "inactive")
      .map((unit) => unit.name);
    if (running.length > 0) await planAndStart(server, running, globals);
    const starting = launch.filter((name) => !running.includes(name));
    if (starting.length > 0) await planAndStart(server, starting, globals);
  } finally {
    for (const presence of presences) await presence.revoke().catch(() => {});
    await server.close();
  }
}

describe("POST /v1/plan and the engine", () => {
  test("a replacer takes the replaced unit's machine; the replaced unit and its sidekick move, before the next unit", async () => {
    await runCase(
      {
        machines: { m1: {}, m2: {}, m3: {} },
        units: [
          { name: "old.service", fleet: [], desiredState: "launched" },
          { name: "old-side.service", fleet: ["MachineOf=old.service"], desiredState: "launched" },
          { name: "other.service", fleet: [], desiredState: "launched" },
          { name: "new.service", fleet: ["Replaces=old.service"] },
          { name: "after.service", fleet: [] },
        ],
      },
      ["new.service", "after.service"],
    );
  });

  test("on random clusters, the engine puts every unit where the plan said", async () => {
    await fc.assert(
      fc.asyncProperty(clusterCaseArb, async ({ setup, launch }) => {
        await runCase(setup, launch);
      }),
      // Each case runs a server and the engine over etcd; failures print their seed.
      { numRuns: 12, endOnFailure: true },
    );
  });
});
