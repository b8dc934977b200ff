// A cluster of the previous release, built from its git tag, is upgraded to this checkout one
// server and one agent at a time while its units run: 3 servers on 127.0.10.1-3, 4 machines on
// 127.0.10.11-14, the test etcd and the local Docker engine. Old and new run side by side for
// most of it, and units are started and destroyed through either version's API meanwhile. No
// unit restarts: every container and process is the one the old release started, and the
// sidekick's key never vanishes.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { RECORD_LAYOUT } from "../../src/registry/layout.ts";
import { FLOTILLA_VERSION } from "../../src/version.ts";
import {
  docker,
  removeContainersOf,
  startAgent,
  stopAgent,
  type TestAgent,
} from "../support/agents.ts";
import { freshPrefix, rawEtcd, testEtcdEndpoint } from "../support/etcd.ts";
import { http } from "../support/http.ts";
import type { Daemon } from "../support/process.ts";
import { unitProcessesOf } from "../support/process.ts";
import { buildRelease, type Release } from "../support/release.ts";
import { startServerProcess } from "../support/server.ts";
import { waitUntil } from "../support/wait.ts";

/** The release this one upgrades: the tag of the last one before record layouts. */
const PREVIOUS = { tag: "v0.1.0", version: "0.1.0" };
const SERVER_IPS = ["127.0.10.1", "127.0.10.2", "127.0.10.3"];
const AGENT_IPS = ["127.0.10.11", "127.0.10.12", "127.0.10.13", "127.0.10.14"];
/** Long enough for an agent to start on a busy machine before its predecessor's lease ends. */
const PRESENCE_TTL = 30;
const TAG = randomBytes(4).toString("hex");
const KEY = `/flotilla-test-upgrade-${TAG}/web@1`;

const WEB = `[Service]
ExecStartPre=-/usr/bin/docker rm -f flotilla-upgrade-${TAG}-%i
ExecStart=/usr/bin/docker run --rm --name flotilla-upgrade-${TAG}-%i flotilla/busybox sleep 100000
ExecStop=/usr/bin/docker stop -t 2 flotilla-upgrade-${TAG}-%i
[X-Fleet]
Conflicts=web@*.service
`;

const ANNOUNCE = `[Unit]
BindsTo=web@%i.service
After=web@%i.service
[Service]
ExecStart=/bin/sh -c "while true; do etcdctl set /flotilla-test-upgrade-${TAG}/web@%i up --ttl 15; sleep 5; done"
[X-Fleet]
MachineOf=web@%i.service
`;

/** A process on every machine: its supervisor outlives each agent. */
const WORKER = `[Service]
ExecStart=/bin/sleep 100${TAG.replace(/[^0-9]/g, "")
  .padEnd(4, "3")
  .slice(0, 4)}
[X-Fleet]
Global=true
`;
const WORKER_COMMAND = WORKER.slice(WORKER.indexOf("/bin/sleep"), WORKER.indexOf("\n[X-Fleet]"));

const RUNNING = ["web@1.service", "web@2.service", "web-announce@1.service", "worker.service"];

interface Server {
  ip: string;
  url: string;
  daemon: Daemon;
  version: string;
}

