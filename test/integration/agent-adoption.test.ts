// An agent that comes back adopts what it left running: a server, one machine on 127.0.8.11
// and the local Docker engine. The agent is SIGKILLed and comes back on another port, then
// upgraded (SIGTERM with --leave-running) and started again: each time the running units
// keep their containers, nothing restarts, and the sidekick's key never vanishes. What changed
// while no agent ran is touched, and only that: a container killed meanwhile starts again,
// saying why, and a unit destroyed meanwhile goes.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { docker, startAgent, type TestAgent } from "../support/agents.ts";
import { TestCluster } from "../support/cluster.ts";
import { rawEtcd, testEtcdEndpoint } from "../support/etcd.ts";
import { unitProcessesOf } from "../support/process.ts";
import { waitUntil } from "../support/wait.ts";

const IP = "127.0.8.11";
const TAG = randomBytes(4).toString("hex");
const KEY = `/flotilla-test-adoption-${TAG}/web@1`;

const WEB = `[Service]
ExecStartPre=-/usr/bin/docker rm -f flotilla-adopt-${TAG}-%i
ExecStart=/usr/bin/docker run --rm --name flotilla-adopt-${TAG}-%i flotilla/busybox sh -c 'mkdir -p /www && echo ok > /www/index.html && httpd -f -p 80 -h /www'
ExecStop=/usr/bin/docker stop -t 2 flotilla-adopt-${TAG}-%i
[X-Health]
ContainerExecCheck=wget -q -O /dev/null http://127.0.0.1/
IntervalSec=1s
`;

const ANNOUNCE = `[Unit]
BindsTo=web@%i.service
After=web@%i.service
[Service]
ExecStart=/bin/sh -c "while true; do etcdctl set /flotilla-test-adoption-${TAG}/web@%i up --ttl 15; sleep 5; done"
[X-Fleet]
MachineOf=web@%i.service
`;

/** A process on the machine, not a container: its supervisor outlives the agent. */
const WORKER = `[Service]
ExecStart=/bin/sh -c 'echo worker up; exec sleep 100000'
`;

/** Another, whose command is killed while no agent runs. */
const DOOMED_WORKER = `[Service]
ExecStart=/bin/sleep 100${TAG.replace(/[^0-9]/g, "")
  .padEnd(4, "7")
  .slice(0, 4)}
`;

const UNITS = [
  "web@1.service",
  "web@2.service",
  "web@3.service",
  "web-announce@1.service",
  "worker.service",
  "doomed-worker.service",
];

/** The pids of the worker's processes (its sleep; not its supervisor). */
async function workerPids(machineId: string): Promise<number[]> {
  const pids: number[] = [];
  for (const pid of await unitProcessesOf(machineId)) {
    const commandLine = await readFile(`/proc/${pid}/cmdline`, "latin1").catch(() => "");
    if (commandLine.split("\0").includes("100000")) pids.push(pid);
  }
  return pids;
}

async function container(instance: number) {
  return docker
    .getContainer(`flotilla-adopt-${TAG}-${instance}`)
    .inspect()
    .catch(() => undefined);
}

