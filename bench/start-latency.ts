// Start latency: a unit's desired state set to launched through the API until its container
// runs (Docker's own start event), against raw dockerode create + start of the same image,
// one at a time, interleaved.   npx tsx bench/start-latency.ts [samples]
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import {
  AGENT_TOKEN,
  expectOk,
  http,
  PREFIX,
  percentile,
  sleep,
  startCluster,
} from "./support/cluster.ts";
import { isEntryPoint, runAsScript, since } from "./support/main.ts";
import { ClusterObserver } from "./support/observer.ts";
import { startProcess } from "./support/processes.ts";
import type { BenchResult } from "./support/report.ts";

const IMAGE = "flotilla/busybox";
const TEMPLATE = `[Unit]
Description=start latency %i

[Service]
ExecStart=/usr/bin/docker run --rm --name bench-latency-%i ${IMAGE} sleep 1000
`;

/** Docker's container start events, by container name, with the engine's own timestamps. */
class StartEvents {
  private readonly seen = new Map<string, number>();
  private readonly waiting = new Map<string, (at: number) => void>();
  private stream: NodeJS.ReadableStream | undefined;

  constructor(private readonly docker: Dockerode) {}

  async start(): Promise<void> {
    const stream = (await this.docker.getEvents({
      filters: { type: ["container"], event: ["start"] },
    })) as NodeJS.ReadableStream;
    this.stream = stream;
    let buffer = "";
    stream.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let end = buffer.indexOf("\n"); end >= 0; end = buffer.indexOf("\n")) {
        const line = buffer.slice(0, end).trim();
        buffer = buffer.slice(end + 1);
        if (!line) continue;
        const event = JSON.parse(line) as {
          timeNano: number;
          Actor?: { Attributes?: { name?: string } };
        };
        const name = event.Actor?.Attributes?.name;
        if (!name) continue;
        const at = event.timeNano / 1e6;
        this.seen.set(name, at);
        this.waiting.get(name)?.(at);
      }
    });
  }

  /** The wall-clock time (ms) at which the container named `name` started. */
  async of(name: string, timeoutMs = 60_000): Promise<number> {
    const known = this.seen.get(name);
    if (known !== undefined) return known;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} never started`)), timeoutMs);
      this.waiting.set(name, (at) => {
        clearTimeout(timer);
        this.waiting.delete(name);
        resolve(at);
      });
    });
  }

  stop(): void {
    (this.stream as unknown as { destroy?: () => void })?.destroy?.();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function gone(docker: Dockerode, name: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await docker.getContainer(name).inspect();
    } catch {
      return;
    }
    await sleep(50);
  }
}

export async function startLatency(samples = 15): Promise<BenchResult> {
  const began = performance.now();
  const docker = new Dockerode({ socketPath: "/var/run/docker.sock" });
  await docker.getImage(IMAGE).inspect();
  const events = new StartEvents(docker);
  await events.start();
  const cluster = await startCluster();
  const observer = await new ClusterObserver(cluster.etcd.endpoint, PREFIX).start();
  const stateDir = await mkdtemp(join(tmpdir(), "flotilla-bench-agent-"));
  const machineId = `bench-latency-${process.pid}`;
  const port = await freePort();
  const agent = await startProcess("agent-main.ts", [
    ...["--machine-id", machineId, "--listen", `127.0.0.1:${port}`, "--public-ip", "127.0.0.1"],
    ...["--etcd", cluster.etcd.endpoint, "--prefix", PREFIX, "--token", AGENT_TOKEN],
    ...["--presence-ttl", "10", "--state-dir", stateDir, "--log-level", "warn"],
  ]);
  const raw: number[] = [];
  const flotilla: number[] = [];
  const reported: number[] = [];
  try {
    await observer.until("the agent present", () => observer.machines >= 1, 30_000);
    await expectOk(
      "submit template",
      http("PUT", `${cluster.url}/v1/unit-files/latency@.service`, { text: TEMPLATE }),
    );
    const rawOnce = async (name: string) => {
      const at = Date.now();
      const container = await docker.createContainer({
        name,
        Image: IMAGE,
        Cmd: ["sleep", "1000"],
        Labels: { "flotilla.bench": "raw" },
        HostConfig: { Init: true, AutoRemove: true },
      });
      await container.start();
      const latency = (await events.of(name)) - at;
      await container.remove({ force: true }).catch(() => {});
      await gone(docker, name);
      return latency;
    };
    const flotillaOnce = async (i: number) => {
      const unit = `latency@${i}.service`;
      const container = `bench-latency-${i}`;
      const at = Date.now();
      const running = observer.until(`${unit} running`, () => observer.active.has(unit), 60_000);
      const apiAt = performance.now();
      await expectOk(
        unit,
        http("PUT", `${cluster.url}/v1/units/${unit}`, { json: { desiredState: "launched" } }),
      );
      const latency = (await events.of(container)) - at;
      const reportedMs = (await running) - apiAt;
      await expectOk(unit, http("DELETE", `${cluster.url}/v1/units/${unit}`));
      await gone(docker, container);
      await observer.until(`${unit} gone`, () => !observer.active.has(unit), 60_000);
      return { latency, reportedMs };
    };
    await rawOnce(`bench-raw-warm-${process.pid}`);
    await flotillaOnce(-1 >>> 0);
    for (let i = 0; i < samples; i++) {
      raw.push(await rawOnce(`bench-raw-${process.pid}-${i}`));
      const sample = await flotillaOnce(i);
      flotilla.push(sample.latency);
      reported.push(sample.reportedMs);
    }
  } finally {
    events.stop();
    await agent.stop();
    await observer.stop();
    await cluster.stop();
    await rm(stateDir, { recursive: true, force: true });
    const left = await docker.listContainers({
      all: true,
      filters: { label: [`flotilla.machine=${machineId}`] },
    });
    for (const info of left)
      await docker
        .getContainer(info.Id)
        .remove({ force: true })
        .catch(() => {});
  }
  const median = (values: number[]) => percentile(values, 50);
  const p99 = (values: number[]) => percentile(values, 99);
  return {
    name: "start-latency",
    title: "3. Start latency",
    setup: `${samples} starts each, one at a time, interleaved: a unit (ExecStart=docker run --rm ... ${IMAGE} sleep 1000) set to launched through the REST API with a real agent process, until Docker's start event for its container; against dockerode create + start (Init, AutoRemove, as the agent creates it) until the same event. Image present.`,
    rows: [
      {
        metric: "launched → container running, median",
        value: median(flotilla),
        unit: "ms",
        baseline: { value: median(raw), what: "ms, raw create+start median" },
        ratio: median(flotilla) / median(raw),
        target: "≤ 1.3",
        met: median(flotilla) / median(raw) <= 1.3,
      },
      {
        metric: "launched → container running, p99",
        value: p99(flotilla),
        unit: "ms",
        baseline: { value: p99(raw), what: "ms, raw create+start p99" },
        ratio: p99(flotilla) / p99(raw),
        target: "≤ 1.3",
        met: p99(flotilla) / p99(raw) <= 1.3,
      },
      {
        metric: "launched → etcd says active, median",
        value: median(reported),
        unit: "ms",
        baseline: { value: median(raw), what: "ms, raw create+start median" },
        ratio: median(reported) / median(raw),
      },
    ],
    notes: [
      `with ${samples} samples the p99 is the slowest sample`,
      "the agent checks the image, creates, attaches to the output, waits and starts: Docker round trips the raw baseline does not make",
    ],
    seconds: since(began),
  };
}

if (isEntryPoint(import.meta.url)) {
  const [samples] = process.argv.slice(2).map(Number);
  await runAsScript(() => startLatency(samples || undefined));
}
