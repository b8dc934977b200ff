import { randomBytes } from "node:crypto";
import type { Etcd3 } from "etcd3";
import { AGENT_DEFAULTS, type AgentConfig } from "../../src/agent/config.ts";
import { type AgentInstance, startAgentInstance } from "../../src/agent/run.ts";
import { SimulatedRuntime } from "../../src/agent/runtime/simulated-runtime.ts";
import { connectEtcd } from "../../src/registry/etcd-client.ts";

export interface FleetOptions {
  etcd: string;
  prefix: string;
  machines: number;
  presenceTtlSeconds: number;
  token?: string;
  /** Agents sharing one etcd client (one HTTP/2 connection). */
  agentsPerClient?: number;
  /** Agents started at once. */
  concurrency?: number;
  metadata?: (index: number) => Record<string, string>;
}

/**
 * Many simulated machines in one Node process, for scale benchmarks only: each is a real
 * agent (its own Fastify API on its own port of 127.0.0.1, its own presence lease, its own
 * state reports to etcd) whose units run in the simulated runtime. They share etcd clients,
 * a connection per `agentsPerClient` agents, as they would share nothing on real machines.
 */
export class SimulatedFleet {
  readonly agents: AgentInstance[] = [];
  private readonly clients: Etcd3[] = [];

  static async start(options: FleetOptions): Promise<SimulatedFleet> {
    const fleet = new SimulatedFleet();
    const perClient = options.agentsPerClient ?? 50;
    const concurrency = options.concurrency ?? 16;
    let next = 0;
    const startOne = async (index: number) => {
      const clientIndex = Math.floor(index / perClient);
      fleet.clients[clientIndex] ??= connectEtcd({ endpoints: [options.etcd] });
      const config: AgentConfig = {
        machineId: `sim${String(index).padStart(4, "0")}${randomBytes(6).toString("hex")}`,
        publicIP: "127.0.0.1",
        privateIP: "127.0.0.1",
        metadata: options.metadata?.(index) ?? {},
        etcdEndpoints: [options.etcd],
        prefix: options.prefix,
        host: "127.0.0.1",
        port: 0,
        dockerHost: "unix:///nonexistent",
        token: options.token,
        presenceTtlSeconds: options.presenceTtlSeconds,
        stateCheckSeconds: AGENT_DEFAULTS.stateCheckSeconds,
        stateDir: "/nonexistent",
        leaveRunning: false,
        logLevel: "warn",
        simulate: true,
      };
      fleet.agents[index] = await startAgentInstance(config, {
        runtime: new SimulatedRuntime(),
        etcd: fleet.clients[clientIndex],
        logger: false,
      });
    };
    await Promise.all(
      Array.from({ length: Math.min(concurrency, options.machines) }, async () => {
        while (next < options.machines) await startOne(next++);
      }),
    );
    return fleet;
  }

  /** Stops every agent (their units, presence and API), then the shared clients. */
  async stop(): Promise<void> {
    await Promise.all(this.agents.map((agent) => agent.stop().catch(() => {})));
    for (const client of this.clients) client.close();
  }
}
