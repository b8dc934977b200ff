import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import { TestCluster } from "../support/cluster.ts";
import { http } from "../support/http.ts";
import { waitUntil } from "../support/wait.ts";

const sleeper = (extra = "") => `[Service]\nExecStart=/bin/sleep 100000\n${extra}`;

describe("scheduling with the engine and real agents", () => {
  const cluster = new TestCluster({
    ips: ["127.0.1.21", "127.0.1.22", "127.0.1.23"],
    metadata: [
      ["role=db", "slot=1", "disk=ssd"],
      ["slot=2", "disk=hdd"],
      ["slot=3", "disk=ssd"],
    ],
  });
  const created: string[] = [];
  before(async () => {
    await cluster.start();
  });
  after(() => cluster.stop());
  afterEach(async () => {
    await Promise.all(created.splice(0).map((name) => cluster.destroy(name)));
  });

  async function launch(name: string) {
    created.push(name);
    return cluster.setState(name, "launched");
  }

  test("five mutually conflicting units on three machines: three run, on distinct machines", async () => {
    await cluster.submit("clash@.service", sleeper("[X-Fleet]\nX-Conflicts=clash@*.service\n"));
    const names = [1, 2, 3, 4, 5].map((i) => `clash@${i}.service`);
    for (const name of names) await launch(name);
    await waitUntil("three launched", async () => {
      const units = await Promise.all(names.map((name) => cluster.unit(name)));
      return units.filter((unit) => unit.currentState === "launched").length === 3;
    });
    const units = await Promise.all(names.map((name) => cluster.unit(name)));
    const running = units.filter((unit) => unit.currentState === "launched");
    assert.equal(new Set(running.map((unit) => unit.machineId)).size, 3);
    const waiting = units.filter((unit) => unit.currentState !== "launched");
    assert.equal(waiting.length, 2);
    for (const unit of waiting) {
      assert.equal(unit.machineId, undefined);
      assert.match(unit.reason, /conflict/i);
    }
  });

  test("a one-way conflict blocks until the other unit is destroyed", async () => {
    await cluster.submit("db-first.service", sleeper("[X-Fleet]\nMachineMetadata=role=db\n"));
    await cluster.submit(
      "db-second.service",
      sleeper("[X-Fleet]\nMachineMetadata=role=db\nConflicts=db-first.service\n"),
    );
    await launch("db-first.service");
    await cluster.launched("db-first.service");
    await launch("db-second.service");
    const blocked = await cluster.waitFor(
      "db-second.service",
      (unit) => /conflict/i.test(unit.reason ?? ""),
      "a conflict reason",
    );
    assert.equal(blocked.currentState, "inactive");
    await cluster.destroy("db-first.service");
    const placed = await cluster.launched("db-second.service");
    assert.equal(placed.machineId, cluster.agents[0]?.machineId);
  });

  test("MachineOf keeps a pair together; MachineID pins, by full id or prefix", async () => {
    const target = cluster.agents[1];
    assert.ok(target);
    await cluster.submit(
      "pinned.service",
      sleeper(`[X-Fleet]\nMachineID=${target.machineId.slice(0, 8)}\n`),
    );
    await cluster.submit("follower.service", sleeper("[X-Fleet]\nMachineOf=pinned.service\n"));
    await launch("follower.service");
    await launch("pinned.service");
    const pinned = await cluster.launched("pinned.service");
    const follower = await cluster.launched("follower.service");
    assert.equal(pinned.machineId, target.machineId);
    assert.equal(follower.machineId, target.machineId);
  });

  test("MachineMetadata with %i picks the machine whose metadata matches the instance", async () => {
    await cluster.submit("slot@.service", sleeper("[X-Fleet]\nMachineMetadata=slot=%i\n"));
    for (const slot of [3, 1, 2]) await launch(`slot@${slot}.service`);
    for (const slot of [1, 2, 3]) {
      const unit = await cluster.launched(`slot@${slot}.service`);
      assert.equal(unit.machineId, cluster.agents[slot - 1]?.machineId);
    }
    await cluster.submit("nowhere.service", sleeper("[X-Fleet]\nMachineMetadata=disk=nvme\n"));
    await launch("nowhere.service");
    const nowhere = await cluster.waitFor(
      "nowhere.service",
      (unit) => unit.reason !== undefined && !/waiting/.test(unit.reason),
    );
    assert.match(nowhere.reason, /disk/);
  });

  test("a global unit runs on every machine that matches", async () => {
    await cluster.submit("everywhere.service", sleeper("[X-Fleet]\nGlobal=true\n"));
    await cluster.submit(
      "ssd-only.service",
      sleeper("[X-Fleet]\nGlobal=true\nMachineMetadata=disk=ssd\n"),
    );
    await launch("everywhere.service");
    await launch("ssd-only.service");
    // Reported by all three as they start it; launched once the first of them runs it.
    await cluster.waitFor(
      "everywhere.service",
      (unit) => unit.machineIds?.length === 3 && unit.currentState === "launched",
      "launched, on all three machines",
    );
    for (const agent of cluster.agents) {
      await waitUntil(
        `everywhere.service on ${agent.ip}`,
        async () => (await agent.client.getUnit("everywhere.service"))?.activeState === "active",
      );
    }
    await waitUntil("ssd-only on the two ssd machines", async () => {
      const running = await Promise.all(
        cluster.agents.map(
          async (agent) => (await agent.client.getUnit("ssd-only.service"))?.activeState,
        ),
      );
      return running[0] === "active" && running[2] === "active" && running[1] === undefined;
    });
  });

  test("Replaces takes the replaced unit's machine and moves it elsewhere", async () => {
    await cluster.submit("old.service", sleeper());
    await cluster.submit("new.service", sleeper("[X-Fleet]\nReplaces=old.service\n"));
    await launch("old.service");
    const old = await cluster.launched("old.service");
    await launch("new.service");
    const replacement = await cluster.launched("new.service");
    assert.equal(replacement.machineId, old.machineId);
    const moved = await cluster.waitFor(
      "old.service",
      (unit) => unit.currentState === "launched" && unit.machineId !== old.machineId,
    );
    assert.notEqual(moved.machineId, replacement.machineId);
  });

  test("multi-value Conflicts keeps a unit away from each unit it names", async () => {
    const [first, second] = cluster.agents;
    assert.ok(first && second);
    await cluster.submit("pin-a.service", sleeper(`[X-Fleet]\nMachineID=${first.machineId}\n`));
    await cluster.submit("pin-b.service", sleeper(`[X-Fleet]\nMachineID=${second.machineId}\n`));
    await cluster.submit(
      "picky.service",
      sleeper("[X-Fleet]\nConflicts=pin-a.service pin-b.service\n"),
    );
    await launch("pin-a.service");
    await launch("pin-b.service");
    await cluster.launched("pin-a.service");
    await cluster.launched("pin-b.service");
    await launch("picky.service");
    const picky = await cluster.launched("picky.service");
    assert.equal(picky.machineId, cluster.agents[2]?.machineId);
  });

  test("circular Replaces on a machine both need: exactly one is launched", async () => {
    await cluster.submit(
      "circle-a.service",
      sleeper("[X-Fleet]\nMachineMetadata=role=db\nReplaces=circle-b.service\n"),
    );
    await cluster.submit(
      "circle-b.service",
      sleeper("[X-Fleet]\nMachineMetadata=role=db\nReplaces=circle-a.service\n"),
    );
    await launch("circle-a.service");
    await launch("circle-b.service");
    await waitUntil("one launched, one refused", async () => {
      const units = await Promise.all(
        ["circle-a.service", "circle-b.service"].map((name) => cluster.unit(name)),
      );
      const launched = units.filter((unit) => unit.currentState === "launched");
      const refused = units.filter(
        (unit) => unit.machineId === undefined && /replace/i.test(unit.reason ?? ""),
      );
      return launched.length === 1 && refused.length === 1;
    });
  });

  test("conflicting global units: the second runs nowhere the first runs", async () => {
    await cluster.submit("global-a.service", sleeper("[X-Fleet]\nGlobal=true\n"));
    await cluster.submit(
      "global-b.service",
      sleeper("[X-Fleet]\nGlobal=true\nConflicts=global-a.service\n"),
    );
    await launch("global-a.service");
    await cluster.waitFor(
      "global-a.service",
      (unit) => unit.machineIds?.length === 3,
      "on all three machines",
    );
    await launch("global-b.service");
    const refused = await cluster.waitFor("global-b.service", (unit) =>
      /no machine/.test(unit.reason ?? ""),
    );
    assert.equal(refused.machineIds, undefined);
    for (const agent of cluster.agents)
      assert.equal(await agent.client.getUnit("global-b.service"), undefined);
  });

  test("fleet's API shows the agents' reports: currentState, machineID and /state", async () => {
    await cluster.submit("reported.service", sleeper());
    await launch("reported.service");
    const unit = await cluster.launched("reported.service");
    const fleetUnit = await http("GET", `${cluster.url}/fleet/v1/units/reported.service`);
    assert.equal(fleetUnit.json.currentState, "launched");
    assert.equal(fleetUnit.json.machineID, unit.machineId);
    const state = await http("GET", `${cluster.url}/fleet/v1/state/reported.service`);
    assert.equal(state.json.systemdActiveState, "active");
    assert.equal(state.json.systemdLoadState, "loaded");
    assert.equal(state.json.systemdSubState, "running");
    assert.equal(state.json.machineID, unit.machineId);
    await cluster.setState("reported.service", "loaded");
    const loaded = await cluster.waitFor(
      "reported.service",
      (current) => current.currentState === "loaded",
    );
    assert.equal(loaded.activeState, "inactive");
  });

  test("a stopped unit is loaded only once it has stopped, however long its ExecStop takes", async () => {
    // Two seconds of ExecStop: long enough that every poll below sees the unit deactivating.
    await cluster.submit("slow-stop.service", sleeper("ExecStop=/bin/sleep 2\n"));
    await launch("slow-stop.service");
    await cluster.launched("slow-stop.service");
    await cluster.setState("slow-stop.service", "loaded");
    const stopped = await cluster.waitFor(
      "slow-stop.service",
      (unit) => unit.currentState === "loaded",
    );
    assert.equal(stopped.activeState, "inactive");
    const fleet = await http("GET", `${cluster.url}/fleet/v1/units/slow-stop.service`);
    assert.equal(fleet.json.currentState, "loaded");
  });
});
