import { readFile, rm } from "node:fs/promises";
import type Dockerode from "dockerode";
import { processIds, procStat } from "./runtime/proc-stat.ts";
import { supervisorsIn } from "./runtime/supervised-process.ts";
import {
  HASH_LABEL,
  LAUNCH_LABEL,
  MACHINE_ENV,
  MACHINE_LABEL,
  MAIN_LABEL,
  UNIT_ENV,
  UNIT_LABEL,
} from "./runtime/types.ts";

/** How long leftover processes have to end on SIGTERM before they get SIGKILL. */
const TERM_GRACE_MS = 5000;

export interface Released {
  processes: number;
  containers: number;
}

/** A container an earlier agent of this machine created, as the engine lists it. */
export interface LeftContainer {
  id: string;
  /** Its names, without the engine's leading slash. */
  names: string[];
  labels: Readonly<Record<string, string>>;
  running: boolean;
}

/** A supervised main process an earlier agent started (see supervised-process.ts). */
export type LeftSupervisor = Awaited<ReturnType<typeof supervisorsIn>>[number];

/**
 * What earlier agents of this machine left running. An agent that dies without stopping its
 * units (SIGKILL, a crash, an upgrade with --leave-running) leaves their containers and
 * processes behind. The agent that comes back adopts the units it can (unit-manager.ts
 * `adopt`) and claims their containers; `release` then stops the rest, as systemd restarting
 * a service would: no unit runs twice, and no container name is taken by a stale copy.
 */
export class Leftovers {
  private readonly claimed = new Set<string>();

  private constructor(
    private readonly machineId: string,
    private readonly docker: Dockerode | undefined,
    readonly containers: readonly LeftContainer[],
    readonly supervisors: readonly LeftSupervisor[],
    /** Whether the engine listed the containers: else none is known, ended or not. */
    readonly containersListed: boolean,
  ) {}

  /** Lists the machine's labelled containers; none when the engine does not answer. */
  static async find(
    machineId: string,
    docker: Dockerode | undefined,
    processDir: string,
    log: (message: string, error?: unknown) => void,
  ): Promise<Leftovers> {
    const listed = docker
      ? await docker
          .listContainers({
            all: true,
            filters: JSON.stringify({ label: [`${MACHINE_LABEL}=${machineId}`] }),
          })
          .catch((error: unknown) => {
            log(
              "cannot list the containers earlier agents left (is the Docker engine running?); their units start anew",
              error,
            );
            return undefined;
          })
      : [];
    const containers = (listed ?? []).map((info) => ({
      id: info.Id,
      names: info.Names.map((name) => name.replace(/^\//, "")),
      labels: info.Labels ?? {},
      running: info.State === "running",
    }));
    const supervisors = (await supervisorsIn(processDir)).filter(
      ({ record }) => record.labels[MACHINE_LABEL] === machineId,
    );
    return new Leftovers(machineId, docker, containers, supervisors, listed !== undefined);
  }

  /** The supervisor of `unit`'s main process, started by the run with these labels. */
  mainSupervisor(
    unit: string,
    labels: Readonly<Record<string, string>>,
  ): LeftSupervisor | undefined {
    return this.supervisors.find(
      ({ record }) =>
        record.labels[UNIT_LABEL] === unit &&
        record.labels[HASH_LABEL] === labels[HASH_LABEL] &&
        sameRun(record.labels, labels),
    );
  }

  /**
   * The main container of the run labelled with `unit`, `hash` and `launch`: the one named
   * `name` when the command names it, else the one marked main.
   */
  mainContainer(
    unit: string,
    labels: Readonly<Record<string, string>>,
    name: string | undefined,
  ): LeftContainer | undefined {
    return this.containers.find(
      (container) =>
        container.labels[UNIT_LABEL] === unit &&
        container.labels[HASH_LABEL] === labels[HASH_LABEL] &&
        sameRun(container.labels, labels) &&
        (name === undefined
          ? container.labels[MAIN_LABEL] === "true"
          : container.names.includes(name)),
    );
  }

  /** Every container of `unit`'s is kept: the unit was adopted. */
  claim(unit: string): void {
    this.claimed.add(unit);
  }

  /**
   * Stops what no adopted unit claimed: containers removed by force, marked processes
   * (none is adopted yet) stopped, group and all.
   */
  async release(): Promise<Released> {
    const unclaimed = this.containers.filter(
      (container) => !this.claimed.has(container.labels[UNIT_LABEL] ?? ""),
    );
    const { docker } = this;
    const [processes] = await Promise.all([
      stopMarkedProcesses(this.machineId, this.claimed),
      docker &&
        Promise.all(
          unclaimed.map((container) =>
            docker
              .getContainer(container.id)
              .remove({ force: true })
              .catch(() => {}),
          ),
        ),
    ]);
    // Their processes are stopped: what they wrote is of no further use.
    await Promise.all(
      this.supervisors
        .filter(({ record }) => !this.claimed.has(record.labels[UNIT_LABEL] ?? ""))
        .map(({ dir }) => rm(dir, { recursive: true, force: true })),
    );
    return { processes, containers: unclaimed.length };
  }
}

/**
 * Whether what was labelled `found` at its start is the run the unit's last state describes
 * (`wanted`): a launch asked for while the unit already ran (a unit a `Requires=` started,
 * then launched itself) is recorded without a restart, so the label may be older.
 */
function sameRun(
  found: Readonly<Record<string, string>>,
  wanted: Readonly<Record<string, string>>,
): boolean {
  const started = Number(found[LAUNCH_LABEL]);
  const reported = Number(wanted[LAUNCH_LABEL]);
  return Number.isInteger(started) && Number.isInteger(reported) && started <= reported;
}

/** Process groups of unit processes marked with this machine (see process-runtime.ts). */
async function stopMarkedProcesses(machineId: string, kept: ReadonlySet<string>): Promise<number> {
  const marked = (await markedProcesses(`${MACHINE_ENV}=${machineId}`)).filter(
    ({ unit }) => unit === undefined || !kept.has(unit),
  );
  if (marked.length === 0) return 0;
  const ownGroup = (await procStat(process.pid))?.group;
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

async function markedProcesses(
  marker: string,
): Promise<{ pid: number; group: number; unit?: string }[]> {
  const found: { pid: number; group: number; unit?: string }[] = [];
  for (const pid of await processIds()) {
    if (pid === process.pid) continue;
    // Unreadable (another user's, or gone meanwhile): not ours to stop.
    const environ = (await readFile(`/proc/${pid}/environ`, "latin1").catch(() => "")).split("\0");
    if (!environ.includes(marker)) continue;
    const unit = environ
      .find((entry) => entry.startsWith(`${UNIT_ENV}=`))
      ?.slice(UNIT_ENV.length + 1);
    const info = await procStat(pid);
    if (info && info.state !== "Z") found.push({ pid, group: info.group, unit });
  }
  return found;
}

async function stillRunning(processes: readonly { pid: number }[]): Promise<{ pid: number }[]> {
  const running: { pid: number }[] = [];
  for (const entry of processes) {
    const info = await procStat(entry.pid);
    if (info && info.state !== "Z") running.push(entry);
  }
  return running;
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
