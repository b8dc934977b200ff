// Placement throughput: units submitted through the REST API, placed, loaded and started on
// simulated machines, against raw etcd transactions at the same concurrency.
//   npx tsx bench/placement.ts [units] [machines]

import { etcdTransactionRate } from "./support/baselines.ts";
import { AGENT_TOKEN, expectOk, http, PREFIX, pool, startCluster } from "./support/cluster.ts";
import { isEntryPoint, runAsScript, since } from "./support/main.ts";
import { ClusterObserver } from "./support/observer.ts";
import { cpuMeter, startProcess } from "./support/processes.ts";
import type { BenchResult } from "./support/report.ts";

/** Requests in flight from the client, and the engine's own etcd concurrency. */
export const CONCURRENCY = 64;

export const TEMPLATE = `[Unit]
Description=benchmark unit %i

[Service]
ExecStart=/usr/bin/docker run --rm --name bench-%i flotilla/busybox sleep 1000
`;

/** What launching a batch of units took: from the first request until all placed, all running. */
interface Launch {
  submittedSeconds: number;
  placedSeconds: number;
  runningSeconds: number;
  /** etcd revisions (one per transaction) per unit. */
  transactionsPerUnit: number;
  /** CPU time per unit of each process, in µs. */
  cpuPerUnit: Record<string, number>;
}

/**
 * The same launch is measured twice: first on a fresh cluster (cold: the server, the agents
 * and this client still run unoptimised code, and connections to the agents are being opened),
 * then, after a pass of API writes alone, on the warmed-up cluster: that second figure is the
 * steady rate the target is about.
 */
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
      const processes = {
        server: [cluster.server.pid],
        agents: [fleet.pid],
        etcd: cluster.etcd.pids,
        client: [process.pid],
      };
      const launch = async (prefix: string): Promise<Launch> => {
        const firstRevision = observer.view.revision;
        const total = observer.placed + units;
        const cpu = cpuMeter(processes);
        const started = performance.now();
        const allPlaced = observer.until("all placed", () => observer.placed >= total, 600_000);
        const allRunning = observer.until(
          "all running",
          () => observer.active.size >= total,
          600_000,
        );
        await launchAll(cluster.url, prefix, units);
        const submittedSeconds = since(started);
        const placedSeconds = ((await allPlaced) - started) / 1000;
        const runningSeconds = ((await allRunning) - started) / 1000;
        return {
          submittedSeconds,
          placedSeconds,
          runningSeconds,
          transactionsPerUnit: (observer.view.revision - firstRevision) / units,
          cpuPerUnit: Object.fromEntries(
            Object.entries(cpu()).map(([name, ms]) => [name, (ms / units) * 1000]),
          ),
        };
      };
      const cold = await launch("cold");
      const apiAlone = await apiWriteRate(cluster.url, units / 2);
      const steady = await launch("bench");
      const rawWhat = `raw etcd txn/s, ${CONCURRENCY} concurrent`;
      const ratioRow = (metric: string, perSecond: number, target?: string) => ({
        metric,
        value: perSecond,
        unit: "units/s",
        baseline: { value: raw.perSecond, what: rawWhat },
        ratio: perSecond / raw.perSecond,
        ...(target
          ? { target: `≥ ${target}`, met: perSecond / raw.perSecond >= Number(target) }
          : {}),
      });
      const cpuNote = (launch: Launch) =>
        Object.entries(launch.cpuPerUnit)
          .map(([name, us]) => `${name} ${us.toFixed(0)} µs`)
          .join(", ");
      return {
        name: "placement",
        title: "1. Placement throughput",
        setup: `${units} units (instances of one template, PUT desiredState=launched, ${CONCURRENCY} requests in flight) onto ${machines} simulated machines in another process; measured after the same launch of ${units} others on the fresh cluster (the cold figure) and ${units / 2} API writes alone.`,
        rows: [
          ratioRow("units placed and running per second", units / steady.runningSeconds, "0.25"),
          ratioRow("units placed per second", units / steady.placedSeconds, "0.25"),
          {
            ...ratioRow("API writes (PUT /v1/units) per second", units / steady.submittedSeconds),
            unit: "req/s",
          },
          {
            ...ratioRow(
              "API writes alone (new inactive instances: no placement, no agent call)",
              apiAlone,
            ),
            unit: "req/s",
          },
          { metric: "time until all placed", value: steady.placedSeconds, unit: "s" },
          { metric: "time until all running", value: steady.runningSeconds, unit: "s" },
          ratioRow(
            `cold: the first ${units} units on the fresh cluster, placed and running per second`,
            units / cold.runningSeconds,
          ),
          {
            metric: "server peak memory",
            value: cluster.server.memory().peakMiB,
            unit: "MiB",
          },
        ],
        notes: [
          `raw etcd baseline: p50 ${raw.p50Ms.toFixed(1)} ms, p99 ${raw.p99Ms.toFixed(1)} ms per transaction`,
          `simulated fleet started in ${fleet.info.startSeconds.toFixed(1)} s (not counted)`,
          `each unit cost the cluster ${steady.transactionsPerUnit.toFixed(2)} etcd transactions (its creation, its share of a batch of placements, its agent's state reports), so the ratio to single-transaction throughput is bounded well below 1`,
          `CPU per unit (user + system), steady: ${cpuNote(steady)}; cold: ${cpuNote(cold)}. The server, the simulated machines, etcd and this client (with its watch) share the machine's cores, so the ratio is bounded by CPU as much as by etcd`,
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
