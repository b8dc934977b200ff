import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Etcd3 } from "etcd3";
import { docker } from "../support/agents.ts";
import { TestCluster } from "../support/cluster.ts";
import { EtcdProcess } from "../support/etcd-process.ts";
import { unitProcessesOf } from "../support/process.ts";
import { waitUntil } from "../support/wait.ts";

/** How long the random operations go on; bounded, so the suite stays bounded. */
const SOAK_MS = 75_000;

/** A deterministic pseudo-random sequence, so that a failing run can be replayed. */
function randomSource(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe("soak", () => {
  test("submit, start, stop and destroy with agents killed at random: nothing lost, nothing leaked", async (t) => {
    const etcd = new EtcdProcess();
    await etcd.start();
    const cluster = await new TestCluster({
      ips: ["127.0.1.41", "127.0.1.42", "127.0.1.43"],
      etcd: etcd.endpoint,
    }).start();
    const seed = Number(process.env.FLOTILLA_SOAK_SEED ?? Date.now() % 100_000);
    // Whatever fails, FLOTILLA_SOAK_SEED=<seed> replays the same operations.
    t.diagnostic(`seed ${seed}`);
    const random = randomSource(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const names = [
      ...Array.from({ length: 6 }, (_, i) => `soak@${i}.service`),
      "soak-box@1.service",
      "soak-box@2.service",
    ];
    try {
      await cluster.submit(
        "soak@.service",
        "[Service]\nExecStart=/bin/sleep 100000\n[X-Fleet]\nConflicts=soak@*.service\n",
      );
      await cluster.submit(
        "soak-box@.service",
        "[Service]\nExecStartPre=-/usr/bin/docker rm -f soak-box-%i\nExecStart=/usr/bin/docker run --rm --name soak-box-%i flotilla/busybox sleep 100000\nExecStop=/usr/bin/docker stop soak-box-%i\n",
      );
      const deadline = Date.now() + SOAK_MS;
      let nextKill = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const name = pick(names);
        const action = pick(["launched", "launched", "loaded", "inactive", "destroy"] as const);
        if (action === "destroy") await cluster.destroy(name);
        else await cluster.setState(name, action).catch(() => {});
        if (Date.now() > nextKill) {
          const index = Math.floor(random() * cluster.agents.length);
          const victim = cluster.agents[index];
          if (victim) {
            await victim.daemon.stop("SIGKILL");
            cluster.agents[index] = await cluster.startAgentOn(
              victim.ip,
              [],
              victim.machineId,
              etcd.endpoint,
            );
          }
          nextKill = Date.now() + 15_000;
        }
        await new Promise((resolve) => setTimeout(resolve, 200 + random() * 300));
      }

      // Everything launched converges, then everything destroyed disappears everywhere.
      for (const name of names) await cluster.setState(name, "launched").catch(() => {});
      let seen: unknown[] = [];
      await waitUntil(
        `every unit launched once (seed ${seed})`,
        async () => {
          const units = await Promise.all(names.map((name) => cluster.unit(name)));
          seen = units;
          const launched = units.filter((unit) => unit.currentState === "launched");
          // Six soak@ units conflict pairwise over three machines: three run, three wait.
          return launched.length === 5;
        },
        90_000,
      ).catch((error: Error) => {
        // What each unit looked like at the end says which one is stuck, and why.
        throw new Error(`${error.message}; last seen: ${JSON.stringify(seen)}`);
      });
      for (const name of names) {
        const copies = await Promise.all(cluster.agents.map((agent) => agent.client.getUnit(name)));
        assert.ok(
          copies.filter((copy) => copy?.activeState === "active").length <= 1,
          `${name} runs at most once`,
        );
      }
      for (const name of names) await cluster.destroy(name);
      let held: string[] = [];
      await waitUntil(
        `agents hold no units (seed ${seed})`,
        async () => {
          const lists = await Promise.all(cluster.agents.map((agent) => agent.client.listUnits()));
          held = lists.flatMap((units, i) =>
            units.map(
              (unit) =>
                `${unit.name} on ${cluster.agents[i]?.ip}: ${unit.desiredState}, ${unit.activeState}/${unit.subState}`,
            ),
          );
          return held.length === 0;
        },
        60_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; still held: ${held.join("; ")}`);
      });

      const client = new Etcd3({ hosts: etcd.endpoint });
      try {
        // An agent withdraws a unit's state just after it stops holding the unit: the keys
        // go shortly after the agents' lists empty, and must all go.
        let left: string[] = [];
        await waitUntil(
          "no placements, states, schedule records or announcements left",
          async () => {
            const keys = await client.getAll().prefix(cluster.prefix).keys();
            left = keys
              .map((key) => key.slice(cluster.prefix.length))
              .filter(
                (key) =>
                  !key.startsWith("machines/") &&
                  !key.startsWith("unit-files/") &&
                  !key.startsWith("unit-file-refs/") &&
                  !key.startsWith("units/soak") &&
                  !key.startsWith("cluster/") &&
                  !key.startsWith("election"),
              );
            return left.length === 0;
          },
          30_000,
        ).catch((error: Error) => {
          throw new Error(`${error.message}; left: ${JSON.stringify(left)}`);
        });
        const leases = await client.leaseClient.leaseLeases({});
        // One presence lease per agent, and the engine leader's.
        assert.ok(
          leases.leases.length <= cluster.agents.length + 1,
          `leases left: ${leases.leases.length}`,
        );
      } finally {
        client.close();
      }
      for (const agent of cluster.agents) {
        assert.deepEqual(
          await unitProcessesOf(agent.machineId),
          [],
          `no unit process left on ${agent.machineId}, killed agents' included`,
        );
      }
      const containers = await docker.listContainers({
        all: true,
        filters: { name: ["soak-box-"] },
      });
      assert.deepEqual(
        containers.map((info) => info.Names),
        [],
        "no container left",
      );
    } finally {
      await cluster.stop();
      await etcd.destroy();
    }
  });
});
