import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { TestAgent } from "../support/agents.ts";
import { TestCluster } from "../support/cluster.ts";
import { DedicatedDockerd, dedicatedEngineUnavailable } from "../support/dockerd.ts";
import { http } from "../support/http.ts";
import { waitUntil } from "../support/wait.ts";

const unavailable = await dedicatedEngineUnavailable();

/**
 * A container unit as fleet's users write them: a stale container removed first, maybe --rm.
 * No start limit: restarted every 100 ms while the engine is down, it would otherwise fail
 * with "start request repeated too quickly", as under systemd.
 */
function containerUnit(restart: string, remove: boolean): string {
  return [
    "[Unit]",
    "StartLimitIntervalSec=0",
    "[Service]",
    `Restart=${restart}`,
    "ExecStartPre=-/usr/bin/docker rm -f %p",
    `ExecStart=/usr/bin/docker run ${remove ? "--rm " : ""}--name %p flotilla/busybox sleep 100000`,
    "ExecStop=/usr/bin/docker stop %p",
    "",
  ].join("\n");
}

const UNITS = {
  "engine-always.service": "always",
  "engine-on-failure.service": "on-failure",
  "engine-no.service": "no",
};
const RESTARTED = ["engine-always.service", "engine-on-failure.service"];
const NOT_RESTARTED = "engine-no.service";

interface Machine {
  /** Whether the units' containers are run with --rm. */
  remove: boolean;
  engine: DedicatedDockerd;
  cluster: TestCluster;
  agent: TestAgent;
  /** The unit's containers on the engine, as the agent labels them; running ones only unless `all`. */
  containers(
    unit: string,
    all?: boolean,
  ): Promise<{ Id: string; Names: string[]; State: string }[]>;
}

/**
 * A machine whose agent runs its units on an engine of the test's own, with the three units
 * launched and running; always taken down, with the engine, whatever `body` does.
 */
async function withMachine(
  options: { ip: string; engineArgs: string[]; remove: boolean },
  body: (machine: Machine) => Promise<void>,
): Promise<void> {
  const { ip, engineArgs, remove } = options;
  const engine = await DedicatedDockerd.create(engineArgs);
  let cluster: TestCluster | undefined;
  try {
    await engine.start();
    await engine.loadImage("flotilla/busybox");
    cluster = await new TestCluster({
      ips: [ip],
      agentArgs: ["--docker-host", engine.host],
    }).start();
    const [agent] = cluster.agents;
    assert.ok(agent);
    // Every container of the unit but "dead" ones: dockerd 20.10, restoring after a SIGKILL,
    // removes a --rm container twice at once (its restore and the container's exit), and
    // the removal that loses leaves a nameless record that can never run again.
    const containers = async (unit: string, all = false) =>
      (
        await engine.client.listContainers({
          all,
          filters: { label: [`flotilla.unit=${unit}`, `flotilla.machine=${agent.machineId}`] },
        })
      ).filter((info) => info.State !== "dead");
    for (const [name, restart] of Object.entries(UNITS)) {
      await cluster.submit(name, containerUnit(restart, remove));
      await cluster.setState(name, "launched");
    }
    for (const name of Object.keys(UNITS)) {
      await cluster.launched(name);
      assert.equal((await containers(name)).length, 1, `${name} runs one container`);
    }
    await body({ remove, engine, cluster, agent, containers });
  } finally {
    await cluster?.stop();
    await engine.destroy();
  }
}

async function unitLog(agent: TestAgent, name: string): Promise<string> {
  return (await agent.client.logs(name)).text();
}

/** The agent process survived and its machine is still present. */
async function assertAgentAlive({ cluster, agent }: Machine): Promise<void> {
  assert.equal(agent.daemon.child.exitCode, null, "the agent process is alive");
  assert.equal(agent.daemon.child.signalCode, null, "the agent process is alive");
  assert.equal((await http("GET", `${agent.url}/healthz`)).status, 200);
  assert.deepEqual(
    (await cluster.machines()).map((machine) => machine.id),
    [agent.machineId],
    "the machine is still present",
  );
}

/**
 * Restart=always and on-failure units run again in one new container each, reported active;
 * the Restart=no unit is failed, its container stopped (gone, with --rm).
 */