describe("an agent adopts what it left running", () => {
  let cluster: TestCluster;
  let agent: TestAgent;
  const etcd = rawEtcd();
  /** Polls the sidekick's key every 100 ms while the agent is away and back. */
  let misses = 0;
  let polling: NodeJS.Timeout | undefined;

  before(async () => {
    cluster = await new TestCluster({
      ips: [IP],
      presenceTtl: 10,
      agentArgs: ["--leave-running"],
    }).start();
    agent = cluster.agents[0] as TestAgent;
    await cluster.submit("web@.service", WEB);
    await cluster.submit("web-announce@.service", ANNOUNCE);
    await cluster.submit("worker.service", WORKER);
    await cluster.submit("doomed-worker.service", DOOMED_WORKER);
    for (const name of UNITS) await cluster.setState(name, "launched");
    for (const name of UNITS)
      await cluster.waitFor(name, (unit) => unit.activeState === "active", "active", 120_000);
    await cluster.waitFor(
      "web@1.service",
      (unit) => unit.health?.status === "healthy",
      "healthy",
      60_000,
    );
    await waitUntil("the sidekick's key", async () => (await etcd.get(KEY).string()) === "up");
    polling = setInterval(() => {
      void etcd
        .get(KEY)
        .string()
        .then((value) => {
          if (value !== "up") misses++;
        });
    }, 100);
  });

  after(async () => {
    clearInterval(polling);
    await cluster?.stop();
    etcd.close();
  });

  /** What must not change across an adoption: containers, their starts, the units' states. */
  async function running() {
    const units = await agent.client.listUnits();
    const since = Object.fromEntries(units.map((unit) => [unit.name, unit.since]));
    const web1 = await container(1);
    assert.ok(web1?.State.Running, "web@1's container runs");
    const pids = await workerPids(agent.machineId);
    assert.equal(pids.length, 1, "the worker's command");
    return { id: web1.Id, startedAt: web1.State.StartedAt, since, pids };
  }

  async function comeBack(port: number): Promise<TestAgent> {
    const back = await startAgent({
      ip: IP,
      port,
      machineId: agent.machineId,
      etcd: testEtcdEndpoint(),
      prefix: cluster.prefix,
      presenceTtl: 10,
      extraArgs: ["--leave-running"],
      stateDir: agent.stateDir,
    });
    cluster.agents = [back];
    return back;
  }

  test("SIGKILLed and back on another port: units kept, what changed meanwhile touched", async () => {
    const before = await running();
    const web2 = await container(2);
    const output = await (await agent.client.logs("worker.service")).text();
    assert.match(output, /worker up/, "a supervised process's output reaches the unit's log");
    await agent.daemon.stop("SIGKILL");

    // While no agent runs: web@2's container dies, web@3 is destroyed.
    await docker.getContainer(web2?.Id ?? "").kill();
    const doomed = DOOMED_WORKER.slice(DOOMED_WORKER.indexOf("/bin/sleep")).trim();
    for (const pid of await unitProcessesOf(agent.machineId)) {
      const commandLine = await readFile(`/proc/${pid}/cmdline`, "latin1").catch(() => "");
      if (commandLine.split("\0").join(" ").trim() === doomed) process.kill(pid, "SIGKILL");
    }
    await cluster.destroy("web@3.service");

    agent = await comeBack(7602);
    await waitUntil(
      "the machine announced with its new address",
      async () => (await cluster.machines())[0]?.agentURL === `http://${IP}:7602`,
    );
    const restarted = await cluster.waitFor(
      "web@2.service",
      (unit) => unit.activeState === "active" && unit.lastExit !== undefined,
      "started again, with its last exit",
      60_000,
    );
    assert.match(restarted.lastExit.reason, /while no agent watched it/);
    const worker = await cluster.waitFor(
      "doomed-worker.service",
      (unit) => unit.activeState === "active" && unit.lastExit !== undefined,
      "started again, with its last exit",
    );
    assert.match(worker.lastExit.reason, /ended with signal SIGKILL while no agent watched it/);
    await waitUntil("web@3's container gone", async () => (await container(3)) === undefined);
    const after = await running();
    assert.equal(after.id, before.id, "web@1 keeps its container");
    assert.equal(after.startedAt, before.startedAt, "web@1's container was not restarted");
    assert.deepEqual(after.pids, before.pids, "the worker's processes are the same");
    for (const name of ["web@1.service", "web-announce@1.service", "worker.service"])
      assert.equal(after.since[name], before.since[name], `${name} did not change state`);
    assert.notEqual((await container(2))?.Id, web2?.Id, "web@2 runs a new container");
    assert.equal(
      (await cluster.unit("web@1.service")).health.status,
      "healthy",
      "its health carried over",
    );
    const log = await (await agent.client.logs("web@1.service")).text();
    assert.match(log, /Adopted container flotilla-adopt/, log);
    assert.equal(misses, 0, "the sidekick's key never vanished");
  });

  test("upgraded with --leave-running: the next agent adopts everything, nothing restarts", async () => {
    await cluster.waitFor("web@2.service", (unit) => unit.health?.status === "healthy", "healthy");
    const before = await running();
    const web2 = await container(2);
    assert.equal(await agent.daemon.stop("SIGTERM"), 0, agent.daemon.output());
    assert.equal((await cluster.machines()).length, 1, "the machine stays while its lease lasts");

    agent = await comeBack(7601);
    await waitUntil(
      "the machine announced by the new agent",
      async () => (await cluster.machines())[0]?.agentURL === `http://${IP}:7601`,
    );
    await waitUntil(
      "every unit reported by the new agent",
      async () => (await agent.client.listUnits()).length === 5,
    );
    const after = await running();
    assert.equal(after.id, before.id);
    assert.equal(after.startedAt, before.startedAt);
    assert.deepEqual(after.pids, before.pids);
    assert.deepEqual(after.since, before.since, "no unit changed state");
    assert.equal((await container(2))?.State.StartedAt, web2?.State.StartedAt);
    for (const name of [
      "web@1.service",
      "web@2.service",
      "web-announce@1.service",
      "worker.service",
    ])
      assert.equal((await cluster.unit(name)).currentState, "launched", name);
    assert.equal(misses, 0, "the sidekick's key never vanished");
  });
});
