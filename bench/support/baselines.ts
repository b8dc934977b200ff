import autocannon from "autocannon";
import { Etcd3 } from "etcd3";
import { percentile } from "./cluster.ts";
import { startProcess } from "./processes.ts";

export interface Rate {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Raw etcd3 single-key transactions (create-only put of a key of its own, as a placement is)
 * at `concurrency` in flight, on the benchmark's etcd: the ceiling any etcd-backed step has.
 */
export async function etcdTransactionRate(
  endpoint: string,
  concurrency: number,
  count = 4000,
): Promise<Rate> {
  const client = new Etcd3({ hosts: endpoint });
  const base = `/bench-baseline/${Date.now()}/`;
  const value = JSON.stringify({ machineId: "0".repeat(32), placedAt: new Date().toISOString() });
  const one = (key: string) =>
    client.if(key, "Create", "==", 0).then(client.put(key).value(value)).commit();
  try {
    for (let i = 0; i < 200; i++) await one(`${base}warm/${i}`);
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const key = `${base}k/${next++}`;
          const at = performance.now();
          await one(key);
          latencies.push(performance.now() - at);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    await client.delete().prefix(base).exec();
    return {
      perSecond: count / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
    };
  } finally {
    client.close();
  }
}

export interface LoadResult extends Rate {
  requests: number;
  errors: number;
  non2xx: number;
}

/** autocannon against one URL: `connections` connections for `seconds` seconds. */
export async function load(url: string, connections = 50, seconds = 10): Promise<LoadResult> {
  const result = await autocannon({ url, connections, duration: seconds });
  return {
    perSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/** A trivial Fastify route (GET /ping) in its own process, under the same load. */
export async function trivialRouteRate(connections = 50, seconds = 10): Promise<LoadResult> {
  const server = await startProcess<{ url: string }>("trivial-server-main.ts", []);
  try {
    await load(`${server.info.url}/ping`, connections, 1);
    return await load(`${server.info.url}/ping`, connections, seconds);
  } finally {
    await server.stop();
  }
}
