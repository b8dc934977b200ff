import { readdir, readFile } from "node:fs/promises";
import type Dockerode from "dockerode";
import { MACHINE_ENV, MACHINE_LABEL } from "./runtime/types.ts";

/** How long leftover processes have to end on SIGTERM before they get SIGKILL. */
const TERM_GRACE_MS = 5000;

export interface Leftovers {
  processes: number;
  containers: number;
}

/**
 * Stops what an earlier agent of this machine left running. An agent that dies without
 * stopping its units (SIGKILL, a crash, --leave-running) leaves their processes and
 * containers behind, and no later agent can follow them (their output and exit status went to
 * the dead one). The engine gives the machine its units again once the new agent is present,
 * so the new agent first stops the leftovers, as systemd restarting a service would: no unit
 * then runs twice, and no container name is taken by a stale copy.
 */
export async function stopLeftovers(
  machineId: string,
  docker: Dockerode,
  log: (message: string, error?: unknown) => void,
): Promise<Leftovers> {
  const [processes, containers] = await Promise.all([
    stopMarkedProcesses(machineId),
    removeLabelledContainers(machineId, docker).catch((error: unknown) => {
      log("cannot list the containers earlier agents left (is the Docker engine running?)", error);
      return 0;
    }),
  ]);
  return { processes, containers };
}

/** Process groups of unit processes marked with this machine (see process-runtime.ts). */
async function stopMarkedProcesses(machineId: string): Promise<number> {
  const marked = await markedProcesses(`${MACHINE_ENV}=${machineId}`);
  if (marked.length === 0) return 0;
  const ownGroup = (await processInfo(process.pid))?.group;
  const signal = (sig: NodeJS.Signals) => {
    for (const { pid, group } of marked) {
      try {
        // The whole group: what a unit's shell started goes with it.
        if (group !== ownGroup) process.kill(-group, sig);
        else process.kill(pid, sig);
      } catch {
        // Gone already.
      }
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + TERM_GRACE_MS;
  while (Date.now() < deadline && (await stillRunning(marked)).length > 0) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if ((await stillRunning(marked)).length > 0) signal("SIGKILL");
  return marked.length;
}

async function markedProcesses(marker: string): Promise<{ pid: number; group: number }[]> {
  const found: { pid: number; group: number }[] = [];
  for (const entry of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    // Unreadable (another user's, or gone meanwhile): not ours to stop.
    const environ = await readFile(`/proc/${pid}/environ`, "latin1").catch(() => "");
    if (!environ.split("\0").includes(marker)) continue;
    const info = await processInfo(pid);
    if (info && info.state !== "Z") found.push({ pid, group: info.group });
  }
  return found;
}

async function stillRunning(processes: readonly { pid: number }[]): Promise<{ pid: number }[]> {
  const running: { pid: number }[] = [];
  for (const entry of processes) {
    const info = await processInfo(entry.pid);
    if (info && info.state !== "Z") running.push(entry);
  }
  return running;
}

/** A process's state letter and group from /proc/<pid>/stat; undefined once it is gone. */
async function processInfo(pid: number): Promise<{ state: string; group: number } | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (stat === undefined) return undefined;
  // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
  const [state = "", , group = ""] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { state, group: Number(group) };
}

/** Removes, by force, every container labelled with the machine; resolves to how many. */
export async function removeLabelledContainers(
  machineId: string,
  docker: Dockerode,
): Promise<number> {
  const containers = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`${MACHINE_LABEL}=${machineId}`] }),
  });
  await Promise.all(
    containers.map((container) =>
      docker
        .getContainer(container.Id)
        .remove({ force: true })
        .catch(() => {}),
    ),
  );
  return containers.length;
}