describe(`a rolling upgrade from ${PREVIOUS.tag}`, () => {
  let release: Release;
  const prefix = freshPrefix();
  const servers: Server[] = [];
  const agents: TestAgent[] = [];
  const etcd = rawEtcd();
  let misses = 0;
  let polling: NodeJS.Timeout | undefined;
  let poll: Promise<void> = Promise.resolve();

  async function startServer(ip: string, bin?: string): Promise<Server> {
    const { url, daemon } = await startServerProcess({ prefix, listen: `${ip}:7610`, bin });
    return { ip, url, daemon, version: bin ? PREVIOUS.version : FLOTILLA_VERSION };
  }

  function machineAgent(options: { ip: string; bin?: string; previous?: TestAgent }) {
    return startAgent({
      ip: options.ip,
      etcd: testEtcdEndpoint(),
      prefix,
      presenceTtl: PRESENCE_TTL,
      extraArgs: ["--leave-running"],
      bin: options.bin,
      machineId: options.previous?.machineId,
      stateDir: options.previous?.stateDir,
    });
  }

  async function api(server: Server, method: string, path: string, json?: unknown) {
    return http(method, `${server.url}${path}`, json === undefined ? {} : { json });
  }

  async function submit(server: Server, name: string, text: string): Promise<void> {
    const response = await http("PUT", `${server.url}/v1/unit-files/${name}`, {
      body: text,
      headers: { "content-type": "text/plain" },
    });
    assert.ok([200, 201].includes(response.status), `${name}: ${response.text}`);
  }

  async function launch(server: Server, name: string): Promise<void> {
    const response = await api(server, "PUT", `/v1/units/${name}`, { desiredState: "launched" });
    assert.ok([200, 201].includes(response.status), `${name}: ${response.text}`);
  }

  async function unitsActive(server: Server, names: string[]): Promise<void> {
    await waitUntil(
      `${names.join(", ")} active, as ${server.version}'s server at ${server.ip} lists them`,
      async () => {
        for (const name of names) {
          const unit = (await api(server, "GET", `/v1/units/${name}`)).json;
          if (unit?.currentState !== "launched" || unit.activeState !== "active") return false;
        }
        return true;
      },
      120_000,
    );
  }

  async function container(instance: number) {
    return docker
      .getContainer(`flotilla-upgrade-${TAG}-${instance}`)
      .inspect()
      .catch(() => undefined);
  }

  async function workerPids(machineId: string): Promise<number[]> {
    const pids: number[] = [];
    for (const pid of await unitProcessesOf(machineId)) {
      const commandLine = await readFile(`/proc/${pid}/cmdline`, "latin1").catch(() => "");
      if (commandLine.split("\0").join(" ").trim() === WORKER_COMMAND) pids.push(pid);
    }
    return pids;
  }

  /** What no upgrade may change: containers and their starts, processes, units' states. */
  async function running() {
    const web = [];
    for (const instance of [1, 2]) {
      const found = await container(instance);
      assert.ok(found?.State.Running, `web@${instance}'s container runs`);
      web.push({ id: found.Id, startedAt: found.State.StartedAt });
    }
    const machines = [];
    for (const agent of agents) {
      const units = await agent.client.listUnits();
      const since = Object.fromEntries(
        units.filter((unit) => RUNNING.includes(unit.name)).map((unit) => [unit.name, unit.since]),
      );
      const pids = await workerPids(agent.machineId);
      assert.equal(pids.length, 1, `one worker on ${agent.ip}`);
      machines.push({ ip: agent.ip, since, pids });
    }
    return { web, machines };
  }

  before(async () => {
    release = await buildRelease(PREVIOUS.tag);
    for (const ip of SERVER_IPS) servers.push(await startServer(ip, release.bin));
    for (const ip of AGENT_IPS) agents.push(await machineAgent({ ip, bin: release.bin }));
    const [first] = servers as [Server];
    await waitUntil("every machine present", async () => {
      const machines = (await api(first, "GET", "/v1/machines")).json?.machines ?? [];
      return machines.length === 4 && machines.every((m: any) => m.version === PREVIOUS.version);
    });
    await submit(first, "web@.service", WEB);
    await submit(first, "web-announce@.service", ANNOUNCE);
    await submit(first, "worker.service", WORKER);
    for (const name of RUNNING) await launch(first, name);
    await unitsActive(first, RUNNING);
    await waitUntil("a worker on every machine", async () => {
      for (const agent of agents)
        if ((await workerPids(agent.machineId)).length !== 1) return false;
      return true;
    });
    await waitUntil("the sidekick's key", async () => (await etcd.get(KEY).string()) === "up");
    // A read etcd does not answer is no miss of the key: only an answer without it is.
    polling = setInterval(() => {
      poll = etcd
        .get(KEY)
        .string()
        .then(
          (value) => {
            if (value !== "up") misses++;
          },
          () => {},
        );
    }, 100);
  });

  after(async () => {
    clearInterval(polling);
    await poll;
    await Promise.allSettled(agents.map((agent) => stopAgent(agent)));
    await Promise.allSettled(agents.map((agent) => removeContainersOf(agent.machineId)));
    await Promise.allSettled(servers.map((server) => server.daemon.stop("SIGKILL")));
    etcd.close();
    await release?.remove();
  });

  test("one server and one agent at a time, the versions side by side: nothing restarts", async () => {
    const before = await running();

    async function upgradeServer(i: number): Promise<Server> {
      const old = servers[i] as Server;
      assert.equal(await old.daemon.stop("SIGTERM"), 0, old.daemon.output());
      const upgraded = await startServer(old.ip);
      servers[i] = upgraded;
      return upgraded;
    }

    async function upgradeAgent(i: number): Promise<void> {
      const old = agents[i] as TestAgent;
      assert.equal(await old.daemon.stop("SIGTERM"), 0, old.daemon.output());
      const upgraded = await machineAgent({ ip: old.ip, previous: old });
      agents[i] = upgraded;
      await waitUntil(`${old.ip} announced by ${FLOTILLA_VERSION}'s agent`, async () => {
        const machines = (await api(servers[0] as Server, "GET", "/v1/machines")).json?.machines;
        return machines?.find((m: any) => m.id === old.machineId)?.version === FLOTILLA_VERSION;
      });
    }

    // Server 1 and machine 1 first: a unit started through the new server's API runs on
    // whichever machine the leading engine (either version) picks.
    const newServer = await upgradeServer(0);
    await upgradeAgent(0);
    await launch(newServer, "web@3.service");
    for (const server of servers) await unitsActive(server, [...RUNNING, "web@3.service"]);

    // Then the second of each: the old server left destroys what the new one started.
    await upgradeServer(1);
    await upgradeAgent(1);
    const oldServer = servers[2] as Server;
    assert.equal(oldServer.version, PREVIOUS.version);
    const destroyed = await api(oldServer, "DELETE", "/v1/units/web@3.service");
    assert.equal(destroyed.status, 204, destroyed.text);
    await waitUntil("web@3's container gone", async () => (await container(3)) === undefined);

    await upgradeServer(2);
    await upgradeAgent(2);
    await upgradeAgent(3);

    for (const server of servers) await unitsActive(server, RUNNING);
    await waitUntil("every agent reporting its units", async () => {
      for (const agent of agents) {
        const names = (await agent.client.listUnits()).map((unit) => unit.name);
        if (!names.includes("worker.service")) return false;
      }
      return true;
    });
    const after = await running();
    assert.deepEqual(after.web, before.web, "web@1 and web@2 keep their containers");
    assert.deepEqual(after.machines, before.machines, "same processes, no unit changed state");
    assert.equal(misses, 0, "the sidekick's key never vanished");

    const machines = (await api(servers[0] as Server, "GET", "/v1/machines")).json.machines;
    assert.deepEqual(
      machines.map((m: any) => m.version),
      AGENT_IPS.map(() => FLOTILLA_VERSION),
    );
    await waitUntil("one of the new servers leading the engine", async () => {
      const metrics = await Promise.all(
        servers.map(async (server) => (await api(server, "GET", "/metrics")).text),
      );
      return metrics.filter((text) => /^flotilla_engine_leader 1$/m.test(text)).length === 1;
    });
  });

  test("records of the previous layout are read as they are; what this version writes is of its own", async () => {
    const stored = async (key: string) =>
      JSON.parse((await etcd.get(`${prefix}${key}`).string()) ?? "null");
    // Written by the previous release and not since: no layout, read all the same.
    assert.equal((await stored("units/web@1.service")).layout, undefined);
    const history = await api(servers[0] as Server, "GET", "/v1/unit-files/web@1.service/history");
    assert.equal(history.status, 200, history.text);

    for (const agent of agents) {
      assert.equal((await stored(`machines/${agent.machineId}`)).layout, RECORD_LAYOUT);
      assert.equal(
        (await stored(`states/worker.service/${agent.machineId}`)).layout,
        RECORD_LAYOUT,
      );
    }
    const server = servers[0] as Server;
    await submit(server, "after.service", "[Service]\nExecStart=/bin/true\n");
    assert.equal((await stored("units/after.service")).layout, RECORD_LAYOUT);
    assert.deepEqual(await stored("cluster/record"), { layout: RECORD_LAYOUT });
  });
});
