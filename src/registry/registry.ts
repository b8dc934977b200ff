import type { DurableEntry, DurableKeys, RestoreResult } from "./backup.ts";
import type {
  AnnouncementRecord,
  ClusterRecord,
  MachineDrainRecord,
  MachineRecord,
  MetadataOverrides,
  PlacementRecord,
  RolloutRecord,
  ScheduleStatusRecord,
  TimerElapseRecord,
  UnitRecord,
  UnitStateRecord,
} from "./records.ts";

/** The etcd revision at which something was read or written. */
export type Revision = number;

/** A value with the version it was read at, for compare-and-swap writes. */
export interface Versioned<T> {
  value: T;
  /** etcd's modification revision of the key. */
  version: Revision;
}

/** One change to cluster state, as a watch delivers it; `value` is absent for a deletion. */
export type Change =
  | { kind: "unit-file"; hash: string; text?: string }
  /** `version` is the unit key's modification revision, given with a value. */
  | { kind: "unit"; name: string; value?: UnitRecord; version?: Revision }
  /** `version` is the placement key's modification revision, given with a value. */
  | { kind: "placement"; name: string; value?: PlacementRecord; version?: Revision }
  | { kind: "schedule"; name: string; value?: ScheduleStatusRecord }
  | { kind: "machine"; id: string; value?: MachineRecord }
  | { kind: "machine-metadata"; id: string; value?: MetadataOverrides }
  | { kind: "machine-drain"; id: string; value?: MachineDrainRecord }
  | { kind: "state"; name: string; machineId: string; value?: UnitStateRecord }
  /** `version` is the rollout key's modification revision, given with a value. */
  | { kind: "rollout"; id: string; value?: RolloutRecord; version?: Revision }
  | { kind: "cluster"; value?: ClusterRecord };

/** Everything Flotilla keeps, read at one revision. */
export interface Snapshot {
  revision: Revision;
  changes: Change[];
}

export interface WatchHandlers {
  /** Called with the full state whenever the watch (re)starts, including after compaction. */
  reset(snapshot: Snapshot): void;
  /** Called for each batch of changes, in revision order. */
  changes(revision: Revision, changes: Change[]): void;
  /** The watch lost etcd (true) or has it again (false). */
  connection?(lost: boolean): void;
}

export interface WatchHandle {
  close(): Promise<void>;
}

/** Where the engine puts a unit, and the placement its decision replaces (none: unplaced). */
export interface PlacementMove {
  name: string;
  machineId: string;
  /**
   * With `machineGone`, the move holds only while that machine is not announced; with
   * `machineDrained`, only while it is drained.
   */
  from?: { machineId: string; version: Revision; machineGone?: boolean; machineDrained?: boolean };
}

/** Placements written together or not at all. */
export type PlacementGroup = readonly PlacementMove[];

/** A unit's record replaced in a rollout's transaction, only if the unit is still at `expected`. */
export interface UnitRewrite {
  expected: Versioned<UnitRecord>;
  record: UnitRecord;
}

/**
 * One unit's part in a transaction of several (Registry.writeUnits): each holds only if the
 * unit is still as it was read, and the transaction only if every one holds.
 */
export type UnitWrite =
  /**
   * Created only if no unit has the name, putting its content (again, when other units share
   * it); an instance made from `template` only while the template is at the version read.
   */
  | { kind: "create"; record: UnitRecord; text: string; template?: Versioned<UnitRecord> }
  /** Replaced only if still at `expected`; a new `text` replaces its content too. */
  | ({ kind: "update"; text?: string } & UnitRewrite)
  /** Not written: read, and still to be at `expected` for the others to be written. */
  | { kind: "unchanged"; expected: Versioned<UnitRecord> };

/**
 * Units a rollout's transaction creates (only if no unit has the name) or deletes (only if
 * still at `expected`): the canaries it starts beside the old instances, and their sidekicks.
 */
export interface UnitLifecycle {
  created: readonly UnitRecord[];
  deleted: readonly Versioned<UnitRecord>[];
}

export const NO_LIFECYCLE: UnitLifecycle = { created: [], deleted: [] };

/** Every rollout, and the creation lock they were read under (see Registry.startRollout). */
export interface RolloutListing {
  lock: Revision;
  rollouts: Versioned<RolloutRecord>[];
}

/** Outcome of a compare-and-swap write: the revision it committed at, or the reason it did not. */
export type WriteResult = { ok: true; revision: Revision } | { ok: false; reason: "conflict" };

