/**
 * The values Flotilla keeps in etcd. They are written and read only through the registry;
 * everything above it sees these shapes, never a key.
 */

import type { Static } from "typebox";
import type { MachineCapacity, MachineDrain } from "../scheduler/cluster-state.ts";
import type { AgentServiceRun, AgentTimerStatus, AgentUnitHealth } from "../schema/agent.ts";
import type { RolloutRecord } from "../schema/rollouts.ts";
import type { UnitState } from "../unit/states.ts";

/** What the cluster should do with a unit: one of fleet's three states, as the current state. */
export type DesiredState = UnitState;

/** How many content versions a unit keeps: older ones are forgotten, and their content collected. */
export const UNIT_HISTORY_LIMIT = 10;

/** One content a unit has had. */
export interface ContentVersion {
  /** 1 for the content the unit was created with, one more at each change. */
  version: number;
  hash: string;
  /** When the unit got this content. */
  at: string;
  /** Why: "submitted", "replaced", "rollout 3f9c21ab", "revert of rollout 3f9c21ab"... */
  cause?: string;
}

/** A submitted unit file under its name: a template, an instance or a plain unit. */
export interface UnitRecord {
  name: string;
  /** SHA-1 of the canonical unit text, the key of its content. */
  hash: string;
  /**
   * The contents the unit has had, oldest first, the newest its current one (`hash`); at most
   * UNIT_HISTORY_LIMIT. Every one's content is kept, so that any of them can be rolled out
   * again. Absent from records written before histories were kept: read it with contentHistory.
   */
  history?: ContentVersion[];
  /** Always "inactive" for a template: a template is never loaded itself. */
  desiredState: DesiredState;
  createdAt: string;
  updatedAt: string;
  /**
   * When the desired state last left inactive (absent: at creation). Of two units that
   * replace each other, the one scheduled later runs.
   */
  scheduledAt?: string;
  /**
   * How many times the desired state has become launched. An agent asked for a later launch
   * than the one it runs restarts the unit, so a stop and start in quick succession (fleet's
   * restart) restarts it even when the engine never saw it stopped.
   */
  launches?: number;
  /**
   * A stop asked through fleet's API waits until a client has read the unit once, or until
   * this time (ISO), as fleet's agent acted on a change only at its next reconcile: fleetctl
   * restart sets `loaded` and then waits to see `launched` before it sets `launched` again.
   */
  stopHeldUntil?: string;
  /**
   * A rollout is about to replace the unit: its machine withdraws the announcements made for
   * it (health-gated sidekicks) while it keeps running, so no client is sent to it as it stops.
   */
  draining?: boolean;
}

/** The record with a new desired state, and the bookkeeping that goes with the change. */
export function withDesiredState(
  record: UnitRecord,
  desiredState: DesiredState,
  at: string,
): UnitRecord {
  const previous = record.desiredState;
  const { stopHeldUntil: _released, ...rest } = record;
  const next: UnitRecord = { ...rest, desiredState, updatedAt: at };
  if (previous === "inactive" && desiredState !== "inactive") next.scheduledAt = at;
  if (previous !== "launched" && desiredState === "launched")
    next.launches = (record.launches ?? 0) + 1;
  return next;
}

/**
 * The record with a rollout's change made: new content (at `at`, for `cause`), the drain set
 * or ended.
 */
export function withRolloutChange(
  record: UnitRecord,
  change: { hash?: string; draining?: boolean },
  at: string,
  cause = "rollout",
): UnitRecord {
  const { draining: previous, ...rest } = record;
  const draining = change.draining ?? previous === true;
  const next: UnitRecord = { ...rest, ...(draining ? { draining: true } : {}) };
  return change.hash === undefined ? next : withContent(next, change.hash, at, cause);
}

/** A unit created now with the content `hash`, for `cause`, in `desiredState`. */
export function newUnitRecord(
  name: string,
  hash: string,
  desiredState: DesiredState,
  at: string,
  cause: string,
): UnitRecord {
  const created: UnitRecord = {
    name,
    hash,
    desiredState: "inactive",
    createdAt: at,
    updatedAt: at,
    history: firstContent(hash, at, cause),
  };
  return withDesiredState(created, desiredState, at);
}

/** The history of a unit created now with the content `hash`: its version 1. */
export function firstContent(hash: string, at: string, cause: string): ContentVersion[] {
  return [{ version: 1, hash, at, cause }];
}

/**
 * The record with the content `hash` from `at`: its next version, the oldest forgotten beyond
 * UNIT_HISTORY_LIMIT. The same content again changes nothing.
 */
export function withContent(
  record: UnitRecord,
  hash: string,
  at: string,
  cause?: string,
): UnitRecord {
  if (hash === record.hash) return record;
  const history = contentHistory(record);
  const version = currentVersionOf(history) + 1;
  const added: ContentVersion = { version, hash, at, ...(cause === undefined ? {} : { cause }) };
  return { ...record, hash, updatedAt: at, history: trimmed([...history, added]) };
}

/**
 * A unit's content versions, oldest first, its current content the newest. A record written
 * before histories were kept has one: its content, as version 1 from its creation. One whose
 * hash was changed without its history (by a writer that predates it) has that content added.
 */
