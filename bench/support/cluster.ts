import { Agent, request } from "undici";
import { EtcdProcess } from "../../test/support/etcd-process.ts";
import { type BenchProcess, startProcess } from "./processes.ts";

export const AGENT_TOKEN = "bench-agent-token";
export const PREFIX = "/flotilla-bench/";

/** HTTP client of the benchmarks: keep-alive, up to 128 connections to the server. */
const dispatcher = new Agent({ connections: 128, keepAliveTimeout: 30_000 });

export async function http(
  method: "GET" | "PUT" | "DELETE",
  url: string,
  body?: { json?: unknown; text?: string },
): Promise<{ status: number; json: any }> {
  const response = await request(url, {
    method,
    dispatcher,
    headers:
      body?.json !== undefined
        ? { "content-type": "application/json" }
        : body?.text !== undefined
          ? { "content-type": "text/plain" }
          : {},
    body: body?.json !== undefined ? JSON.stringify(body.json) : body?.text,
  });
  const text = await response.body.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.statusCode, json };
}

export async function expectOk(
  what: string,
  call: Promise<{ status: number; json: any }>,
): Promise<any> {
  const { status, json } = await call;
  if (status < 200 || status >= 300) throw new Error(`${what}: ${status} ${JSON.stringify(json)}`);
  return json;
}

export interface BenchCluster {
  etcd: EtcdProcess;
  server: BenchProcess<{ url: string }>;
  url: string;
  stop(): Promise<void>;
}

/** A fresh etcd on free ports and a Flotilla server process leading the engine. */
export async function startCluster(): Promise<BenchCluster> {
  const etcd = new EtcdProcess();
  await etcd.start();
  try {
    // BENCH_PROFILE=server writes a CPU profile of the server to BENCH_PROFILE_DIR (or /tmp),
    // BENCH_PROFILE=server-heap a sampling profile of what it allocates.
    const dir = process.env.BENCH_PROFILE_DIR ?? "/tmp";
    const profile =
      process.env.BENCH_PROFILE === "server"
        ? ["--cpu-prof", `--cpu-prof-dir=${dir}`]
        : process.env.BENCH_PROFILE === "server-heap"
          ? ["--heap-prof", `--heap-prof-dir=${dir}`]
          : [];
    const server = await startProcess<{ url: string }>(
      "server-main.ts",
      ["flotilla", etcd.endpoint, PREFIX, AGENT_TOKEN],
      { nodeArgs: ["--expose-gc", ...profile] },
    );
    return {
      etcd,
      server,
      url: server.info.url,
      stop: async () => {
        await server.stop();
        await etcd.destroy();
      },
    };
  } catch (error) {
    await etcd.destroy();
    throw error;
  }
}

/** Runs `task` for each item with at most `concurrency` at once. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await task(items[index] as T, index);
      }
    }),
  );
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