export interface Presence {
  readonly leaseId: string;
  /** Resolves when the lease is lost for good (etcd unreachable past its TTL, or revoked). */
  readonly lost: Promise<void>;
  revoke(): Promise<void>;
}

export interface Leadership {
  /** Resolves when leadership is lost (its lease expired or was revoked). */
  readonly lost: Promise<void>;
  resign(): Promise<void>;
}

/** Whether the machine's current announcement is a dead predecessor's that may be replaced. */
export type TakeOver = (existing: MachineRecord) => boolean | Promise<boolean>;

export interface Announcement {
  /** Extends the lease by another TTL, re-putting the key if it was changed or removed. */
  refresh(): Promise<void>;
  /** Deletes the key and its record now. */
  withdraw(): Promise<void>;
}

export interface AnnouncementStatus extends AnnouncementRecord {
  /** Seconds left on the announcement's lease; the key disappears at 0. */
  remainingSeconds: number;
}

/**
 * All cluster state, behind one interface: the API, the engine and the agents depend on
 * this and never on etcd's key layout.
 */
export interface Registry {
  readonly prefix: string;

  getUnit(name: string): Promise<Versioned<UnitRecord> | undefined>;
  getUnitText(hash: string): Promise<string | undefined>;
  /** Names of the units whose name starts with `namePrefix` (the instances of a template). */
  listUnitNames(namePrefix: string): Promise<string[]>;
  /**
   * Creates a unit only if no unit has the name, putting its content (again, when other units
   * share it: the same text under its hash); an instance made from `template` only if the
   * template is still at the version it was read at.
   */
  createUnit(
    unit: UnitRecord,
    text: string,
    template?: Versioned<UnitRecord>,
  ): Promise<WriteResult>;
  /** Replaces a unit read at `expected`; a new `text` replaces its content too. */
  updateUnit(
    unit: UnitRecord,
    expected: Versioned<UnitRecord>,
    text?: string,
  ): Promise<WriteResult>;
  /**
   * Writes units together, in one transaction, only if every one of them is still as read (see
   * UnitWrite): a timer started with the service it starts. As createUnit and updateUnit, it
   * puts the content of what it creates or replaces, and collects content no unit refers to
   * any more once written.
   */
  writeUnits(writes: readonly UnitWrite[]): Promise<WriteResult>;
  /** A timer's last fired elapse. */
  getTimerElapse(name: string): Promise<Versioned<TimerElapseRecord> | undefined>;
  /**
   * Records a timer's fired elapse, if its last one is still `expected` (absent: none) and the
   * timer still exists.
   */
  setTimerElapse(
    name: string,
    elapse: TimerElapseRecord,
    expected: Versioned<TimerElapseRecord> | undefined,
  ): Promise<WriteResult>;
  /** Deletes a unit read at `expected`, with its placement, and its content when unused. */
  deleteUnit(expected: Versioned<UnitRecord>): Promise<WriteResult>;

  /**
   * Writes placements group by group: each group all or nothing, in one transaction, and only
   * if every unit of it is still placed where the decision found it (`from`, or nowhere).
   * A service and its MachineOf sidekicks moving off a lost machine are one group, so they
   * never end up split. Groups share transactions as far as etcd's limits allow; one result
   * per group, in order. Writing a placement clears the unit's schedule status. No unit is
   * placed on a drained machine: a drain that came after the decision fails the group.
   */
  writePlacements(groups: readonly PlacementGroup[]): Promise<WriteResult[]>;
  /**
   * Removes a unit's placement, only if it is still on `machineId` (and, with `ifMachineGone`,
   * only while that machine is not announced; with `ifMachineDrained`, only while it is
   * drained: a drain ended meanwhile keeps the unit where it is).
   */
  unplace(
    name: string,
    machineId: string,
    options?: { ifMachineGone?: boolean; ifMachineDrained?: boolean },
  ): Promise<WriteResult>;
  /** Records why a unit cannot be placed (undefined clears it). */
  setScheduleStatus(name: string, reason: string | undefined): Promise<void>;

  /** Every rollout, read after the creation lock (see startRollout). */
  listRollouts(): Promise<RolloutListing>;
  /**
   * Creates a rollout in one transaction with its first unit changes (a template's new
   * content), only if no rollout was created since `lock` was read (listRollouts): a check for
   * overlap with the rollouts read then holds at the write. Stores `text` as the content
   * `rollout.toHash`, and keeps it and every `fromHashes` content (for a revert) referenced by
   * the rollout for as long as the rollout is kept.
   */
  startRollout(
    rollout: RolloutRecord,
    start: {
      lock: Revision;
      text: string;
      fromHashes: readonly string[];
      units: readonly UnitRewrite[];
    },
  ): Promise<WriteResult>;
  /**
   * Writes a rollout's next state with the unit changes it makes, in one transaction: only
   * if the rollout is still at `expected` and every unit at its own `expected`. The content of
   * a unit created is there already: the rollout's own, or a template's.
   */
  advanceRollout(
    expected: Versioned<RolloutRecord>,
    next: RolloutRecord,
    units: readonly UnitRewrite[],
    lifecycle?: UnitLifecycle,
  ): Promise<WriteResult>;

