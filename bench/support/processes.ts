import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_DIR } from "./report.ts";

/** A helper process of a benchmark: a server, an agent or a simulated fleet. */
export interface BenchProcess<T> {
  child: ChildProcess;
  pid: number;
  /** What the process announced once ready (its READY line, say). */
  info: T;
  output(): string;
  /** Peak and current resident memory in MiB, from /proc (VmHWM, VmRSS). */
  memory(): { peakMiB: number; currentMiB: number };
  stop(signal?: NodeJS.Signals): Promise<void>;
}

interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  nodeArgs?: string[];
}

/**
 * Runs `bench/support/<script>` in its own Node process (through tsx) and waits for the line
 * `READY <json>` it prints once it serves.
 */
export function startProcess<T>(
  script: string,
  args: string[],
  options: SpawnOptions = {},
): Promise<BenchProcess<T>> {
  return spawnNode(
    script,
    [...(options.nodeArgs ?? []), "--import", "tsx", join(BENCH_DIR, "support", script), ...args],
    options,
    (line) => (line.startsWith("READY ") ? { info: JSON.parse(line.slice(6)) as T } : undefined),
  );
}

/**
 * Runs `node <args>` and waits until `ready` resolves, or, when `readyLine` recognises a line
 * of the process's output, until that line.
 */
export async function spawnNode<T>(
  name: string,
  args: string[],
  options: SpawnOptions,
  readyLine: (line: string) => { info: T } | undefined,
  ready?: () => Promise<T>,
): Promise<BenchProcess<T>> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const info = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} not ready in time:\n${output.slice(-2000)}`)),
      options.timeoutMs ?? 120_000,
    );
    const succeed = (info: T) => {
      clearTimeout(timer);
      resolve(info);
    };
    let buffer = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf("\n"); end >= 0; end = buffer.indexOf("\n")) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        const recognised = readyLine(line);
        if (recognised) succeed(recognised.info);
        else output = `${output}${line}\n`.slice(-20_000);
      }
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      output = (output + chunk).slice(-20_000);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready:\n${output.slice(-2000)}`));
    });
    ready?.().then(succeed, reject);
  });
  const pid = child.pid as number;
  return {
    child,
    pid,
    info,
    output: () => output,
    memory: () => processMemory(pid),
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function processMemory(pid: number): { peakMiB: number; currentMiB: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (field: string) => Number(new RegExp(`${field}:\\s*(\\d+)`).exec(status)?.[1] ?? 0);
    return { peakMiB: kib("VmHWM") / 1024, currentMiB: kib("VmRSS") / 1024 };
  } catch {
    return { peakMiB: 0, currentMiB: 0 };
  }
}

/** CPU time (user and system) a process has used so far, in milliseconds, from /proc. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks * (1000 / CLOCK_TICKS_PER_SECOND);
  } catch {
    return 0;
  }
}

/**
 * Starts counting the CPU time of groups of processes; the function returned gives each
 * group's milliseconds since.
 */
export function cpuMeter(groups: Record<string, readonly number[]>): () => Record<string, number> {
  const total = (pids: readonly number[]) => pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
  const start = Object.fromEntries(
    Object.entries(groups).map(([name, pids]) => [name, total(pids)]),
  );
  return () =>
    Object.fromEntries(
      Object.entries(groups).map(([name, pids]) => [name, total(pids) - (start[name] ?? 0)]),
    );
}

/** Linux's USER_HZ, the unit of /proc's CPU times, is 100 on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Prints the READY line a parent waits for. */
export function ready(info: unknown): void {
  process.stdout.write(`READY ${JSON.stringify(info)}\n`);
}
