import { readdirSync, readFileSync } from "node:fs";
import { MACHINE_ENV, UNIT_ENV } from "../../src/agent/runtime/types.ts";
import type { Copy } from "./sample.ts";

interface Seen {
  /** The command and start time it had when its environment was read: an exec changes the first. */
  identity: string;
  unit?: string;
  machine?: string;
}

/**
 * The units' processes on this host, found by the environment the agents give them, without
 * the supervisors they run under. Ten times a second: a process's environment is read once,
 * and again only when it has exec'd another command (read synchronously, /proc answers fast).
 */
export class ProcScanner {
  private readonly seen = new Map<number, Seen>();

  constructor(private readonly machines: ReadonlySet<string>) {}

  scan(): Copy[] {
    const copies: Copy[] = [];
    const alive = new Set<number>();
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      const stat = read(`/proc/${pid}/stat`);
      if (stat === undefined) continue;
      alive.add(pid);
      // "pid (command) state ... starttime": the command may hold spaces and parentheses.
      const close = stat.lastIndexOf(")");
      const fields = stat.slice(close + 2).split(" ");
      // A zombie has ended; only its parent's reaping is missing.
      if (fields[0] === "Z") continue;
      const identity = `${stat.slice(stat.indexOf("(") + 1, close)} ${fields[19]}`;
      let seen = this.seen.get(pid);
      if (seen?.identity !== identity) {
        seen = { identity, ...this.unitOf(pid) };
        this.seen.set(pid, seen);
      }
      if (seen.unit && seen.machine)
        copies.push({ unit: seen.unit, machine: seen.machine, via: "process" });
    }
    for (const pid of this.seen.keys()) if (!alive.has(pid)) this.seen.delete(pid);
    return copies;
  }

  private unitOf(pid: number): { unit?: string; machine?: string } {
    const environ = read(`/proc/${pid}/environ`, "latin1")?.split("\0") ?? [];
    const value = (name: string) =>
      environ.find((entry) => entry.startsWith(`${name}=`))?.slice(name.length + 1);
    const machine = value(MACHINE_ENV);
    const unit = value(UNIT_ENV);
    if (!machine || !unit || !this.machines.has(machine)) return {};
    const commandLine = read(`/proc/${pid}/cmdline`, "latin1")?.split("\0") ?? [];
    if (commandLine.includes("flotilla-supervise")) return {};
    // The supervisor's last word, once the command has ended: not a run of the unit.
    if (commandLine[0] === "/bin/mv" && commandLine.some((arg) => arg.endsWith("/status.new")))
      return {};
    return { unit, machine };
  }
}

function read(path: string, encoding: BufferEncoding = "utf8"): string | undefined {
  try {
    return readFileSync(path, encoding);
  } catch {
    return undefined;
  }
}
