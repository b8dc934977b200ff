// fleet's own functional scenarios that Flotilla once got wrong (TestScheduleMachineOf,
// TestUnitRestart, TestScheduleCircularReplace, TestSingleNodeConnectivityLoss), driven through
// /fleet/v1 the way fleet's fleetctl drives it. Every server here checks the placement
// invariant after each engine pass (see test/support/server.ts).
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { TestCluster } from "../support/cluster.ts";
import { rawEtcd } from "../support/etcd.ts";
import { http } from "../support/http.ts";
import { waitUntil } from "../support/wait.ts";

let marks: string;
before(async () => {
  marks = await mkdtemp(join(tmpdir(), "flotilla-fleet-scenarios-"));
});
after(async () => {
  await rm(marks, { recursive: true, force: true });
});

/** A unit that appends a line to its own file each time it starts, then runs on. */
function counting(name: string, xfleet = ""): string {
  return `[Service]\nExecStart=/bin/sh -c "echo started >> ${join(marks, name)}; exec sleep 100000"\n${xfleet ? `[X-Fleet]\n${xfleet}\n` : ""}`;
}

async function starts(name: string): Promise<number> {
  const text = await readFile(join(marks, name), "utf8").catch(() => "");
  return text.split("\n").filter((line) => line === "started").length;
}

/** fleet's v1 API as fleetctl calls it. */
class Fleet {
  constructor(private readonly url: string) {}

  async create(name: string, text: string, desiredState: string): Promise<void> {
    const options = [];
    let section = "";
    for (const line of text.split("\n")) {
      const header = /^\[(.+)\]$/.exec(line);
      if (header) section = header[1] as string;
      else if (line.includes("=")) {
        const at = line.indexOf("=");
        options.push({ section, name: line.slice(0, at), value: line.slice(at + 1) });
      }
    }
    const response = await http("PUT", `${this.url}/fleet/v1/units/${name}`, {
      json: { name, desiredState, options },
    });
    assert.equal(response.status, 201, response.text);
  }

  /** cAPI.SetUnitTargetState */
  async setTargetState(name: string, desiredState: string): Promise<void> {
    const response = await http("PUT", `${this.url}/fleet/v1/units/${name}`, {
      json: { desiredState },
    });
    assert.equal(response.status, 204, response.text);
  }

  async unit(name: string): Promise<any> {
    return (await http("GET", `${this.url}/fleet/v1/units/${name}`)).json;
  }

  /** fleetctl's waitForUnitStates: a GET every 250 ms until the unit's currentState is `state`. */
  async waitForState(name: string, state: string): Promise<void> {
    await waitUntil(`${name} ${state} (fleetctl's wait)`, async () => {
      await new Promise((resolve) => setTimeout(resolve, 250));
      return (await this.unit(name))?.currentState === state;
    });
  }

  /** fleetctl restart (fleetctl/restart.go): set loaded, wait for launched, set launched, wait. */
  async restart(name: string, { block = true } = {}): Promise<void> {
    await this.setTargetState(name, "loaded");
    if (block) await this.waitForState(name, "launched");
    await this.setTargetState(name, "launched");
    if (block) await this.waitForState(name, "launched");
  }

  async launchedUnits(): Promise<string[]> {
    const { units } = (await http("GET", `${this.url}/fleet/v1/units`)).json;
    return units.filter((unit: any) => unit.currentState === "launched").map((u: any) => u.name);
  }
}

