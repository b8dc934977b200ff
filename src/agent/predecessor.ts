import { readFileSync, readlinkSync } from "node:fs";
import type { AgentProcess } from "../registry/records.ts";

/**
 * Whether an agent process, as its machine record names it, ran on this very host (same boot,
 * same hostname) and has ended: then the machine's announcement is a predecessor's, killed
 * before its lease ran out, and the agent starting now is its successor, whatever address
 * either listens on. A live process is an agent still running (two agents must never share a
 * machine id), unless its pid now belongs to a program that is no agent.
 */
export function isDeadLocalAgent(
  recorded: AgentProcess | undefined,
  self: Omit<AgentProcess, "pid">,
): boolean {
  if (!recorded || self.bootId === "" || recorded.bootId !== self.bootId) return false;
  if (recorded.hostname !== self.hostname) return false;
  // Agents in containers share the host's boot and often its name: their pids are their own.
  if (recorded.pidNamespace === undefined || recorded.pidNamespace !== self.pidNamespace)
    return false;
  if (recorded.pid === process.pid) return true;
  try {
    process.kill(recorded.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
  let commandLine: string[];
  try {
    commandLine = readFileSync(`/proc/${recorded.pid}/cmdline`, "utf8").split("\0");
  } catch {
    return true;
  }
  return !commandLine.includes("agent");
}

/** This process's pid namespace, as /proc names it; undefined where there is no /proc. */
export function ownPidNamespace(): string | undefined {
  try {
    return readlinkSync("/proc/self/ns/pid");
  } catch {
    return undefined;
  }
}
