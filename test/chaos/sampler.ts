// Looks at the cluster ten times a second: presence and announcement keys in etcd, containers
// on the campaign's engine, units' processes, each live agent's announce loops, and one
// server's listing. Samples never overlap; a slow one delays the next.
import type { Etcd3 } from "etcd3";
import { MACHINE_LABEL, UNIT_LABEL } from "../../src/agent/runtime/types.ts";
import { AGENT_TOKEN } from "../support/agents.ts";
import { call, type Reply } from "./api.ts";
import { ANNOUNCE_PREFIX, isSidekick } from "./catalog.ts";
import { type Clock, sleep } from "./clock.ts";
import type { ChaosCluster, ChaosServer } from "./cluster.ts";
import { ProcScanner } from "./proc-scan.ts";
import type { Answer, Copy, ListedUnit, Sample } from "./sample.ts";

const INTERVAL_MS = 100;
const LOOK_TIMEOUT_MS = 1000;
/** A server paused or restarted this recently may still be catching up: its listing waits. */
const SETTLING_MS = 10_000;

export class Sampler {
  private running = false;
  private loop: Promise<void> | undefined;
  private waiting: { resolve: (sample: Sample) => void; reject: (error: unknown) => void }[] = [];
  /** What stopped the sampling, if anything but stop() did. */
  private failure: unknown;
  private readonly scanner: ProcScanner;
  private nextServer = 0;

  constructor(
    private readonly cluster: ChaosCluster,
    private readonly etcd: Etcd3,
    private readonly clock: Clock,
    private readonly onSample: (sample: Sample) => void,
    private readonly onAnswer: (answer: Answer) => void,
  ) {
    this.scanner = new ProcScanner(new Set(cluster.agents.map((agent) => agent.machineId)));
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const began = Date.now();
        try {
          const sample = await this.take();
          this.onSample(sample);
          for (const { resolve } of this.waiting.splice(0)) resolve(sample);
        } catch (error) {
          // A campaign whose checker cannot look any more must not wait for its next look.
          this.failure = error;
          this.running = false;
          for (const { reject } of this.waiting.splice(0)) reject(error);
        }
        await sleep(INTERVAL_MS - (Date.now() - began));
      }
    })();
  }

  /** Stops sampling; throws what stopped it earlier, if anything did. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    if (this.failure !== undefined) throw this.failure;
  }

  /** The next sample taken. */
  next(): Promise<Sample> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** A listing from every server that can give one now, for the final check. */
  async listingsOfAll(): Promise<
    { server: string; units: ListedUnit[]; templates: ListedUnit[]; listedAt: number }[]
  > {
    const listings = [];
    for (const server of this.cluster.servers) {
      if (server.daemon.state !== "up") continue;
      const listing = await this.listing(server);
      if (listing) listings.push({ server: server.url, ...listing });
    }
    return listings;
  }

  private async take(): Promise<Sample> {
    const at = this.clock.now();
    const agents = this.cluster.agents.map((agent) => ({
      machine: agent.machineId,
      up: agent.daemon.state === "up",
    }));
    const processes = this.scanner.scan();
    const [members, keys, containers, announcing, listing] = await Promise.all([
      this.keysUnder(`${this.cluster.prefix}machines/`).then((found) =>
        found?.map((key) => key.slice(`${this.cluster.prefix}machines/`.length)),
      ),
      this.keysUnder(ANNOUNCE_PREFIX),
      this.containers(),
      this.announcing(),
      this.listing(this.listingServer()),
    ]);
    return { at, agents, members, keys, containers, processes, announcing, ...listing };
  }

  private async keysUnder(prefix: string): Promise<string[] | undefined> {
    return withTimeout(this.etcd.getAll().prefix(prefix).keys()).catch(() => undefined);
  }

  private async containers(): Promise<Copy[] | undefined> {
    const machines = new Set(this.cluster.agents.map((agent) => agent.machineId));
    const listed = await withTimeout(
      this.cluster.dockerEngine.client.listContainers({ filters: { label: [UNIT_LABEL] } }),
    ).catch(() => undefined);
    return listed
      ?.filter((info) => info.State === "running" && machines.has(info.Labels[MACHINE_LABEL] ?? ""))
      .map((info) => ({
        unit: info.Labels[UNIT_LABEL] as string,
        machine: info.Labels[MACHINE_LABEL] as string,
        via: "container" as const,
      }));
  }

  /** Announce loops run inside their agent: only the agent can say which are active. */
  private async announcing(): Promise<Record<string, Copy[]>> {
    const found: Record<string, Copy[]> = {};
    await Promise.all(
      this.cluster.agents.map(async (agent) => {
        if (agent.daemon.state !== "up") return;
        const reply = await call(`${agent.url}/v1/units`, "GET", {
          token: AGENT_TOKEN,
          timeoutMs: LOOK_TIMEOUT_MS,
        });
        if (reply.status !== 200 || !Array.isArray(reply.json?.units)) return;
        found[agent.machineId] = reply.json.units
          .filter((unit: any) => isSidekick(unit.name) && unit.activeState === "active")
          .map((unit: any) => ({ unit: unit.name, machine: agent.machineId, via: "announce" }));
      }),
    );
    return found;
  }

  private listingServer(): ChaosServer | undefined {
    const now = this.clock.now();
    const settled = this.cluster.servers.filter(
      (server) => server.daemon.state === "up" && now - server.daemon.changedAt >= SETTLING_MS,
    );
    this.nextServer++;
    return settled[this.nextServer % Math.max(1, settled.length)];
  }

  private async listing(
    server: ChaosServer | undefined,
  ): Promise<{ units: ListedUnit[]; templates: ListedUnit[]; listedAt: number } | undefined> {
    if (!server) return undefined;
    const [units, files] = await Promise.all([
      this.read(server, "/v1/units"),
      this.read(server, "/v1/unit-files"),
    ]);
    if (units.status !== 200 || files.status !== 200) return undefined;
    return {
      listedAt: this.clock.now(),
      units: units.json.units.map((unit: any) => ({
        name: unit.name,
        hash: unit.hash,
        desiredState: unit.desiredState,
        machineId: unit.machineId,
        activeState: unit.activeState,
      })),
      templates: files.json.unitFiles
        .filter((file: any) => file.kind === "template")
        .map((file: any) => ({ name: file.name, hash: file.hash })),
    };
  }

  private async read(server: ChaosServer, path: string): Promise<Reply> {
    const reply = await call(`${server.url}${path}`, "GET", { timeoutMs: LOOK_TIMEOUT_MS });
    if (reply.status !== undefined)
      this.onAnswer({
        at: this.clock.now(),
        method: "GET",
        path,
        status: reply.status,
        retryAfter: reply.retryAfter,
      });
    return reply;
  }
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timed out")), LOOK_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}
