// Scale: simulated machines and units converging from empty (every unit submitted through the
// API, placed and running), the time it takes and the server's peak memory.
//   npx tsx bench/scale.ts [machines] [units] [deadline seconds]

import { CONCURRENCY, TEMPLATE } from "./placement.ts";
import { etcdTransactionRate } from "./support/baselines.ts";
import { AGENT_TOKEN, expectOk, http, PREFIX, pool, startCluster } from "./support/cluster.ts";
import { isEntryPoint, runAsScript, since } from "./support/main.ts";
import { ClusterObserver } from "./support/observer.ts";
import { startProcess } from "./support/processes.ts";
import type { BenchResult } from "./support/report.ts";

export async function scale(
  machines = 1000,
  units = 20_000,
  deadlineSeconds = 240,
): Promise<BenchResult> {
  const began = performance.now();
  const cluster = await startCluster();
  const observer = await new ClusterObserver(cluster.etcd.endpoint, PREFIX).start();
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, cluster.server.memory().currentMiB);
  }, 250);
  try {
    const raw = await etcdTransactionRate(cluster.etcd.endpoint, CONCURRENCY);
    const fleet = await startProcess<{ startSeconds: number }>(
      "fleet-main.ts",
      [cluster.etcd.endpoint, PREFIX, String(machines), "10", AGENT_TOKEN],
      { timeoutMs: 600_000 },
    );
    try {
      await observer.until("every machine present", () => observer.machines >= machines, 120_000);
      await expectOk(
        "submit template",
        http("PUT", `${cluster.url}/v1/unit-files/bench@.service`, { text: TEMPLATE }),
      );
      const names = Array.from({ length: units }, (_, i) => `bench@${i}.service`);
      const started = performance.now();
      const deadline = deadlineSeconds * 1000;
      const allPlaced = observer.until("all placed", () => observer.placed >= units, deadline);
      const allRunning = observer.until(
        "all running",
        () => observer.active.size >= units,
        deadline,
      );
      allPlaced.catch(() => {});
      allRunning.catch(() => {});
      let stopSubmitting = false;
      const stopAtDeadline = setTimeout(() => {
        stopSubmitting = true;
      }, deadline);
      const submitting = pool(names, CONCURRENCY, async (name) => {
        if (stopSubmitting) return;
        await expectOk(
          name,
          http("PUT", `${cluster.url}/v1/units/${name}`, { json: { desiredState: "launched" } }),
        );
      });
      let converged = true;
      let running = 0;
      let placed = 0;
      try {
        await submitting;
        placed = ((await allPlaced) - started) / 1000;
        running = ((await allRunning) - started) / 1000;
      } catch {
        converged = false;
        running = since(started);
      } finally {
        clearTimeout(stopAtDeadline);
      }
      if (observer.active.size < units) {
        converged = false;
        running = since(started);
      }
      const runningCount = observer.active.size;
      const breakdown = JSON.stringify(await cluster.serverMemory());
      const peak = Math.max(peakRss, cluster.server.memory().peakMiB);
      const rate = runningCount / running;
      return {
        name: "scale",
        title: "6. Scale",
        setup: `${machines} simulated machines (one process, presence TTL 10 s) and ${units} units converging from empty: every unit PUT launched through the API (${CONCURRENCY} in flight), placed, started and reported.`,
        rows: [
          {
            metric: converged
              ? `time until all ${units} units run`
              : `units running after the ${deadlineSeconds} s deadline`,
            value: converged ? running : runningCount,
            unit: converged ? "s" : "units",
          },
          ...(converged ? [{ metric: "time until all placed", value: placed, unit: "s" }] : []),
          {
            metric: "units placed and running per second",
            value: rate,
            unit: "units/s",
            baseline: { value: raw.perSecond, what: `raw etcd txn/s, ${CONCURRENCY} concurrent` },
            ratio: rate / raw.perSecond,
          },
          {
            metric: "server peak memory (VmHWM)",
            value: peak,
            unit: "MiB",
            target: "< 512 MB",
            met: peak * 1.048576 < 512,
          },
        ],
        notes: [
          `server memory at the end, MiB: ${breakdown}`,
          `simulated fleet of ${machines} agents started in ${fleet.info.startSeconds.toFixed(1)} s (not counted)`,
          ...(converged
            ? []
            : [`did not converge within ${deadlineSeconds} s: the figure is what ran by then`]),
        ],
        seconds: since(began),
      };
    } finally {
      await fleet.stop();
    }
  } finally {
    clearInterval(sampler);
    await observer.stop();
    await cluster.stop();
  }
}

if (isEntryPoint(import.meta.url)) {
  const [machines, units, deadline] = process.argv.slice(2).map(Number);
  await runAsScript(() => scale(machines || undefined, units || undefined, deadline || undefined));
}
