// Drained machines: the scheduler places nothing new there but global units, and the engine's
// pass moves what stands there elsewhere, as it moves a lost machine's units: a service with
// its MachineOf sidekicks in one write, or unscheduled with the scheduler's reason.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { computeActions } from "../../src/engine/actions.ts";
import type { Change } from "../../src/registry/registry.ts";
import { ClusterIndex, type SchedulerUnit } from "../../src/scheduler/cluster-index.ts";
import { decide, decideGlobal, explainOthers } from "../../src/scheduler/decide.ts";
import { dryRun } from "../../src/scheduler/dry-run.ts";
import { placementViolations } from "../../src/scheduler/invariants.ts";
import { placementGroups } from "../../src/scheduler/plan.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { fleetRequirements } from "../../src/unit/xfleet.ts";
import { AT, fedView, machineRecord, unitRecord, writesOf } from "../support/fed-view.ts";

const SINCE = "2026-12-07T10:15:00.000Z";
const DRAIN = { since: SINCE, reason: "kernel upgrade" };
const DRAINING = `is drained since ${SINCE} (kernel upgrade)`;
const NOW = Date.parse("2026-12-07T11:00:00.000Z");

function unit(name: string, xfleet = ""): SchedulerUnit {
  const parsed = parseUnitFile(`[Service]\nExecStart=/bin/true\n[X-Fleet]\n${xfleet}`);
  assert.ok(parsed.ok);
  const { requirements, errors } = fleetRequirements(parsed.file, name, parsed.lines);
  assert.deepEqual(errors, []);
  return { name, requirements };
}

describe("decide on a cluster with a drained machine", () => {
  const cluster = () => {
    const index = new ClusterIndex();
    index.setMachine({ id: "m1", metadata: {}, drain: DRAIN });
    index.setMachine({ id: "m2", metadata: {} });
    index.setMachine({ id: "m3", metadata: {} });
    index.place(unit("busy-1.service"), "m2");
    index.place(unit("busy-2.service"), "m3");
    return index;
  };

  test("no new unit goes there, however light it is; the reason says since when and why", () => {
    const index = cluster();
    const decision = decide(index, unit("web.service"));
    assert.ok(decision.ok);
    assert.equal(decision.machineId, "m2", "the least loaded machine that is not drained");
    const rejected = explainOthers(index, unit("web.service"), "m2");
    assert.deepEqual(
      rejected.find((rejection) => rejection.machineId === "m1"),
      { machineId: "m1", reason: DRAINING },
    );
  });

  test("a unit only the drained machine could take is not placed, with the reason", () => {
    const decision = decide(cluster(), unit("pinned.service", "MachineID=m1"));
    assert.equal(decision.ok, false);
    assert.ok(!decision.ok);
    assert.deepEqual(decision.rejected, [
      { machineId: "m1", reason: DRAINING },
      { machineId: "m2", reason: "is not the machine MachineID=m1 names" },
      { machineId: "m3", reason: "is not the machine MachineID=m1 names" },
    ]);
    assert.match(decision.reason, /is drained since .* on m1/);
  });

  test("a drain without a reason says since when only", () => {
    const index = new ClusterIndex();
    index.setMachine({ id: "m1", metadata: {}, drain: { since: SINCE } });
    const decision = decide(index, unit("web.service"));
    assert.ok(!decision.ok);
    assert.deepEqual(decision.rejected, [{ machineId: "m1", reason: `is drained since ${SINCE}` }]);
  });

  test("a global unit still runs there, as on every machine", () => {
    const placed = decideGlobal(cluster(), unit("everywhere.service", "Global=true"));
    assert.deepEqual(placed.machineIds, ["m1", "m2", "m3"]);
  });

  test("the placement invariant: only a global unit may stand on a drained machine", () => {
    const index = cluster();
    const machines = index.machines();
    const web = unit("web.service");
    const everywhere = unit("everywhere.service", "Global=true");
    assert.deepEqual(
      placementViolations(machines, [
        { unit: web, machineIds: ["m1"] },
        { unit: everywhere, machineIds: ["m1", "m2", "m3"] },
      ]),
      [{ unit: "web.service", machineId: "m1", reason: "is placed on a machine that is draining" }],
    );
  });
});

const SERVICE = "[Service]\nExecStart=/bin/true\n";

/** A cluster of three machines, m1 to be drained, with its units placed and running. */
function initial(): Change[] {
  const changes: Change[] = ["m1", "m2", "m3"].map((id) => ({
    kind: "machine",
    id,
    value: machineRecord(id, id === "m3" ? { disk: "hdd" } : { disk: "ssd" }),
  }));
  const units: [name: string, xfleet: string, on?: string][] = [
    ["web.service", "", "m1"],
    ["web-side.service", "MachineOf=web.service", "m1"],
    ["ssd.service", "MachineMetadata=disk=ssd", "m1"],
    ["other.service", "", "m2"],
    ["everywhere.service", "Global=true"],
  ];
  units.forEach(([name, xfleet, on], i) => {
    const hash = `h${i}`;
    changes.push({ kind: "unit-file", hash, text: `${SERVICE}[X-Fleet]\n${xfleet}\n` });
    changes.push({ kind: "unit", name, value: unitRecord(name, hash, "launched"), version: 1 });
    if (on)
      changes.push({ kind: "placement", name, value: { machineId: on, placedAt: AT }, version: 1 });
    for (const machineId of on ? [on] : ["m1", "m2", "m3"])
      changes.push({
        kind: "state",
        name,
        machineId,
        value: {
          name,
          machineId,
          hash,
          desiredState: "launched",
          loadState: "loaded",
          activeState: "active",
          subState: "running",
          since: AT,
          launch: 1,
        },
      });
  });
  return changes;
}

