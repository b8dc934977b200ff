// The dry run (POST /v1/plan) against the engine's own passes: what it predicts for units
// started together must be where the engine's passes then put them, on any cluster.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { computeActions } from "../../src/engine/actions.ts";
import type { Change } from "../../src/registry/registry.ts";
import type { ClusterView } from "../../src/registry/view.ts";
import { schedulerMachine } from "../../src/scheduler/cluster-state.ts";
import { type DryRun, dryRun } from "../../src/scheduler/dry-run.ts";
import { placementViolations } from "../../src/scheduler/invariants.ts";
import { AT, fedView, machineRecord, unitRecord, writesOf } from "../support/fed-view.ts";
import {
  type ClusterSetup,
  clusterCaseArb,
  definedOnly,
  textOf,
} from "../support/planner-cases.ts";

const NOW = Date.parse("2026-02-01T00:00:00.000Z");

function initialChanges({ machines, units }: ClusterSetup): Change[] {
  const changes: Change[] = [];
  for (const [id, metadata] of Object.entries(machines))
    changes.push({ kind: "machine", id, value: machineRecord(id, definedOnly(metadata)) });
  units.forEach((unit, i) => {
    const hash = `h${i}`;
    changes.push({ kind: "unit-file", hash, text: textOf(unit.fleet) });
    const record = unitRecord(unit.name, hash, unit.desiredState ?? "inactive", unit.createdAt);
    changes.push({ kind: "unit", name: unit.name, value: record, version: i + 1 });
    if (unit.on)
      changes.push({
        kind: "placement",
        name: unit.name,
        value: { machineId: unit.on, placedAt: AT },
        version: i + 1,
      });
  });
  return changes;
}

/** Starts the units as the API does (each a write of its own), in order. */
function launchChanges(view: ClusterView, launch: readonly string[]): Change[] {
  return launch.flatMap((name, i): Change[] => {
    const at = new Date(NOW + i).toISOString();
    const record = view.units.get(name);
    if (!record) return [];
    if (record.desiredState === "launched") return [];
    const scheduled = record.desiredState === "inactive" ? { scheduledAt: at } : {};
    return [
      {
        kind: "unit",
        name,
        value: { ...record, desiredState: "launched", updatedAt: at, ...scheduled },
        version: 1000 + i,
      },
    ];
  });
}

/** The engine's passes until it places and unplaces nothing: where every unit runs then. */
function engineOutcome(view: ClusterView, push: (...changes: Change[]) => void) {
  for (let pass = 0; pass < 20; pass++) {
    const actions = computeActions(view, { now: NOW });
    const writes = writesOf(actions, view);
    if (actions.place.length === 0 && actions.unplace.length === 0) {
      push(...writes);
      // What agents are asked to run: standing placements and global units' machines.
      const running = new Map<string, string[]>();
      for (const task of actions.agent) {
        if (task.desiredState === "inactive") continue;
        running.set(task.unit, [...(running.get(task.unit) ?? []), task.machineId].sort());
      }
      return running;
    }
    push(...writes);
  }
  throw new Error("the engine's passes did not settle");
}

/** Where the dry run says every unit runs once the engine has acted. */
function predicted(view: ClusterView, plan: DryRun): Map<string, string[]> {
  const where = new Map<string, string[]>();
  for (const [name, { machineId }] of view.placements) {
    const unit = view.units.get(name);
    if (unit && unit.desiredState !== "inactive") where.set(name, [machineId]);
  }
  for (const moved of plan.moved) {
    if (moved.machineId) where.set(moved.unit, [moved.machineId]);
    else where.delete(moved.unit);
  }
  for (const unit of plan.units) {
    if (unit.machineIds.length > 0) where.set(unit.unit, [...unit.machineIds].sort());
    else where.delete(unit.unit);
  }
  return where;
}

/**
 * Starts `launch` as the dry run assumed, then lets the engine settle. `passesBetween[i]`
 * engine passes run right after the i-th start (none by default: all in one pass), so that
 * the starts reach the engine spread over its passes as a client's requests would.
 */
