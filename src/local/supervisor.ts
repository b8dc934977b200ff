import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { get } from "node:http";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../package-root.ts";
import type { Component } from "./layout.ts";

/**
 * Runs a local cluster's components as background processes that outlive the command that
 * started them: a pid file and a log per component in the state directory, nothing else.
 */
export class Supervisor {
  constructor(readonly stateDir: string) {}

  logFile(component: Pick<Component, "name">): string {
    return join(this.stateDir, `${component.name}.log`);
  }

  /** The component's pid while its process runs, else undefined. */
  async pidOf(component: Pick<Component, "name" | "mark">): Promise<number | undefined> {
    const text = await readFile(this.pidFile(component), "utf8").catch(() => "");
    const pid = Number(text.trim());
    if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
    // A pid the system gave to another process since: not ours (Linux tells; elsewhere trust it).
    const commandLine = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => undefined);
    if (commandLine !== undefined && !commandLine.split("\0").includes(component.mark)) {
      return undefined;
    }
    return pid;
  }

  /** Starts the component in the background, its output appended to its log. */
  async start(component: Component): Promise<number> {
    const [program = "", ...args] = component.command;
    const argv =
      program === "flotilla"
        ? [process.execPath, join(PACKAGE_ROOT, "bin", "flotilla.js"), ...args]
        : [program, ...args];
    const log = openSync(this.logFile(component), "a");
    try {
      const child = spawn(argv[0] as string, argv.slice(1), {
        detached: true,
        stdio: ["ignore", log, log],
        env: { ...ownEnvironment(), ...component.env },
      });
      const pid = await new Promise<number>((resolve, reject) => {
        child.once("error", (error) =>
          reject(
            (error as NodeJS.ErrnoException).code === "ENOENT"
              ? new Error(`${argv[0]} is not installed (not found on the PATH)`)
              : error,
          ),
        );
        child.once("spawn", () => resolve(child.pid as number));
      });
      child.unref();
      await writeFile(this.pidFile(component), `${pid}\n`);
      return pid;
    } finally {
      closeSync(log);
    }
  }

  /** Waits until the component answers its readiness URL; fails if its process ends first. */
  async waitReady(component: Component, pid: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await answers(component.readyUrl)) && alive(pid)) return;
      if (!alive(pid)) {
        throw new Error(
          `${component.name} exited; the end of ${this.logFile(component)}:\n${await this.tail(component)}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${component.name} is not ready at ${component.readyUrl} after ${timeoutMs / 1000} s; the end of ${this.logFile(component)}:\n${await this.tail(component)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** SIGTERM, then SIGKILL after the grace: agents stop their units on SIGTERM. */
  async stop(component: Pick<Component, "name" | "mark">, graceMs: number): Promise<boolean> {
    const pid = await this.pidOf(component);
    if (pid !== undefined) {
      signal(pid, "SIGTERM");
      const deadline = Date.now() + graceMs;
      while (alive(pid) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (alive(pid)) signal(pid, "SIGKILL");
    }
    await rm(this.pidFile(component), { force: true });
    return pid !== undefined;
  }

  private pidFile(component: Pick<Component, "name">): string {
    return join(this.stateDir, `${component.name}.pid`);
  }

  private async tail(component: Component): Promise<string> {
    const text = await readFile(this.logFile(component), "utf8").catch(() => "");
    return text.trimEnd().split("\n").slice(-20).join("\n");
  }
}

/** The user's environment without Flotilla's settings: the cluster runs on its own flags. */
function ownEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("FLOTILLA_")),
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone meanwhile.
  }
}

/** Whether anything answers the URL with a 2xx now. */
export function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get(url, { timeout: 2000 }, (response) => {
      response.resume();
      resolve((response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 300);
    });
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve(false));
  });
}