async function assertRecovered(machine: Machine, seen: Set<string>, after: string): Promise<void> {
  const { cluster, agent, containers } = machine;
  for (const name of RESTARTED) {
    await waitUntil(
      `${name} running in a new container after ${after}`,
      async () => {
        const list = await containers(name);
        const unit = await cluster.unit(name);
        return (
          list.length === 1 &&
          !seen.has(list[0]?.Id ?? "") &&
          unit.currentState === "launched" &&
          unit.activeState === "active"
        );
      },
      60_000,
    ).catch(async (error: Error) => {
      throw new Error(
        `${error.message}: ${JSON.stringify(await cluster.unit(name))}, its log:\n${await unitLog(agent, name)}`,
      );
    });
  }
  await cluster.waitFor(
    NOT_RESTARTED,
    (unit) => unit.activeState === "failed",
    "failed, as systemd reports a unit whose process died",
  );
  for (const name of RESTARTED) {
    const list = await containers(name, true);
    assert.equal(
      list.length,
      1,
      `${name} after ${after}: one container, no duplicate and no leftover: ${JSON.stringify(list.map(({ Names, State }) => ({ Names, State })))}`,
    );
    assert.equal(list[0]?.State, "running");
    for (const info of list) seen.add(info.Id);
    const report = await agent.client.getUnit(name);
    assert.equal(report?.activeState, "active");
    assert.ok((report?.restarts ?? 0) >= 1, `${name} was restarted by its agent`);
  }
  assert.deepEqual(
    (await containers(NOT_RESTARTED, machine.remove)).map((info) => info.Names),
    [],
    `the Restart=no unit's container is ${machine.remove ? "gone" : "stopped"} and not replaced`,
  );
  await assertAgentAlive(machine);
}

describe("the Docker engine restarting under an agent", { skip: unavailable ?? false }, () => {
  test("SIGKILL, then SIGTERM: Restart=always and on-failure units run again once, Restart=no fails", async () => {
    await withMachine({ ip: "127.0.2.11", engineArgs: [], remove: true }, async (machine) => {
      const { engine, agent, containers } = machine;
      const seen = new Set<string>();
      for (const name of Object.keys(UNITS))
        for (const info of await containers(name)) seen.add(info.Id);
      // SIGKILL leaves the containers to their shims until the engine, started again, stops
      // them; SIGTERM stops them first. Either way the agent's waits lose the engine.
      for (const signal of ["SIGKILL", "SIGTERM"] as const) {
        await engine.kill(signal);
        await engine.start();
        await assertRecovered(machine, seen, `the engine's ${signal}`);
        if (signal === "SIGKILL") {
          assert.match(
            (await agent.client.getUnit(NOT_RESTARTED))?.error ?? "",
            /while the Docker engine was away/,
            "the agent learnt the container's fate from the engine once it answered again",
          );
        }
      }
    });
  });

  test("with live-restore the containers outlive the engine: the agent follows them again", async () => {
    // Without --rm: dockerd 20.10 removes --rm containers when it restores, live or not.
    const options = { ip: "127.0.2.12", engineArgs: ["--live-restore"], remove: false };
    await withMachine(options, async (machine) => {
      const { engine, agent, containers } = machine;
      const before = new Map<string, string>();
      for (const name of Object.keys(UNITS))
        for (const info of await containers(name)) before.set(name, info.Id);
      await engine.kill("SIGKILL");
      await engine.start();
      for (const name of Object.keys(UNITS)) {
        await waitUntil(`the agent following ${name}'s container again`, async () =>
          (await unitLog(agent, name)).includes("still runs; following it again"),
        ).catch(async (error: Error) => {
          throw new Error(`${error.message}; its log:\n${await unitLog(agent, name)}`);
        });
        assert.deepEqual(
          (await containers(name, true)).map((info) => info.Id),
          [before.get(name)],
          `${name} kept its container`,
        );
        const report = await agent.client.getUnit(name);
        assert.equal(report?.activeState, "active", `${name} still active`);
        assert.equal(report?.restarts, 0, `${name} was not restarted`);
      }
      // Followed again, their exits are noticed as before the engine went away.
      for (const id of before.values()) await engine.client.getContainer(id).kill();
      await assertRecovered(machine, new Set(before.values()), "their containers were killed");
    });
  });
});
