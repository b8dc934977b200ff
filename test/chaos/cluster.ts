// The campaign's own cluster: a 3-member etcd, a Docker engine of its own, 3 servers on
// 127.0.9.1-3 and 4 agents on 127.0.9.11-14, each agent reached by the servers through a proxy
// whose delay the faults set. Everything it starts, destroy() takes down, whatever state it is in.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AGENT_TOKEN } from "../support/agents.ts";
import { DelayProxy } from "../support/delay-proxy.ts";
import { DedicatedDockerd, dedicatedEngineUnavailable } from "../support/dockerd.ts";
import { EtcdProcess } from "../support/etcd-process.ts";
import { http } from "../support/http.ts";
import { freePort, killUnitProcessesOf } from "../support/process.ts";
import { waitUntil } from "../support/wait.ts";
import { CONTAINER_IMAGE } from "./catalog.ts";
import type { Clock } from "./clock.ts";
import { ManagedDaemon } from "./managed-daemon.ts";

export const PRESENCE_TTL_SECONDS = 5;
const SERVER_IPS = ["127.0.9.1", "127.0.9.2", "127.0.9.3"];
const AGENT_IPS = ["127.0.9.11", "127.0.9.12", "127.0.9.13", "127.0.9.14"];

export interface ChaosServer {
  url: string;
  daemon: ManagedDaemon;
}

export interface ChaosAgent {
  machineId: string;
  /** Its own address, for the campaign's looks; the servers reach it through `proxy`. */
  url: string;
  proxy: DelayProxy;
  stateDir: string;
  daemon: ManagedDaemon;
}

export class ChaosCluster {
  readonly etcd = new EtcdProcess(undefined, 3);
  readonly prefix = `/chaos-${randomUUID()}/`;
  engine: DedicatedDockerd | undefined;
  servers: ChaosServer[] = [];
  agents: ChaosAgent[] = [];
  private destroyed = false;

  constructor(private readonly clock: Clock) {}

  get dockerEngine(): DedicatedDockerd {
    if (!this.engine) throw new Error("the engine has not started");
    return this.engine;
  }

  async start(progress: (line: string) => void): Promise<void> {
    const unavailable = await dedicatedEngineUnavailable();
    if (unavailable) throw new Error(`a Docker engine of the campaign's own: ${unavailable}`);
    progress("starting a 3-member etcd");
    await this.etcd.start();
    progress("starting a Docker engine of the campaign's own");
    this.engine = await DedicatedDockerd.create();
    await this.engine.start();
    await this.engine.loadImage(CONTAINER_IMAGE);
    progress("starting 3 servers");
    for (const ip of SERVER_IPS) await this.startServer(ip);
    progress("starting 4 agents, each behind a proxy");
    for (const ip of AGENT_IPS) await this.startAgent(ip);
    await this.checkAgentsBehindProxies();
  }

  /** The servers must reach each agent through its proxy, or delaying it would delay nothing. */
  private async checkAgentsBehindProxies(): Promise<void> {
    const wanted = new Map(this.agents.map((agent) => [agent.machineId, agent.proxy.url]));
    await waitUntil("every machine announced at its proxy's address", async () => {
      const listed = await http("GET", `${this.servers[0]?.url}/v1/machines`);
      const machines: { id: string; agentURL: string }[] = listed.json?.machines ?? [];
      return (
        machines.length === wanted.size &&
        machines.every((machine) => wanted.get(machine.id) === machine.agentURL)
      );
    });
  }

  /** Kills every process, and removes the engine, its containers, etcd's data and the state directories. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    // Every step whatever the others do: one that fails must not leave the rest running.
    await Promise.allSettled([...this.servers, ...this.agents].map(({ daemon }) => daemon.kill()));
    await Promise.allSettled(
      this.agents.map(async (agent) => {
        await killUnitProcessesOf(agent.machineId).catch(() => {});
        await agent.proxy.stop().catch(() => {});
        await rm(agent.stateDir, { recursive: true, force: true });
      }),
    );
    await Promise.allSettled([this.engine?.destroy(), this.etcd.destroy()]);
  }

  /** Each is registered before it starts: destroy() must find whatever a failed start left. */
  private async startServer(ip: string): Promise<void> {
    const listen = `${ip}:${await freePort()}`;
    const url = `http://${listen}`;
    const daemon = new ManagedDaemon(
      `server ${ip}`,
      this.clock,
      [
        "server",
        "--listen",
        listen,
        "--etcd",
        this.etcd.endpoints.join(","),
        "--prefix",
        this.prefix,
        "--agent-token",
        AGENT_TOKEN,
        "--leader-ttl",
        "3",
        "--check-placements",
        // The campaign's looks and workload all come from one address.
        "--rate-limit",
        "0",
      ],
      { FLOTILLA_LOG_LEVEL: "warn" },
      async () => (await http("GET", `${url}/readyz`)).status === 200,
    );
    this.servers.push({ url, daemon });
    await daemon.start();
  }

  private async startAgent(ip: string): Promise<void> {
    const port = await freePort();
    const proxy = new DelayProxy(ip, ip, port);
    await proxy.start();
    const stateDir = await mkdtemp(join(tmpdir(), "flotilla-chaos-agent-"));
    const machineId = randomBytes(16).toString("hex");
    const url = `http://${ip}:${port}`;
    const daemon = new ManagedDaemon(
      `agent ${ip}`,
      this.clock,
      [
        "agent",
        "--machine-id",
        machineId,
        "--listen",
        `${ip}:${port}`,
        "--advertise-url",
        proxy.url,
        "--public-ip",
        ip,
        "--etcd",
        this.etcd.endpoints.join(","),
        "--prefix",
        this.prefix,
        "--token",
        AGENT_TOKEN,
        "--presence-ttl",
        String(PRESENCE_TTL_SECONDS),
        "--state-dir",
        stateDir,
        "--docker-host",
        this.dockerEngine.host,
      ],
      { FLOTILLA_LOG_LEVEL: "warn" },
      async () => (await http("GET", `${url}/healthz`)).status === 200,
    );
    this.agents.push({ machineId, url, proxy, stateDir, daemon });
    await daemon.start();
  }
}
