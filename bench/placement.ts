// Placement throughput: units submitted through the REST API, placed, loaded and started on
// simulated machines, against raw etcd transactions at the same concurrency.
//   npx tsx bench/placement.ts [units] [machines]

import { etcdTransactionRate } from "./support/baselines.ts";
import { AGENT_TOKEN, expectOk, http, PREFIX, pool, startCluster } from "./support/cluster.ts";
import { isEntryPoint, runAsScript, since } from "./support/main.ts";
import { ClusterObserver } from "./support/observer.ts";
import { startProcess } from "./support/processes.ts";
import type { BenchResult } from "./support/report.ts";

/** Requests in flight from the client, and the engine's own etcd concurrency. */
export const CONCURRENCY = 64;
/**
 * Units placed and started before the measured ones, so that the figure is the steady rate
 * and not the first seconds' (code being compiled, connections to every agent being opened).
 */
const WARM_UP_UNITS = 500;

export const TEMPLATE = `[Unit]
Description=benchmark unit %i

[Service]
ExecStart=/usr/bin/docker run --rm --name bench-%i flotilla/busybox sleep 1000
`;

export async function placement(units = 2000, machines = 100): Promise<BenchResult> {
  const began = performance.now();
  const cluster = await startCluster();
  const observer = await new ClusterObserver(cluster.etcd.endpoint, PREFIX).start();
  try {
    const raw = await etcdTransactionRate(cluster.etcd.endpoint, CONCURRENCY);
    const fleet = await startProcess<{ startSeconds: number }>("fleet-main.ts", [
      cluster.etcd.endpoint,
      PREFIX,
      String(machines),
      "10",
      AGENT_TOKEN,
    ]);
    try {
      await observer.until("every machine present", () => observer.machines >= machines, 60_000);
      await launchAll(cluster.url, "warm", WARM_UP_UNITS);
      await observer.until("warm-up running", () => observer.active.size >= WARM_UP_UNITS, 600_000);
      const apiAlone = await apiWriteRate(cluster.url, units / 2);
      const firstRevision = observer.view.revision;
      const started = performance.now();
      const total = WARM_UP_UNITS + units;
      const allPlaced = observer.until("all placed", () => observer.placed >= total, 600_000);
      const allRunning = observer.until(
        "all running",
        () => observer.active.size >= total,
        600_000,
      );
      await launchAll(cluster.url, "bench", units);
      const submitted = since(started);
      const placed = ((await allPlaced) - started) / 1000;
      const running = ((await allRunning) - started) / 1000;
      const revisionsPerUnit = (observer.view.revision - firstRevision) / units;
      const rawWhat = `raw etcd txn/s, ${CONCURRENCY} concurrent`;
      const runningRate = units / running;
      const placedRate = units / placed;
      return {
        name: "placement",
        title: "1. Placement throughput",
        setup: `${units} units (instances of one template, PUT desiredState=launched, ${CONCURRENCY} requests in flight) onto ${machines} simulated machines in another process, after ${WARM_UP_UNITS} others were placed and started the same way (not counted).`,
        rows: [
          {
            metric: "units placed and running per second",
            value: runningRate,
            unit: "units/s",
            baseline: { value: raw.perSecond, what: rawWhat },
            ratio: runningRate / raw.perSecond,
            target: "≥ 0.25",
            met: runningRate / raw.perSecond >= 0.25,
          },
          {
            metric: "units placed per second",
            value: placedRate,
            unit: "units/s",
            baseline: { value: raw.perSecond, what: rawWhat },
            ratio: placedRate / raw.perSecond,
            target: "≥ 0.25",
            met: placedRate / raw.perSecond >= 0.25,
          },
          {
            metric: "API writes (PUT /v1/units) per second",
            value: units / submitted,
            unit: "req/s",
            baseline: { value: raw.perSecond, what: rawWhat },
            ratio: units / submitted / raw.perSecond,
          },
          {
            metric: "API writes alone (new inactive instances: no placement, no agent call)",
            value: apiAlone,
            unit: "req/s",
            baseline: { value: raw.perSecond, what: rawWhat },
            ratio: apiAlone / raw.perSecond,
          },
          { metric: "time until all placed", value: placed, unit: "s" },
          { metric: "time until all running", value: running, unit: "s" },
          {
            metric: "server peak memory",
            value: cluster.server.memory().peakMiB,
            unit: "MiB",
          },
        ],
        notes: [
          `raw etcd baseline: p50 ${raw.p50Ms.toFixed(1)} ms, p99 ${raw.p99Ms.toFixed(1)} ms per transaction`,
          `simulated fleet started in ${fleet.info.startSeconds.toFixed(1)} s (not counted)`,
          `each unit cost the cluster ${revisionsPerUnit.toFixed(2)} etcd transactions (its creation, its share of a batch of placements, its agent's state reports), so the ratio to single-transaction throughput is bounded well below 1`,
          "the server, the simulated machines, etcd and this client share the machine's cores: the ratio is bounded by CPU as much as by etcd",
        ],
        seconds: since(began),
      };
    } finally {
      await fleet.stop();
    }
  } finally {
    await observer.stop();
    await cluster.stop();
  }
}

/** Submits `<prefix>@.service` and launches `count` instances of it, CONCURRENCY at a time. */
async function launchAll(url: string, prefix: string, count: number): Promise<void> {
  await expectOk(
    "submit template",
    http("PUT", `${url}/v1/unit-files/${prefix}@.service`, { text: TEMPLATE }),
  );
  const names = Array.from({ length: count }, (_, i) => `${prefix}@${i}.service`);
  await pool(names, CONCURRENCY, (name) =>
    expectOk(name, http("PUT", `${url}/v1/units/${name}`, { json: { desiredState: "launched" } })),
  );
}

/**
 * Requests per second of the API's write path on its own: instances created inactive, which
 * the engine leaves alone.
 */
async function apiWriteRate(url: string, count: number): Promise<number> {
  await expectOk(
    "submit template",
    http("PUT", `${url}/v1/unit-files/alone@.service`, { text: TEMPLATE }),
  );
  const names = Array.from({ length: count }, (_, i) => `alone@${i}.service`);
  const started = performance.now();
  await pool(names, CONCURRENCY, (name) =>
    expectOk(name, http("PUT", `${url}/v1/units/${name}`, { json: { desiredState: "inactive" } })),
  );
  return count / since(started);
}

if (isEntryPoint(import.meta.url)) {
  const [units, machines] = process.argv.slice(2).map(Number);
  await runAsScript(() => placement(units || undefined, machines || undefined));
}
