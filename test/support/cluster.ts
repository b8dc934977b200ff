import assert from "node:assert/strict";
import type { DesiredState } from "../../src/registry/records.ts";
import {
  AGENT_TOKEN,
  removeContainersOf,
  startAgent,
  stopAgent,
  type TestAgent,
} from "./agents.ts";
import { freshPrefix, testEtcdEndpoint } from "./etcd.ts";
import { http } from "./http.ts";
import { startServer, type TestServer } from "./server.ts";
import { waitUntil } from "./wait.ts";

export interface ClusterOptions {
  /** One loopback address per machine, distinct from other test files' (each agent listens on :7601). */
  ips: string[];
  /** Per machine, the etcd endpoint its agent uses (a proxy, to cut it off); default the cluster's. */
  agentEtcd?: (string | undefined)[];
  metadata?: string[][];
  servers?: number;
  presenceTtl?: number;
  etcd?: string;
  /** Flags every agent gets besides the usual ones (another Docker engine, ...). */
  agentArgs?: string[];
  /** How long a stop asked through /fleet/v1 waits for a read (the servers' default: 5 s). */
  fleetStopHoldMs?: number;
}

/**
 * A whole cluster of real processes and real HTTP: control-plane servers leading an engine,
 * and agent processes on loopback addresses, all on one fresh key prefix.
 */
export class TestCluster {
  servers: TestServer[] = [];
  agents: TestAgent[] = [];
  readonly prefix = freshPrefix();

  constructor(private readonly options: ClusterOptions) {}

  get url(): string {
    const server = this.servers[0];
    assert.ok(server, "the cluster has no server");
    return server.url;
  }

  /** Starts everything; if any part fails, stops what did start before failing. */
  async start(): Promise<this> {
    try {
      return await this.startAll();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  private async startAll(): Promise<this> {
    const etcd = this.options.etcd ?? testEtcdEndpoint();
    for (let i = 0; i < (this.options.servers ?? 1); i++) {
      this.servers.push(
        await startServer({
          prefix: this.prefix,
          etcd: etcd.split(","),
          agentToken: AGENT_TOKEN,
          engine: true,
          app: { fleetStopHoldMs: this.options.fleetStopHoldMs },
        }),
      );
    }
    const started = await Promise.allSettled(
      this.options.ips.map((ip, i) =>
        this.startAgentOn(ip, this.options.metadata?.[i], undefined, this.options.agentEtcd?.[i]),
      ),
    );
    this.agents = started.flatMap((result) =>
      result.status === "fulfilled" ? [result.value] : [],
    );
    const failed = started.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    await waitUntil(
      "every machine present",
      async () => (await this.machines()).length === this.agents.length,
    );
    return this;
  }

  startAgentOn(
    ip: string,
    metadata?: string[],
    machineId?: string,
    etcd?: string,
  ): Promise<TestAgent> {
    return startAgent({
      ip,
      machineId,
      etcd: etcd ?? this.options.etcd ?? testEtcdEndpoint(),
      prefix: this.prefix,
      presenceTtl: this.options.presenceTtl ?? 3,
      metadata,
      extraArgs: this.options.agentArgs,
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.agents.map((agent) => stopAgent(agent).catch(() => {})));
    await Promise.all(this.agents.map((agent) => removeContainersOf(agent.machineId)));
    await Promise.all(this.servers.map((server) => server.close().catch(() => {})));
  }

  async machines(): Promise<any[]> {
    return (await http("GET", `${this.url}/v1/machines`)).json.machines;
  }

  agentOn(machineId: string): TestAgent {
    const agent = this.agents.find((candidate) => candidate.machineId === machineId);
    assert.ok(agent, `no agent for machine ${machineId}`);
    return agent;
  }

  async submit(name: string, text: string): Promise<void> {
    const response = await http("PUT", `${this.url}/v1/unit-files/${name}`, {
      body: text,
      headers: { "content-type": "text/plain" },
    });
    assert.ok(response.status === 201 || response.status === 200, `${name}: ${response.text}`);
  }

  async setState(name: string, desiredState: DesiredState): Promise<any> {
    const response = await http("PUT", `${this.url}/v1/units/${name}`, { json: { desiredState } });
    assert.ok(response.status === 200 || response.status === 201, `${name}: ${response.text}`);
    return response.json;
  }

  async destroy(name: string): Promise<void> {
    const response = await http("DELETE", `${this.url}/v1/units/${name}`);
    assert.ok(response.status === 204 || response.status === 404, `${name}: ${response.text}`);
  }

  async unit(name: string): Promise<any> {
    return (await http("GET", `${this.url}/v1/units/${name}`)).json;
  }

  /** Waits until the unit satisfies `accept`; the failure names the unit's last state. */
  async waitFor(
    name: string,
    accept: (unit: any) => boolean,
    what = "the expected state",
    deadlineMs = 60_000,
  ): Promise<any> {
    let last: any;
    try {
      return await waitUntil(
        `${name}: ${what}`,
        async () => {
          last = await this.unit(name);
          return accept(last) ? last : undefined;
        },
        deadlineMs,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; last seen ${JSON.stringify(last)}`);
    }
  }

  launched(name: string, deadlineMs?: number): Promise<any> {
    return this.waitFor(
      name,
      (unit) => unit.currentState === "launched" && unit.activeState === "active",
      "launched and active",
      deadlineMs,
    );
  }
}
