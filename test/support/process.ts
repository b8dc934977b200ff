import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readdir, readFile, stat } from "node:fs/promises";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { MACHINE_ENV } from "../../src/agent/runtime/types.ts";
import { waitUntil } from "./wait.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Runs the bundle in dist/ when there is one (as an installed Flotilla does), else the sources. */
const FLOTILLA_BIN = join(ROOT, "bin", "flotilla.js");

let bundleChecked: Promise<void> | undefined;

/** FLOTILLA_BIN, once it is known not to run a bundle older than the sources. */
export async function flotillaBin(): Promise<string> {
  bundleChecked ??= refuseStaleBundle();
  await bundleChecked;
  return FLOTILLA_BIN;
}

/** A bundle older than the sources would test code that is no longer there. */
async function refuseStaleBundle(): Promise<void> {
  const bundle = await stat(join(ROOT, "dist", "flotilla.js")).catch(() => undefined);
  if (bundle === undefined) return;
  const sources = await readdir(join(ROOT, "src"), { recursive: true });
  for (const source of sources) {
    const changed = (await stat(join(ROOT, "src", source))).mtimeMs;
    if (changed > bundle.mtimeMs) {
      throw new Error(
        `src/${source} changed after dist/ was built: run \`npm run build\` (the test command does)`,
      );
    }
  }
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the flotilla binary to completion. */
export async function runFlotilla(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const bin = await flotillaBin();
  return finished(spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env } }));
}

/** What a child process printed, once it has exited. */
export function finished(child: ChildProcessWithoutNullStreams): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Daemons still running, ended when the test process exits however it exits. */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export interface Daemon {
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts a long-running flotilla process (this checkout's, or the `bin` of another release)
 * and waits until `ready` says it is up.
 */
export async function startDaemon(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: () => Promise<boolean>,
  bin?: string,
): Promise<Daemon> {
  const child = spawn(process.execPath, [bin ?? (await flotillaBin()), ...args], {
    env: { ...process.env, ...env },
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.on("close", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  await waitUntil(`flotilla ${args.join(" ")} to be ready`, async () => {
    if (child.exitCode !== null) throw new Error(`flotilla exited early:\n${output}`);
    return ready().catch(() => false);
  });
  return {
    child,
    output: () => output,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * Live processes that agents started for units of this machine (they carry its id), without
 * the supervisors a unit's main process runs under (with them when `supervisors`).
 */
export async function unitProcessesOf(machineId: string, supervisors = false): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, "latin1").catch(() => "");
    if (!environ.split("\0").includes(`${MACHINE_ENV}=${machineId}`)) continue;
    const commandLine = await readFile(`/proc/${entry}/cmdline`, "latin1").catch(() => "");
    if (!supervisors && commandLine.split("\0").includes("flotilla-supervise")) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // A zombie has ended; only its parent's reaping is missing.
    if (stat !== "" && stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z") found.push(Number(entry));
  }
  return found;
}

/** Kills what units of this machine left running (a killed agent's, say), supervisors and all. */
export async function killUnitProcessesOf(machineId: string): Promise<void> {
  for (const pid of await unitProcessesOf(machineId, true)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
}