export function contentHistory(record: UnitRecord): ContentVersion[] {
  const history = record.history ?? [];
  const newest = history.at(-1);
  if (newest === undefined) return [{ version: 1, hash: record.hash, at: record.createdAt }];
  if (newest.hash === record.hash) return history;
  const added = { version: newest.version + 1, hash: record.hash, at: record.updatedAt };
  return trimmed([...history, added]);
}

/** The version number of a unit's current content. */
export function currentVersion(record: UnitRecord): number {
  return currentVersionOf(contentHistory(record));
}

/** The contents a unit keeps: those of its history, each once. */
export function keptContents(record: UnitRecord): Set<string> {
  return new Set(contentHistory(record).map((entry) => entry.hash));
}

function currentVersionOf(history: readonly ContentVersion[]): number {
  return history.at(-1)?.version ?? 0;
}

function trimmed(history: ContentVersion[]): ContentVersion[] {
  return history.slice(-UNIT_HISTORY_LIMIT);
}

/** Whether a stop asked through fleet's API is still held at `now` (ms). */
export function stopHeld(record: UnitRecord, now: number): boolean {
  return record.stopHeldUntil !== undefined && Date.parse(record.stopHeldUntil) > now;
}

/** Where the engine put a unit. Created once per placement, deleted when it is unplaced. */
export interface PlacementRecord {
  machineId: string;
  placedAt: string;
}

/** A machine as its agent announces it, bound to the agent's presence lease. */
export interface MachineRecord {
  id: string;
  publicIP: string;
  privateIP: string;
  metadata: Record<string, string>;
  /** Where the control plane reaches the agent's HTTP API. */
  agentURL: string;
  version: string;
  startedAt: string;
  heartbeatAt: string;
  /** The TTL of its presence lease: how long the engine waits before a vanished machine is lost. */
  presenceTtlSeconds?: number;
  capacity?: MachineCapacity;
  /** The agent's process, so that its successor on the same host can tell it has ended. */
  agentProcess?: AgentProcess;
}

export interface AgentProcess {
  hostname: string;
  /** /proc/sys/kernel/random/boot_id: a pid means something within one boot only. */
  bootId: string;
  pid: number;
  /** The pid namespace (/proc/self/ns/pid): a pid means something within it only. */
  pidNamespace?: string;
}

/** What an agent reports of a unit it runs, bound to the agent's presence lease. */
export interface UnitStateRecord {
  name: string;
  machineId: string;
  hash: string;
  /** What the control plane last asked of the agent for this unit. */
  desiredState: DesiredState;
  loadState: string;
  activeState: string;
  subState: string;
  since: string;
  error?: string;
  /** The launch (UnitRecord.launches) the unit last started for; absent before any. */
  launch?: number;
  /** The agent has withdrawn the announcements made for the unit (UnitRecord.draining). */
  draining?: boolean;
  /** How its main process last ended, kept after it starts again. */
  lastExit?: { at: string; reason: string };
  /**
   * The unit's health while it runs with a check (its [X-Health] probe, or its image's
   * HEALTHCHECK); absent otherwise, which reads as `none`.
   */
  health?: UnitHealthRecord;
  /** A timer's next and last elapse. */
  timer?: TimerStatusRecord;
  /** A oneshot service's latest runs, oldest first. */
  runs?: ServiceRunRecord[];
}

/** One run of a oneshot service (a timer's, say), from its start to its end. */
export type ServiceRunRecord = Static<typeof AgentServiceRun>;

/** A timer's elapses as its agent last reported them: a write per elapse, not per second. */
export type TimerStatusRecord = Static<typeof AgentTimerStatus>;

/**
 * A unit's health as its agent last reported it. It changes only when the status does, and
 * then carries the check that changed it: a write per check would cost etcd one write per
 * unit and interval for nothing a reader needs.
 */
export type UnitHealthRecord = Static<typeof AgentUnitHealth>;

/**
 * The last elapse of a timer that a machine fired. Each elapse is claimed by replacing this
 * record, compared on its revision, before the timer's service starts: so an elapse runs
 * once, wherever the timer runs meanwhile, and a Persistent= timer on a new machine counts
 * from it. Deleted with the timer.
 */
export interface TimerElapseRecord {
  /** The elapse fired, without its randomized delay (ISO time). */
  elapse: string;
  /** When it was fired. */
  firedAt: string;
  machineId: string;
}

/** Operator-set metadata of a machine; overrides what the agent announces and outlives it. */
export type MetadataOverrides = Record<string, string | null>;

/** An operator's drain of a machine; not bound to the agent's lease, so it outlives the agent. */
export type MachineDrainRecord = MachineDrain;

/**
 * That this etcd holds a Flotilla cluster. Written with every unit created and by a restore;
 * never deleted by Flotilla. Its layout, as every record's, is its last writer's (layout.ts).
 */
export type ClusterRecord = Record<string, never>;

export const CLUSTER_RECORD: ClusterRecord = {};

/** A key a unit announces (its sidekick loop), recorded so the control plane can list it. */
export interface AnnouncementRecord {
  /** The announced key, where the unit file says (outside Flotilla's prefix). */
  key: string;
  value: string;
  unit: string;
  machineId: string;
  ttlSeconds: number;
  since: string;
}

/** A rolling replacement of units' content, driven by the engine's leader (see src/rollout/). */
export type { RolloutRecord };

/** Why the engine could not place a unit; absent once it is placed. */
export interface ScheduleStatusRecord {
  reason: string;
  since: string;
}
