// The API under load: autocannon (50 connections, 10 s) on GET one unit and GET a page of the
// unit list, with 20,000 units in etcd, against a trivial Fastify route under the same load.
//   npx tsx bench/api-load.ts [units] [seconds]
import { connectEtcd } from "../src/registry/etcd-client.ts";
import { EtcdRegistry } from "../src/registry/etcd-registry.ts";
import { TEMPLATE } from "./placement.ts";
import { load, trivialRouteRate } from "./support/baselines.ts";
import { expectOk, http, PREFIX, pool, startCluster } from "./support/cluster.ts";
import { isEntryPoint, runAsScript, since } from "./support/main.ts";
import type { BenchResult } from "./support/report.ts";

export async function apiLoad(units = 20_000, seconds = 10): Promise<BenchResult> {
  const began = performance.now();
  const cluster = await startCluster();
  const registry = new EtcdRegistry(connectEtcd({ endpoints: [cluster.etcd.endpoint] }), {
    prefix: PREFIX,
  });
  try {
    const template = await expectOk(
      "submit template",
      http("PUT", `${cluster.url}/v1/unit-files/bench@.service`, { text: TEMPLATE }),
    );
    const text = (await registry.getUnitText(template.hash)) as string;
    const at = new Date().toISOString();
    const names = Array.from({ length: units }, (_, i) => `bench@${i}.service`);
    // Seeded through the registry (the layout the API writes), not timed.
    await pool(names, 64, async (name) => {
      await registry.createUnit(
        { name, hash: template.hash, desiredState: "inactive", createdAt: at, updatedAt: at },
        text,
      );
    });
    const last = names.at(-1) as string;
    for (let i = 0; i < 600; i++) {
      if ((await http("GET", `${cluster.url}/v1/units/${last}`)).status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const trivial = await trivialRouteRate(50, seconds);
    const one = `${cluster.url}/v1/units/bench@${Math.floor(units / 2)}.service`;
    const pageToken = Buffer.from(`bench@${Math.floor(units / 3)}.service`).toString("base64url");
    const page = `${cluster.url}/v1/units?limit=100&pageToken=${pageToken}`;
    await load(one, 50, 1);
    const single = await load(one, 50, seconds);
    const paged = await load(page, 50, seconds);
    const what = "req/s, trivial Fastify route";
    return {
      name: "api-load",
      title: "5. API under load",
      setup: `${units} units in etcd (inactive instances of one template), autocannon with 50 connections for ${seconds} s per route, server in its own process; the trivial route's server too.`,
      rows: [
        {
          metric: "GET /v1/units/{name}: requests per second",
          value: single.perSecond,
          unit: "req/s",
          baseline: { value: trivial.perSecond, what },
          ratio: single.perSecond / trivial.perSecond,
        },
        {
          metric: "GET /v1/units/{name}: p50 / p99",
          value: single.p99Ms,
          unit: `ms p99 (p50 ${single.p50Ms} ms)`,
          baseline: { value: trivial.p99Ms, what: `ms p99 trivial (p50 ${trivial.p50Ms} ms)` },
          ratio: single.p99Ms / trivial.p99Ms,
          target: "p99 < 25 ms",
          met: single.p99Ms < 25,
        },
        {
          metric: "GET /v1/units?limit=100 (a page): requests per second",
          value: paged.perSecond,
          unit: "req/s",
          baseline: { value: trivial.perSecond, what },
          ratio: paged.perSecond / trivial.perSecond,
        },
        {
          metric: "GET /v1/units?limit=100: p50 / p99",
          value: paged.p99Ms,
          unit: `ms p99 (p50 ${paged.p50Ms} ms)`,
          baseline: { value: trivial.p99Ms, what: `ms p99 trivial (p50 ${trivial.p50Ms} ms)` },
          ratio: paged.p99Ms / trivial.p99Ms,
        },
        { metric: "server peak memory", value: cluster.server.memory().peakMiB, unit: "MiB" },
      ],
      notes: [
        `errors: ${single.errors + paged.errors}, non-2xx answers: ${single.non2xx + paged.non2xx}`,
        "autocannon runs in the benchmark's own process, as a client would, for the baseline and the figures alike",
      ],
      seconds: since(began),
    };
  } finally {
    await registry.close();
    await cluster.stop();
  }
}

if (isEntryPoint(import.meta.url)) {
  const [units, seconds] = process.argv.slice(2).map(Number);
  await runAsScript(() => apiLoad(units || undefined, seconds || undefined));
}
