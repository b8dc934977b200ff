// fleet's own functional scenarios that Flotilla once got wrong (TestScheduleMachineOf,
// TestUnitRestart, TestScheduleCircularReplace, TestSingleNodeConnectivityLoss) and fleetctl's
// unit commands with and without --no-block, each typed twice: as fleet's Go fleetctl sends
// them to /fleet/v1, and through Flotilla's CLI. Every server here checks the placement
// invariant after each engine pass (see test/support/server.ts).
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { stopAgent } from "../support/agents.ts";
import { TestCluster } from "../support/cluster.ts";
import { rawEtcd } from "../support/etcd.ts";
import { type Fleetctl, FleetctlReplay, FlotillaCli } from "../support/fleetctl.ts";
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

/** The mark is written by the started process itself, just after the agent reports it. */
async function startsReach(name: string, count: number): Promise<void> {
  await waitUntil(`${name} started ${count} times`, async () => (await starts(name)) === count);
}

const fleetctls: { name: string; base: number; open: (url: string) => Promise<Fleetctl> }[] = [
  { name: "fleet's fleetctl", base: 10, open: async (url) => new FleetctlReplay(url) },
  { name: "Flotilla's CLI", base: 110, open: (url) => FlotillaCli.in(url) },
];

for (const { name, base, open } of fleetctls) {
  /** A cluster of agents on 127.0.3.(base + n), and a fleetctl pointed at it. */
  async function withCluster(
    hosts: number[],
    scenario: (cluster: TestCluster, fleetctl: Fleetctl) => Promise<void>,
    options: { fleetStopHoldMs?: number } = {},
  ): Promise<void> {
    const cluster = await new TestCluster({
      ips: hosts.map((host) => `127.0.3.${base + host}`),
      presenceTtl: 3,
      ...options,
    }).start();
    const fleetctl = await open(cluster.url);
    try {
      await scenario(cluster, fleetctl);
    } finally {
      await fleetctl.close();
      await cluster.stop();
    }
  }

  describe(`fleet's functional scenarios through ${name}`, () => {
    test("a service and its MachineOf sidekick move together off a lost machine", () =>
      withCluster([1, 2, 3], async (cluster, fleetctl) => {
        const names = [];
        for (const i of [1, 2, 3]) {
          await fleetctl.write(`ping.${i}.service`, counting(`${base}.ping.${i}`));
          await fleetctl.write(
            `pong.${i}.service`,
            counting(`${base}.pong.${i}`, `MachineOf=ping.${i}.service`),
          );
          names.push(`ping.${i}.service`, `pong.${i}.service`);
        }
        await fleetctl.start(names);
        for (const i of [1, 2, 3]) {
          const [a, b] = await Promise.all([
            cluster.launched(`ping.${i}.service`),
            cluster.launched(`pong.${i}.service`),
          ]);
          assert.equal(a.machineId, b.machineId);
        }
        const ping = await cluster.launched("ping.1.service");
        const victim = cluster.agentOn(ping.machineId);
        await victim.daemon.stop("SIGKILL");
        cluster.agents = cluster.agents.filter((agent) => agent !== victim);
        try {
          const moved = await Promise.all(
            ["ping.1.service", "pong.1.service"].map((unit) =>
              cluster.waitFor(
                unit,
                (seen) => seen.currentState === "launched" && seen.machineId !== victim.machineId,
                "running on another machine",
              ),
            ),
          );
          assert.equal(
            moved[0].machineId,
            moved[1].machineId,
            "the sidekick went with its service",
          );
        } finally {
          // The machine is dead for good: what its agent ran goes with it.
          await stopAgent(victim);
        }
      }));

    // fleetctl's first poll after a stop must come within the hold: a long one here, so that
    // no load on the machine running the test can make it late.
    test("restart returns and really restarts, blocking or not; stop and start block", () =>
      withCluster(
        [11],
        async (cluster, fleetctl) => {
          const mark = `${base}.again`;
          await fleetctl.write("again.service", counting(mark));
          await fleetctl.start(["again.service"]);
          await startsReach(mark, 1);

          await fleetctl.restart("again.service");
          await startsReach(mark, 2);
          await cluster.launched("again.service");

          await fleetctl.restart("again.service", { block: false });
          await startsReach(mark, 3);
          await cluster.launched("again.service");

          // Blocking stop and start: a stop held for fleetctl's first poll goes ahead once read.
          await fleetctl.stop("again.service");
          assert.equal((await cluster.unit("again.service")).activeState, "inactive");
          await fleetctl.start(["again.service"]);
          await startsReach(mark, 4);

          // Neither waits: whether or not the stop went ahead, the later launch restarts it.
          await fleetctl.stop("again.service", { block: false });
          await fleetctl.start(["again.service"], { block: false });
          await cluster.launched("again.service");
          await startsReach(mark, 5);
        },
        { fleetStopHoldMs: 600_000 },
      ));

    test("a stop nobody reads after still happens, once the hold runs out", () =>
      withCluster(
        [12],
        async (cluster, fleetctl) => {
          const mark = `${base}.unread`;
          await fleetctl.write("unread.service", counting(mark));
          await fleetctl.start(["unread.service"]);
          await fleetctl.stop("unread.service", { block: false });
          await cluster.waitFor(
            "unread.service",
            (unit) => unit.activeState === "inactive",
            "stopped",
          );
        },
        { fleetStopHoldMs: 2000 },
      ));

    test("load, unload and destroy, blocking or not", () =>
      withCluster([21], async (cluster, fleetctl) => {
        const mark = `${base}.cycle`;
        const nothingRunning = () =>
          waitUntil("nothing running", async () => (await fleetctl.runningUnits()).length === 0);
        const gone = async () => {
          await waitUntil(
            "the unit gone",
            async () => (await cluster.unit("cycle.service")).status === 404,
          );
          await nothingRunning();
        };
        await fleetctl.write("cycle.service", counting(mark));
        await fleetctl.load(["cycle.service"], { block: false });
        await cluster.waitFor("cycle.service", (unit) => unit.currentState === "loaded", "loaded");
        await fleetctl.unload("cycle.service", { block: false });
        await cluster.waitFor(
          "cycle.service",
          (unit) => unit.currentState === "inactive" && unit.machineId === undefined,
          "unloaded",
        );

        await fleetctl.load(["cycle.service"]);
        assert.equal((await cluster.unit("cycle.service")).currentState, "loaded");
        await fleetctl.start(["cycle.service"]);
        await startsReach(mark, 1);
        await fleetctl.unload("cycle.service");
        assert.equal((await cluster.unit("cycle.service")).currentState, "inactive");
        // currentState is the placement: the machine stops the process right after.
        await nothingRunning();

        await fleetctl.start(["cycle.service"]);
        await startsReach(mark, 2);
        await fleetctl.destroy("cycle.service");
        await gone();

        await fleetctl.start(["cycle.service"], { block: false });
        await cluster.launched("cycle.service");
        await startsReach(mark, 3);
        await fleetctl.destroy("cycle.service", { block: false });
        await gone();
      }));

    test("circular Replaces: only the unit started later runs", () =>
      withCluster([31, 32], async (cluster, fleetctl) => {
        await fleetctl.write(
          "replace.0.service",
          counting(`${base}.replace.0`, "Replaces=replace-kick0.service"),
        );
        await fleetctl.write(
          "replace-kick0.service",
          counting(`${base}.replace-kick0`, "Replaces=replace.0.service"),
        );
        await fleetctl.start(["replace.0.service"]);
        await fleetctl.start(["replace-kick0.service"]);
        const loser = await cluster.waitFor(
          "replace.0.service",
          (unit) => unit.currentState === "inactive" && unit.machineId === undefined,
          "unscheduled",
        );
        assert.match(loser.reason, /replace-kick0\.service was scheduled later/);
        await waitUntil(
          "replace.0.service stopped",
          async () => (await fleetctl.runningUnits()).join() === "replace-kick0.service",
        );
      }));

    test("a machine that vanishes and comes back within its grace keeps its units running", () =>
      withCluster([41], async (cluster, fleetctl) => {
        const mark = `${base}.steady`;
        await fleetctl.write("steady.service", counting(mark));
        await fleetctl.start(["steady.service"]);
        const unit = await cluster.launched("steady.service");
        const etcd = rawEtcd();
        try {
          const key = `${cluster.prefix}machines/${unit.machineId}`;
          const kv = (await etcd.get(key).exec()).kvs[0];
          assert.ok(kv);
          // What etcd does when a lease runs out during an outage, and the agent's
          // announcement after it: the engine sees the machine go, then come back.
          await etcd.delete().key(key).exec();
          await waitUntil("the server sees the machine gone", async () => {
            const { machines } = (await http("GET", `${cluster.url}/v1/machines`)).json;
            return machines.length === 0;
          });
          await new Promise((resolve) => setTimeout(resolve, 500));
          await etcd.put(key).value(kv.value).lease(kv.lease).exec();
          // Longer than the grace (TTL/3 + 1 s = 2 s): a pass has looked at it meanwhile.
          await new Promise((resolve) => setTimeout(resolve, 4000));
        } finally {
          etcd.close();
        }
        const after = await cluster.launched("steady.service");
        assert.equal(after.machineId, unit.machineId);
        assert.equal(await starts(mark), 1, "the unit was never restarted");
      }));
  });
}
