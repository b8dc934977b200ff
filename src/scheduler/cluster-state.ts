import type { UnitState } from "../unit/states.ts";
import type { SchedulerMachine, SchedulerUnit } from "./cluster-index.ts";

/** What the planner needs of a unit's record: what is wanted of it, and since when. */
export interface PlannedUnitRecord {
  desiredState: UnitState;
  createdAt: string;
  /** When the desired state last left inactive (absent: at creation). */
  scheduledAt?: string;
}

/** What a machine offers, as its agent measured it at start. */
export interface MachineCapacity {
  readonly cpus: number;
  readonly memoryBytes: number;
}

/**
 * An operator's drain of a machine: its units other than global ones move to other machines,
 * and it takes no new ones until the drain ends.
 */
export interface MachineDrain {
  /** When the drain began (ISO time). */
  readonly since: string;
  /** Why, in the operator's words. */
  readonly reason?: string;
}

/** A machine as the planner reads it. */
export interface PlannedMachine {
  /** Absent for an agent that does not report it (an older version). */
  readonly capacity?: MachineCapacity;
}

/** What an agent last reported of a unit it runs. */
export interface ReportedUnitState {
  readonly activeState: string;
  readonly subState: string;
}

/**
 * The cluster as the planner reads it, at one revision: machines with their capacity, units
 * with their desired state, requirements and the states their agents report, where units are
 * placed, and why waiting ones wait. The engine's pass
 * and a dry run (POST /v1/plan) read the same shape, built in one place from the registry's
 * watch-fed view; a planner never changes it, it returns what to change.
 */
export interface ClusterState {
  /** The etcd revision the state was read at. */
  readonly revision: number;
  /** Machines present now, by id. */
  readonly machines: ReadonlyMap<string, PlannedMachine>;
  /**
   * Drained machines, by id; a drain outlives its machine's agent, so some may be absent from
   * `machines`.
   */
  readonly drains: ReadonlyMap<string, MachineDrain>;
  /** A machine's metadata, the operator's overrides applied. */
  metadataOf(machineId: string): Readonly<Record<string, string>>;
  readonly units: ReadonlyMap<string, PlannedUnitRecord>;
  readonly placements: ReadonlyMap<string, { readonly machineId: string }>;
  readonly scheduleStatus: ReadonlyMap<string, { readonly reason: string }>;
  /** By unit, then by machine: what each agent running the unit last reported. */
  readonly states: ReadonlyMap<string, ReadonlyMap<string, ReportedUnitState>>;
  /**
   * A unit's scheduling requirements, from its unit file or, for an instance not created
   * yet, its template's; undefined when neither exists or the file does not parse.
   */
  spec(name: string): SchedulerUnit | undefined;
}

/** A present machine as the scheduler's index holds it: its metadata, and its drain if any. */
export function schedulerMachine(state: ClusterState, id: string): SchedulerMachine {
  const drain = state.drains.get(id);
  return { id, metadata: state.metadataOf(id), ...(drain ? { drain } : {}) };
}