const drainOf = (id: string): Change => ({ kind: "machine-drain", id, value: DRAIN });

describe("the engine's pass over a drained machine", () => {
  test("its units move to other machines, a service and its MachineOf sidekick in one write", async () => {
    const { view, push, stop } = await fedView(initial());
    try {
      assert.deepEqual(computeActions(view, { now: NOW }).place, [], "all is settled");
      push(drainOf("m1"));
      const actions = computeActions(view, { now: NOW });
      const moves = actions.place.map(({ unit, machineId, from }) => ({
        unit,
        machineId,
        from: from?.machineId,
        machineGone: from?.machineGone,
      }));
      assert.deepEqual(moves, [
        { unit: "ssd.service", machineId: "m2", from: "m1", machineGone: false },
        { unit: "web.service", machineId: "m3", from: "m1", machineGone: false },
        { unit: "web-side.service", machineId: "m3", from: "m1", machineGone: false },
      ]);
      const groups = placementGroups(actions.place, (name) => view.spec(name));
      assert.deepEqual(
        groups.map((group) => group.map((entry) => entry.unit)),
        [["ssd.service"], ["web.service", "web-side.service"]],
      );
      assert.deepEqual(actions.unplace, []);
      // The drained machine is told to stop them at once; the global unit stays on it.
      const onM1 = actions.agent.filter((task) => task.machineId === "m1");
      assert.deepEqual(onM1.map((task) => [task.unit, task.desiredState]).sort(), [
        ["ssd.service", "inactive"],
        ["web-side.service", "inactive"],
        ["web.service", "inactive"],
      ]);
      assert.equal(
        actions.agent.some((task) => task.unit === "everywhere.service"),
        false,
        "the global unit runs on as it is, drained machine included",
      );
      push(...writesOf(actions, view));
      const settled = computeActions(view, { now: NOW });
      assert.deepEqual(settled.place, []);
      assert.deepEqual(settled.unplace, []);
      assert.deepEqual(view.placements.get("other.service")?.machineId, "m2", "others stay");
    } finally {
      await stop();
    }
  });

  test("a unit no other machine can take is unplaced, and waits with the reason", async () => {
    const { view, push, stop } = await fedView(initial());
    try {
      push(drainOf("m1"), drainOf("m2"));
      const actions = computeActions(view, { now: NOW });
      assert.deepEqual(
        actions.place.map((entry) => [entry.unit, entry.machineId]),
        [
          ["other.service", "m3"],
          ["web.service", "m3"],
          ["web-side.service", "m3"],
        ],
      );
      assert.deepEqual(actions.unplace, [
        {
          unit: "ssd.service",
          machineId: "m1",
          why: "its machine is drained",
          machineDrained: true,
        },
      ]);
      assert.deepEqual(actions.status, [
        {
          unit: "ssd.service",
          reason: `no machine can run ssd.service: ${DRAINING} on m1, m2; has metadata disk=hdd, not MachineMetadata=disk=ssd on m3`,
        },
      ]);
      assert.ok(actions.waiting.includes("ssd.service"));
    } finally {
      await stop();
    }
  });

  test("its end lets units be placed there again; those that moved stay where they are", async () => {
    const { view, push, stop } = await fedView(initial());
    try {
      push(drainOf("m1"), drainOf("m2"));
      push(...writesOf(computeActions(view, { now: NOW }), view));
      push({ kind: "machine-drain", id: "m1" });
      const actions = computeActions(view, { now: NOW });
      assert.deepEqual(
        actions.place.map((entry) => [entry.unit, entry.machineId, entry.from]),
        [["ssd.service", "m1", undefined]],
      );
      assert.deepEqual(actions.unplace, []);
    } finally {
      await stop();
    }
  });

  test("a drained machine that vanished gives its units up at once, without the grace", async () => {
    const { view, push, stop } = await fedView(initial());
    try {
      push({ kind: "machine", id: "m2" });
      const waiting = computeActions(view, { now: NOW, lostAt: () => NOW + 60_000 });
      assert.deepEqual(waiting.place, [], "a vanished machine is waited for");
      assert.ok(waiting.recheckAt.has("other.service"));
      push(drainOf("m2"));
      const actions = computeActions(view, { now: NOW, lostAt: () => NOW + 60_000 });
      assert.deepEqual(
        actions.place.map(({ unit, machineId, from }) => [unit, machineId, from?.machineGone]),
        [["other.service", "m3", true]],
      );
    } finally {
      await stop();
    }
  });

  test("a dry run shows the moves, and the drained machine's reason among the rejections", async () => {
    const { view, push, stop } = await fedView(initial());
    try {
      push(drainOf("m1"));
      const changes: Change[] = [
        { kind: "unit-file", hash: "new", text: SERVICE },
        { kind: "unit", name: "new.service", value: unitRecord("new.service", "new", "inactive") },
      ];
      push(...changes);
      const plan = dryRun(view, ["new.service"], NOW);
      const [planned] = plan.units;
      assert.ok(planned);
      assert.notDeepEqual(planned.machineIds, ["m1"]);
      assert.deepEqual(
        planned.rejected.find((rejection) => rejection.machineId === "m1"),
        { machineId: "m1", reason: DRAINING },
      );
      assert.deepEqual(
        plan.moved.map((moved) => [moved.unit, moved.from]),
        [
          ["ssd.service", "m1"],
          ["web-side.service", "m1"],
          ["web.service", "m1"],
        ],
      );
    } finally {
      await stop();
    }
  });
});
