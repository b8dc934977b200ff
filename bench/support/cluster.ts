import { execFile } from "node:child_process";
import { join } from "node:path";
import { Agent, request } from "undici";
import { EtcdProcess } from "../../test/support/etcd-process.ts";
import { freePort } from "../../test/support/process.ts";
import { type BenchProcess, spawnNode } from "./processes.ts";
import { BENCH_DIR } from "./report.ts";

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
  /** The server's own memory figures (its /metrics), in MiB. */
  serverMemory(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

const ROOT = join(BENCH_DIR, "..");
let build: Promise<void> | undefined;

/** Bundles the sources into dist/ (`npm run build`), once per benchmark process. */
function built(): Promise<void> {
  build ??= new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      [join(ROOT, "scripts", "build.mjs")],
      { cwd: ROOT },
      (error, _stdout, stderr) =>
        error ? reject(new Error(`build failed: ${stderr}`)) : resolve(),
    );
  });
  return build;
}

/**
 * A fresh etcd on free ports and a Flotilla server leading the engine, run from the build as an
 * operator runs it (`node dist/flotilla.js server`), so that its memory and speed are the shipped
 * program's, not those of the TypeScript loader the tests use.
 */
export async function startCluster(): Promise<BenchCluster> {
  await built();
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
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = await spawnNode<{ url: string }>(
      "server",
      [
        ...profile,
        join(ROOT, "dist", "flotilla.js"),
        "server",
        `--listen=127.0.0.1:${port}`,
        `--etcd=${etcd.endpoint}`,
        `--prefix=${PREFIX}`,
        `--agent-token=${AGENT_TOKEN}`,
        "--leader-ttl=5",
        // One client makes every request here; a per-client limit would measure the limit.
        "--rate-limit=0",
        `--log-level=${process.env.FLOTILLA_LOG_LEVEL ?? "warn"}`,
      ],
      {},
      () => undefined,
      () => untilReady(url),
    );
    return {
      etcd,
      server,
      url,
      serverMemory: () => serverMemory(url),
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

/** Resolves once the server's /readyz says it is in sync with etcd. */
async function untilReady(url: string): Promise<{ url: string }> {
  for (;;) {
    try {
      if ((await http("GET", `${url}/readyz`)).status === 200) return { url };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
}

const MEMORY_METRICS: Record<string, string> = {
  rss: "process_resident_memory_bytes",
  heapTotal: "nodejs_heap_size_total_bytes",
  heapUsed: "nodejs_heap_size_used_bytes",
  external: "nodejs_external_memory_bytes",
};

async function serverMemory(url: string): Promise<Record<string, number>> {
  const { json: text } = await http("GET", `${url}/metrics`);
  const figures: Record<string, number> = {};
  for (const [name, metric] of Object.entries(MEMORY_METRICS)) {
    const value = new RegExp(`^${metric} (\\d+)$`, "m").exec(String(text))?.[1];
    if (value !== undefined) figures[name] = Math.round(Number(value) / 2 ** 20);
  }
  return figures;
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