describe("fleet's functional scenarios through /fleet/v1", () => {
  test("a service and its MachineOf sidekick move together off a lost machine", async () => {
    const cluster = await new TestCluster({
      ips: ["127.0.3.11", "127.0.3.12", "127.0.3.13"],
      presenceTtl: 3,
    }).start();
    try {
      const fleet = new Fleet(cluster.url);
      for (const i of [1, 2, 3]) {
        await fleet.create(`ping.${i}.service`, counting(`ping.${i}`), "launched");
        await fleet.create(
          `pong.${i}.service`,
          counting(`pong.${i}`, `MachineOf=ping.${i}.service`),
          "launched",
        );
      }
      const ping = await cluster.launched("ping.1.service");
      for (const i of [1, 2, 3]) {
        const [a, b] = await Promise.all([
          cluster.launched(`ping.${i}.service`),
          cluster.launched(`pong.${i}.service`),
        ]);
        assert.equal(a.machineId, b.machineId);
      }
      const victim = cluster.agentOn(ping.machineId);
      await victim.daemon.stop("SIGKILL");
      cluster.agents = cluster.agents.filter((agent) => agent !== victim);
      const moved = await Promise.all(
        ["ping.1.service", "pong.1.service"].map((name) =>
          cluster.waitFor(
            name,
            (unit) => unit.currentState === "launched" && unit.machineId !== victim.machineId,
            "running on another machine",
          ),
        ),
      );
      assert.equal(moved[0].machineId, moved[1].machineId, "the sidekick went with its service");
    } finally {
      await cluster.stop();
    }
  });

  test("fleetctl restart returns and really restarts, blocking or not", async () => {
    const cluster = await new TestCluster({ ips: ["127.0.3.21"], presenceTtl: 3 }).start();
    try {
      const fleet = new Fleet(cluster.url);
      await fleet.create("again.service", counting("again"), "launched");
      await fleet.waitForState("again.service", "launched");
      await waitUntil("first start", async () => (await starts("again")) === 1);

      await fleet.restart("again.service");
      await waitUntil("a second start", async () => (await starts("again")) === 2);
      await fleet.waitForState("again.service", "launched");

      await fleet.restart("again.service", { block: false });
      await waitUntil("a third start", async () => (await starts("again")) === 3);
      await fleet.waitForState("again.service", "launched");

      // fleetctl stop and start, blocking: the held stop goes ahead once the unit is read.
      await fleet.setTargetState("again.service", "loaded");
      await fleet.waitForState("again.service", "loaded");
      assert.equal((await cluster.unit("again.service")).activeState, "inactive");
      await fleet.setTargetState("again.service", "launched");
      await fleet.waitForState("again.service", "launched");
      assert.equal(await starts("again"), 4);

      // A stop nobody reads after still happens, once the hold runs out.
      await fleet.setTargetState("again.service", "loaded");
      await cluster.waitFor("again.service", (unit) => unit.activeState === "inactive", "stopped");
    } finally {
      await cluster.stop();
    }
  });

  test("circular Replaces: only the unit started later runs", async () => {
    const cluster = await new TestCluster({
      ips: ["127.0.3.31", "127.0.3.32"],
      presenceTtl: 3,
    }).start();
    try {
      const fleet = new Fleet(cluster.url);
      await fleet.create(
        "replace.0.service",
        counting("replace.0", "Replaces=replace-kick0.service"),
        "launched",
      );
      await cluster.launched("replace.0.service");
      await fleet.create(
        "replace-kick0.service",
        counting("replace-kick0", "Replaces=replace.0.service"),
        "launched",
      );
      await cluster.launched("replace-kick0.service");
      const loser = await cluster.waitFor(
        "replace.0.service",
        (unit) => unit.currentState === "inactive" && unit.machineId === undefined,
        "unscheduled",
      );
      assert.match(loser.reason, /replace-kick0\.service was scheduled later/);
      await waitUntil(
        "replace.0.service stopped",
        async () => (await fleet.launchedUnits()).join() === "replace-kick0.service",
      );
    } finally {
      await cluster.stop();
    }
  });

  test("a machine that vanishes and comes back within its grace keeps its units running", async () => {
    const cluster = await new TestCluster({ ips: ["127.0.3.41"], presenceTtl: 3 }).start();
    const etcd = rawEtcd();
    try {
      await new Fleet(cluster.url).create("steady.service", counting("steady"), "launched");
      const unit = await cluster.launched("steady.service");
      const key = `${cluster.prefix}machines/${unit.machineId}`;
      const kv = (await etcd.get(key).exec()).kvs[0];
      assert.ok(kv);
      // What etcd does when a lease runs out during an outage, and the agent's announcement
      // after it: the engine sees the machine go, then come back.
      await etcd.delete().key(key).exec();
      await waitUntil("the server sees the machine gone", async () => {
        const { machines } = (await http("GET", `${cluster.url}/v1/machines`)).json;
        return machines.length === 0;
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      await etcd.put(key).value(kv.value).lease(kv.lease).exec();
      // Longer than the grace (TTL/3 + 1 s = 2 s): a pass has looked at it meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 4000));
      const after = await cluster.launched("steady.service");
      assert.equal(after.machineId, unit.machineId);
      assert.equal(await starts("steady"), 1, "the unit was never restarted");
    } finally {
      etcd.close();
      await cluster.stop();
    }
  });
});