  /**
   * Deletes a finished rollout read at `expected`, with its references to content; content no
   * unit or other rollout refers to is then collected.
   */
  deleteRollout(expected: Versioned<RolloutRecord>): Promise<WriteResult>;

  /** Campaigns for the engine's leadership; the promise resolves once elected. */
  campaign(candidate: string, ttlSeconds: number): Promise<Leadership>;

  getMachine(id: string): Promise<MachineRecord | undefined>;
  getMetadataOverrides(id: string): Promise<Versioned<MetadataOverrides> | undefined>;
  setMetadataOverrides(
    id: string,
    overrides: MetadataOverrides,
    expected: Versioned<MetadataOverrides> | undefined,
  ): Promise<WriteResult>;

  getMachineDrain(id: string): Promise<Versioned<MachineDrainRecord> | undefined>;
  /** Puts a machine's drain, only if its drain is still as read (`expected`, or none). */
  setMachineDrain(
    id: string,
    drain: MachineDrainRecord,
    expected: Versioned<MachineDrainRecord> | undefined,
  ): Promise<WriteResult>;
  /** Ends a machine's drain, only if it is still as read. */
  clearMachineDrain(id: string, expected: Versioned<MachineDrainRecord>): Promise<WriteResult>;

  /**
   * Announces a machine under a new lease kept alive until revoked or lost. When the id is
   * already announced, `takeOver` decides whether that announcement is a dead predecessor
   * (its lease is then revoked) or another live agent (MachineIdInUseError). A predecessor
   * whose lease runs out meanwhile is no reason to fail: the id is then free, and taken.
   * `beforeRetiring` runs between the takeover and that revocation, with the new presence:
   * the states the successor adopted are written under it there, and never vanish.
   */
  announceMachine(
    machine: MachineRecord,
    ttlSeconds: number,
    takeOver?: TakeOver,
    beforeRetiring?: (presence: Presence) => Promise<void>,
  ): Promise<Presence>;
  /** Rewrites the machine's record (its heartbeat) under its presence lease. */
  refreshMachine(presence: Presence, machine: MachineRecord): Promise<void>;
  reportUnitState(presence: Presence, state: UnitStateRecord): Promise<void>;
  /**
   * One machine's unit states written (under its presence lease) and withdrawn together, in
   * as few transactions as etcd's limits allow; an agent reporting many units at once pays
   * one write instead of one each.
   */
  reportUnitStates(
    presence: Presence,
    machineId: string,
    reports: readonly UnitStateRecord[],
    withdrawals: readonly string[],
  ): Promise<void>;
  /** Writes the cluster record where units exist without one (a cluster older than it). */
  recordClusterIfUnits(): Promise<void>;
  /** Flotilla's durable keys (see backup.ts), relative to its prefix, read at one revision. */
  readDurable(): Promise<DurableKeys>;
  /**
   * Writes a backup's keys (see backup.ts planRestore): nothing when a key holds something
   * else, or a unit exists that the backup does not have.
   */
  restoreDurable(backup: readonly DurableEntry[]): Promise<RestoreResult>;
  /** Every unit state etcd holds for one machine: what its agent (or a predecessor) reported. */
  unitStatesOf(machineId: string): Promise<UnitStateRecord[]>;
  /** The states etcd holds for these units of one machine, by unit name. */
  storedUnitStates(
    machineId: string,
    names: readonly string[],
  ): Promise<Map<string, UnitStateRecord>>;

  /**
   * Puts a unit's announced key and Flotilla's record of it under one lease of the
   * announcement's TTL, so both vanish together when nobody refreshes them.
   */
  announce(record: AnnouncementRecord): Promise<Announcement>;
  listAnnouncements(): Promise<AnnouncementStatus[]>;

  snapshot(): Promise<Snapshot>;
  watch(handlers: WatchHandlers): Promise<WatchHandle>;
  /** Resolves when etcd answers a linearizable read. */
  ping(): Promise<Revision>;
  close(): Promise<void>;
}
