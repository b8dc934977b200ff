import type { UnitLog } from "../unit-log.ts";

/**
 * The labels naming a container's unit and machine, and the content (hash) and launch of the
 * start that created it: an agent that comes back finds it again by them, and adopts it only
 * when they are those of the unit's last reported run.
 */
export const UNIT_LABEL = "flotilla.unit";
export const MACHINE_LABEL = "flotilla.machine";
export const HASH_LABEL = "flotilla.hash";
export const LAUNCH_LABEL = "flotilla.launch";
/** Marks the container that is a unit's main process (a foreground `docker run`). */
export const MAIN_LABEL = "flotilla.main";
/**
 * The environment variable that marks a unit's processes with their machine, likewise. Not
 * FLOTILLA_MACHINE_ID: that one configures the agent, and whatever started the agent with it
 * must not be taken for a unit.
 */
export const MACHINE_ENV = "FLOTILLA_UNIT_MACHINE";
/** And with their unit: an adopted unit's processes are not stopped as leftovers. */
export const UNIT_ENV = "FLOTILLA_UNIT_NAME";

/** How a command ended: exit code 0 is success; a signal or an error message otherwise. */
export interface ExitStatus {
  code: number | null;
  signal?: string;
  /** What went wrong, in one line, when the command could not even run or the engine refused. */
  message?: string;
}

export interface CommandContext {
  unit: string;
  /** The unit's environment, already resolved (Environment=, EnvironmentFile=, the agent's own). */
  env: Readonly<Record<string, string>>;
  log: UnitLog;
  /** Labels every container of this unit carries, naming its unit and machine. */
  labels: Readonly<Record<string, string>>;
  /** When the unit's announcements may exist (health-gated sidekicks); absent: always. */
  announceGate?: AnnounceGate;
}

/** Whether a unit's announcements may exist now, and word of every change to that. */
export interface AnnounceGate {
  /** Why they must not exist now (`apache@80.service is unhealthy`); undefined while they may. */
  closedBecause(): string | undefined;
  /** Calls `listener` whenever the answer may have changed; returns the unsubscribe. */
  watch(listener: () => void): () => void;
}

/**
 * What an agent that comes back finds of a unit's main process that an earlier agent of the
 * machine started: still running (now followed by this agent), ended while no agent watched
 * (and how), or nothing this runtime can take over (it is started anew).
 */
export type Adoption =
  | { kind: "adopted"; main: MainProcess }
  | { kind: "ended"; reason: string }
  | { kind: "unsupported" };

/** A unit's main process while it runs: a container, a child process, an announce loop. */
export interface MainProcess {
  readonly description: string;
  /** The container it is, for a foreground `docker run` or `docker start -a`. */
  readonly containerId?: string;
  readonly exited: Promise<ExitStatus>;
  /** Asks it to end; `exited` resolves when it has. */
  terminate(signal: NodeJS.Signals): Promise<void>;
}

export function succeeded(status: ExitStatus): boolean {
  return status.code === 0;
}

export function describeStatus(status: ExitStatus): string {
  if (status.message) return status.message;
  if (status.signal) return `killed by signal ${status.signal}`;
  return `exit status ${status.code}`;
}