async function compare(
  setup: ClusterSetup,
  launch: readonly string[],
  passesBetween: readonly number[] = [],
) {
  const { view, push, stop } = await fedView(initialChanges(setup));
  try {
    // The cluster as it stands: the engine has acted on everything before the start. Machines
    // drained then have units to move: the dry run must see the moves the engine makes.
    engineOutcome(view, push);
    for (const id of setup.drained ?? []) push({ kind: "machine-drain", id, value: { since: AT } });
    const standing = new Map(view.placements);
    const plan = dryRun(view, launch, NOW);
    assert.deepEqual(new Map(view.placements), standing, "a dry run changes nothing");
    const running = new Map<string, string[]>();
    for (const name of view.units.keys()) {
      const spec = view.spec(name);
      if (spec?.requirements.global && view.units.get(name)?.desiredState !== "inactive")
        running.set(name, []);
    }
    const expected = predicted(view, plan);
    const starts = launchChanges(view, launch);
    starts.forEach((start, i) => {
      push(start);
      for (let pass = 0; pass < (passesBetween[i] ?? 0); pass++)
        push(...writesOf(computeActions(view, { now: NOW }), view));
    });
    const actual = engineOutcome(view, push);
    // Global units that the agents run are compared with the dry run's machines for them.
    for (const unit of plan.units)
      if (unit.global && !actual.has(unit.unit)) actual.set(unit.unit, []);
    for (const [name, machines] of expected) if (machines.length === 0) expected.delete(name);
    for (const [name, machines] of actual) if (machines.length === 0) actual.delete(name);
    for (const name of running.keys()) {
      if (!expected.has(name) && actual.has(name)) expected.set(name, actual.get(name) as string[]);
    }
    assert.deepEqual(
      Object.fromEntries([...actual].sort()),
      Object.fromEntries([...expected].sort()),
      `plan: ${JSON.stringify(plan)}`,
    );
    const machines = [...view.machines.keys()].map((id) => schedulerMachine(view, id));
    const placed = [...actual].map(([name, machineIds]) => {
      const unit = view.spec(name);
      assert.ok(unit, name);
      return { unit, machineIds };
    });
    assert.deepEqual(placementViolations(machines, placed), [], "no requirement broken");
    return plan;
  } finally {
    await stop();
  }
}

describe("dry run", () => {
  const three = { m1: {}, m2: {}, m3: {} };

  test("a unit that replaces a placed one takes its machine; the replaced unit and its sidekick move together", async () => {
    const plan = await compare(
      {
        machines: three,
        units: [
          { name: "old.service", fleet: [], desiredState: "launched", on: "m1" },
          {
            name: "old-side.service",
            fleet: ["MachineOf=old.service"],
            desiredState: "launched",
            on: "m1",
          },
          { name: "other.service", fleet: [], desiredState: "launched", on: "m2" },
          { name: "new.service", fleet: ["Replaces=old.service"] },
          { name: "after.service", fleet: [] },
        ],
      },
      ["new.service", "after.service"],
    );
    const [replacer, after] = plan.units;
    assert.deepEqual(replacer?.machineIds, ["m1"]);
    assert.deepEqual(replacer?.displaces, ["old.service", "old-side.service"]);
    // The displaced units were asked to run before the next one: they are placed first.
    assert.deepEqual(plan.moved, [
      { unit: "old-side.service", from: "m1", machineId: "m3" },
      { unit: "old.service", from: "m1", machineId: "m3" },
    ]);
    assert.deepEqual(after?.machineIds, ["m1"]);
  });

  test("running global units count: what conflicts with them waits, what follows them fits", async () => {
    const plan = await compare(
      {
        machines: { m1: { disk: "ssd" }, m2: {}, m3: {} },
        units: [
          {
            name: "everywhere.service",
            fleet: ["Global=true", "MachineMetadata=disk=ssd"],
            desiredState: "launched",
          },
          { name: "apart.service", fleet: ["Conflicts=everywhere.service"] },
          { name: "beside.service", fleet: ["MachineOf=everywhere.service"] },
        ],
      },
      ["apart.service", "beside.service"],
    );
    const [apart, beside] = plan.units;
    assert.deepEqual(apart?.machineIds, ["m2"], "not on m1, where the global unit runs");
    assert.deepEqual(beside?.machineIds, ["m1"]);
  });

  test("of two conflicting global units the one asked to run first runs", async () => {
    const plan = await compare(
      {
        machines: three,
        units: [
          {
            name: "young.service",
            fleet: ["Global=true", "Conflicts=old.service"],
            createdAt: "2026-01-03T00:00:00.000Z",
          },
          { name: "old.service", fleet: ["Global=true"], createdAt: "2026-01-02T00:00:00.000Z" },
        ],
      },
      ["old.service", "young.service"],
    );
    assert.deepEqual(plan.units[0]?.machineIds, ["m1", "m2", "m3"]);
    assert.deepEqual(plan.units[1]?.machineIds, []);
    assert.match(plan.units[1]?.reason ?? "", /no machine/);
  });

  test("every other machine is explained, and a sidekick asked first follows its service", async () => {
    const plan = await compare(
      {
        machines: three,
        units: [
          { name: "busy.service", fleet: [], desiredState: "launched", on: "m1" },
          { name: "side.service", fleet: ["MachineOf=main.service"] },
          { name: "main.service", fleet: ["Conflicts=busy.service"] },
        ],
      },
      ["side.service", "main.service"],
    );
    const [side, main] = plan.units;
    assert.deepEqual(main?.machineIds, ["m2"]);
    assert.deepEqual(side?.machineIds, ["m2"]);
    assert.deepEqual(
      main?.rejected.map((rejection) => rejection.machineId),
      ["m1", "m3"],
    );
    assert.match(main?.rejected[0]?.reason ?? "", /conflicts with busy.service/);
  });
});

describe("dry run: properties", () => {
  test("predicts exactly where the engine's passes put every unit, however the starts are spread over them, and breaks no requirement", async () => {
    await fc.assert(
      fc.asyncProperty(clusterCaseArb, async ({ setup, launch, passesBetween }) => {
        await compare(setup, launch, passesBetween);
      }),
      { numRuns: 400 },
    );
  });
});
