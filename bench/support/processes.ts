import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_DIR } from "./report.ts";

/** A helper process of a benchmark: a server, an agent or a simulated fleet. */
export interface BenchProcess<T> {
  child: ChildProcess;
  pid: number;
  /** What the process announced on its READY line. */
  info: T;
  output(): string;
  /** Peak and current resident memory in MiB, from /proc (VmHWM, VmRSS). */
  memory(): { peakMiB: number; currentMiB: number };
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Runs `bench/support/<script>` in its own Node process (through tsx) and waits for the line
 * `READY <json>` it prints once it serves.
 */
export async function startProcess<T>(
  script: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<BenchProcess<T>> {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), "--import", "tsx", join(BENCH_DIR, "support", script), ...args],
    { env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const info = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} not ready in time:\n${output.slice(-2000)}`)),
      options.timeoutMs ?? 120_000,
    );
    let buffer = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf("\n"); end >= 0; end = buffer.indexOf("\n")) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        if (line.startsWith("READY ")) {
          clearTimeout(timer);
          resolve(JSON.parse(line.slice(6)) as T);
        } else output = `${output}${line}\n`.slice(-20_000);
      }
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      output = (output + chunk).slice(-20_000);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before it was ready:\n${output.slice(-2000)}`));
    });
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

/** Prints the READY line a parent waits for. */
export function ready(info: unknown): void {
  process.stdout.write(`READY ${JSON.stringify(info)}\n`);
}
