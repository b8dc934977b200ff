/**
 * The Registry held in memory, for tests that need cluster state without etcd. It keeps the
 * same keys as the etcd registry in one store that behaves like etcd where Flotilla can see
 * it: one revision per write transaction, leases that run out, watches that deliver a
 * transaction's changes as one batch. test/integration/registry-contract.test.ts runs the
 * same cases against both, so a difference is a failing test.
 */
import { ClientClosedError, EtcdLeaseInvalidError, GRPCInvalidArgumentError } from "etcd3";
import {
  type DurableEntry,
  type DurableKeys,
  isDurable,
  planRestore,
  type RestoreResult,
} from "../../src/registry/backup.ts";
import { packGroups } from "../../src/registry/batches.ts";
import {
  contentRefChanges,
  droppedByWrites,
  droppedContents,
  rolloutContents,
  storedContents,
} from "../../src/registry/content-refs.ts";
import { decodeChange } from "../../src/registry/decode.ts";
// The etcd registry's transaction sizes decide how writes are batched in a watch: the same here.
import {
  MachineIdInUseError,
  PLACEMENTS_PER_TXN,
  STATES_PER_TXN,
} from "../../src/registry/etcd-registry.ts";
import { Keys } from "../../src/registry/keys.ts";
import { decodeRecord, encodeRecord, type RecordKind } from "../../src/registry/layout.ts";
import {
  type AnnouncementRecord,
  CLUSTER_RECORD,
  type MachineDrainRecord,
  type MachineRecord,
  type MetadataOverrides,
  type PlacementRecord,
  type RolloutRecord,
  type ScheduleStatusRecord,
  type TimerElapseRecord,
  type UnitRecord,
  type UnitStateRecord,
} from "../../src/registry/records.ts";
import type {
  Announcement,
  AnnouncementStatus,
  Change,
  Leadership,
  PlacementGroup,
  PlacementMove,
  Presence,
  Registry,
  Revision,
  RolloutListing,
  Snapshot,
  TakeOver,
  UnitLifecycle,
  UnitRewrite,
  UnitWrite,
  Versioned,
  WatchHandle,
  WatchHandlers,
  WriteResult,
} from "../../src/registry/registry.ts";
import { NO_LIFECYCLE } from "../../src/registry/registry.ts";

/** etcd raises a shorter TTL to this (its default, derived from the election timeout). */
const MIN_LEASE_TTL_SECONDS = 2;

const CONFLICT: WriteResult = { ok: false, reason: "conflict" };

interface Entry {
  value: string;
  create: Revision;
  mod: Revision;
  lease: string | undefined;
}

/** One operation of a transaction: a put when it has a value, else a delete. */
interface Op {
  key: string;
  value?: string;
  lease?: string;
}

interface Lease {
  id: string;
  ttlSeconds: number;
  keys: Set<string>;
  /** The client keeping it alive; without one it runs out at `expiresAt`. */
  keeper: MemoryRegistry | undefined;
  expiresAt: number;
  timer: NodeJS.Timeout | undefined;
  /** Told when the lease ends other than through its holder's own revoke, as etcd3's "lost". */
  onLost: (() => void) | undefined;
}

interface Watch {
  owner: MemoryRegistry;
  keys: Keys;
  handlers: WatchHandlers;
  onError: (error: unknown, context: string) => void;
  queue: { revision: Revision; changes: Change[] }[];
  flushing: boolean;
  closed: boolean;
}

interface Campaign {
  key: string;
  election: string;
  elect: () => void;
}

/** What one etcd holds; every client made with `sharing` reads and writes the same one. */
interface Store {
  entries: Map<string, Entry>;
  leases: Map<string, Lease>;
  watches: Set<Watch>;
  campaigns: Set<Campaign>;
  revision: Revision;
  leasesGranted: number;
}

export interface MemoryRegistryOptions {
  prefix?: string;
  /** Where watch handler failures are reported, as with the etcd registry. */
  onError?: (error: unknown, context: string) => void;
  /**
   * Another registry whose store this one shares, as a second process shares etcd: the same
   * keys, leases and elections, but its own watches and keep-alives, which end with its close().
   */
  sharing?: MemoryRegistry;
}

export class MemoryRegistry implements Registry {
  readonly prefix: string;
  private readonly keys: Keys;
  private readonly store: Store;
  private readonly onError: (error: unknown, context: string) => void;
  private closed = false;

  constructor(options: MemoryRegistryOptions = {}) {
    this.prefix = options.prefix ?? options.sharing?.prefix ?? "/flotilla-memory/";
    this.keys = new Keys(this.prefix);
    this.store = options.sharing?.store ?? {
      entries: new Map(),
      leases: new Map(),
      watches: new Set(),
      campaigns: new Set(),
      revision: 0,
      leasesGranted: 0,
    };
    this.onError = options.onError ?? (() => {});
  }

  /** The store, refused once closed, as a closed etcd client refuses calls. */
  private get etcd(): Store {
    if (this.closed) throw new ClientClosedError("KV");
    return this.store;
  }

  /** Test only: ends a lease now, as if its holder had stopped keeping it alive a TTL ago. */
  expireLease(leaseId: string): void {
    endLease(this.store, leaseId);
  }

  /** Test only: the machine's agent dies, its presence lease lapsing now (see expireLease). */
  expireMachine(id: string): void {
    const lease = this.store.entries.get(this.keys.machine(id))?.lease;
    if (lease !== undefined) endLease(this.store, lease);
  }

  /** Test only: a key as etcdctl would read it, Flotilla's or not (an announced key). */
  readKey(key: string): string | undefined {
    return this.store.entries.get(key)?.value;
  }

  async getUnit(name: string): Promise<Versioned<UnitRecord> | undefined> {
    return this.versioned<UnitRecord>("unit", this.keys.unit(name));
  }

  async getUnitText(hash: string): Promise<string | undefined> {
    return this.etcd.entries.get(this.keys.unitFile(hash))?.value;
  }

  async listUnitNames(namePrefix: string): Promise<string[]> {
    const base = this.keys.unitsNamed("");
    return keysUnder(this.etcd, this.keys.unitsNamed(namePrefix)).map((key) =>
      key.slice(base.length),
    );
  }

  async createUnit(
    unit: UnitRecord,
    text: string,
    template?: Versioned<UnitRecord>,
  ): Promise<WriteResult> {
    return this.writeUnits([{ kind: "create", record: unit, text, template }]);
  }

  async updateUnit(
    unit: UnitRecord,
    expected: Versioned<UnitRecord>,
    text?: string,
  ): Promise<WriteResult> {
    return this.writeUnits([{ kind: "update", record: unit, expected, text }]);
  }

  async writeUnits(writes: readonly UnitWrite[]): Promise<WriteResult> {
    const etcd = this.etcd;
    if (!writes.every((write) => this.stillAsRead(etcd, write))) return CONFLICT;
    const revision = commit(etcd, [
      ...writes.flatMap((write) => {
        if (write.kind === "create") return this.createOps(write.record);
        if (write.kind === "update") return this.rewriteOps(write);
        return [];
      }),
      ...[...storedContents(writes)].map(([hash, text]) => ({
        key: this.keys.unitFile(hash),
        value: text,
      })),
      ...(writes.some((write) => write.kind === "create")
        ? [{ key: this.keys.cluster(), value: encodeRecord("cluster", CLUSTER_RECORD) }]
        : []),
    ]);
    this.collectUnitTexts(droppedByWrites(writes));
    return written(revision);
  }

  /** Whether a unit's write holds, as the etcd registry compares it. */
  private stillAsRead(etcd: Store, write: UnitWrite): boolean {
    if (write.kind !== "create")
      return modOf(etcd, this.keys.unit(write.expected.value.name)) === write.expected.version;
    const { template } = write;
    return (
      !etcd.entries.has(this.keys.unit(write.record.name)) &&
      (!template || modOf(etcd, this.keys.unit(template.value.name)) === template.version)
    );
  }

  private createOps(unit: UnitRecord): Op[] {
    return [
      { key: this.keys.unit(unit.name), value: encodeRecord("unit", unit) },
      ...this.refOps(unit.name, undefined, unit),
    ];
  }

  /** Test hook: deletes the cluster record, as in a cluster from before it. */
  forgetClusterRecord(): void {
    commit(this.etcd, [{ key: this.keys.cluster() }]);
  }

  async recordClusterIfUnits(): Promise<void> {
    const etcd = this.etcd;
    if (etcd.entries.has(this.keys.cluster())) return;
    if (keysUnder(etcd, this.keys.unitsNamed("")).length === 0) return;
    commit(etcd, [{ key: this.keys.cluster(), value: encodeRecord("cluster", CLUSTER_RECORD) }]);
  }

  async readDurable(): Promise<DurableKeys> {
    const etcd = this.etcd;
    const entries = keysUnder(etcd, this.keys.prefix)
      .filter((key) => isDurable(this.keys, key))
      .map((key) => ({
        key: key.slice(this.keys.prefix.length),
        value: etcd.entries.get(key)?.value ?? "",
      }));
    return { revision: etcd.revision, entries };
  }

  async restoreDurable(backup: readonly DurableEntry[]): Promise<RestoreResult> {
    const { entries } = await this.readDurable();
    const plan = planRestore(this.keys, new Map(entries.map((e) => [e.key, e.value])), backup);
    if ("invalid" in plan) return { ok: false, invalid: plan.invalid };
    if ("conflicts" in plan) return { ok: false, conflicts: plan.conflicts };
    let written = 0;
    for (const batch of plan.batches) {
      const etcd = this.etcd;
      const taken = batch.filter((entry) => etcd.entries.has(this.keys.prefix + entry.key));
      if (taken.length > 0) return { ok: false, conflicts: taken.map((entry) => entry.key) };
      commit(
        etcd,
        batch.map((entry) => ({ key: this.keys.prefix + entry.key, value: entry.value })),
      );
      written += batch.length;
    }
    return { ok: true, written, unchanged: plan.unchanged };
  }

  async deleteUnit(expected: Versioned<UnitRecord>): Promise<WriteResult> {
    const etcd = this.etcd;
    const { name } = expected.value;
    const key = this.keys.unit(name);
    if (modOf(etcd, key) !== expected.version) return CONFLICT;
    const revision = commit(etcd, this.deleteOps(expected.value));
    this.collectUnitTexts(contentRefChanges(expected.value, undefined).dropped);
    return written(revision);
  }

  async getTimerElapse(name: string): Promise<Versioned<TimerElapseRecord> | undefined> {
    return this.versioned<TimerElapseRecord>("timer-elapse", this.keys.timerElapse(name));
  }

  async setTimerElapse(
    name: string,
    elapse: TimerElapseRecord,
    expected: Versioned<TimerElapseRecord> | undefined,
  ): Promise<WriteResult> {
    const etcd = this.etcd;
    const key = this.keys.timerElapse(name);
    if (modOf(etcd, key) !== (expected?.version ?? 0)) return CONFLICT;
    if (modOf(etcd, this.keys.unit(name)) === 0) return CONFLICT;
    return written(commit(etcd, [{ key, value: encodeRecord("timer-elapse", elapse) }]));
  }

  private deleteOps(unit: UnitRecord): Op[] {
    return [
      { key: this.keys.unit(unit.name) },
      { key: this.keys.placement(unit.name) },
      { key: this.keys.schedule(unit.name) },
      { key: this.keys.timerElapse(unit.name) },
      ...this.refOps(unit.name, unit, undefined),
    ];
  }

  /** A unit's references to content moved as its history changes, as the etcd registry's. */
  private refOps(
    name: string,
    before: UnitRecord | undefined,
    after: UnitRecord | undefined,
  ): Op[] {
    const { added, dropped } = contentRefChanges(before, after);
    return [
      ...added.map((hash) => ({ key: this.keys.unitFileRef(hash, name), value: "" })),
      ...dropped.map((hash) => ({ key: this.keys.unitFileRef(hash, name) })),
    ];
  }

  /** Each in a transaction of its own after the unit's, as the etcd registry collects content. */
  private collectUnitTexts(hashes: readonly string[]): void {
    for (const hash of hashes) {
      const key = this.keys.unitFile(hash);
      if (keysUnder(this.store, this.keys.unitFileRefs(hash)).length > 0) continue;
      if (this.store.entries.has(key)) commit(this.store, [{ key }]);
    }
  }

  async writePlacements(groups: readonly PlacementGroup[]): Promise<WriteResult[]> {
    const etcd = this.etcd;
    const results: WriteResult[] = [];
    for (const batch of packGroups(groups, PLACEMENTS_PER_TXN)) {
      const result = this.commitPlacements(etcd, batch.flat());
      if (result.ok || batch.length === 1) {
        for (const _ of batch) results.push(result);
        continue;
      }
      for (const group of batch) results.push(this.commitPlacements(etcd, group));
    }
    return results;
  }

  private commitPlacements(etcd: Store, moves: readonly PlacementMove[]): WriteResult {
    if (moves.length === 0) return CONFLICT;
    for (const move of moves) {
      const key = this.keys.placement(move.name);
      if (move.from ? modOf(etcd, key) !== move.from.version : etcd.entries.has(key))
        return CONFLICT;
      if (move.from?.machineGone && etcd.entries.has(this.keys.machine(move.from.machineId)))
        return CONFLICT;
      const drain = (id: string) => etcd.entries.has(this.keys.machineDrain(id));
      if (move.from?.machineDrained && !drain(move.from.machineId)) return CONFLICT;
      if (drain(move.machineId)) return CONFLICT;
    }
    const placedAt = new Date().toISOString();
    return written(
      commit(
        etcd,
        moves.flatMap((move): Op[] => [
          {
            key: this.keys.placement(move.name),
            value: encodeRecord("placement", { machineId: move.machineId, placedAt }),
          },
          { key: this.keys.schedule(move.name) },
        ]),
      ),
    );
  }

  async unplace(
    name: string,
    machineId: string,
    options: { ifMachineGone?: boolean; ifMachineDrained?: boolean } = {},
  ): Promise<WriteResult> {
    const etcd = this.etcd;
    const key = this.keys.placement(name);
    const entry = etcd.entries.get(key);
    if (!entry || decodeRecord<PlacementRecord>("placement", entry.value)?.machineId !== machineId)
      return CONFLICT;
    if (options.ifMachineGone && etcd.entries.has(this.keys.machine(machineId))) return CONFLICT;
    if (options.ifMachineDrained && !etcd.entries.has(this.keys.machineDrain(machineId)))
      return CONFLICT;
    return written(commit(etcd, [{ key }]));
  }

  async setScheduleStatus(name: string, reason: string | undefined): Promise<void> {
    const etcd = this.etcd;
    const key = this.keys.schedule(name);
    if (reason === undefined) {
      commit(etcd, [{ key }]);
      return;
    }
    if (!etcd.entries.has(this.keys.unit(name)) || etcd.entries.has(this.keys.placement(name)))
      return;
    const status: ScheduleStatusRecord = { reason, since: new Date().toISOString() };
    commit(etcd, [{ key, value: encodeRecord("schedule", status) }]);
  }

  async listRollouts(): Promise<RolloutListing> {
    const etcd = this.etcd;
    return {
      lock: modOf(etcd, this.keys.rolloutLock()),
      rollouts: keysUnder(etcd, this.keys.rollouts()).flatMap((key) => {
        const found = this.versioned<RolloutRecord>("rollout", key);
        return found ? [found] : [];
      }),
    };
  }

  async startRollout(
    rollout: RolloutRecord,
    start: {
      lock: Revision;
      text: string;
      fromHashes: readonly string[];
      units: readonly UnitRewrite[];
    },
  ): Promise<WriteResult> {
    const etcd = this.etcd;
    const key = this.keys.rollout(rollout.id);
    const lockKey = this.keys.rolloutLock();
    if (etcd.entries.has(key) || modOf(etcd, lockKey) !== start.lock) return CONFLICT;
    if (!this.unitsAt(etcd, start.units)) return CONFLICT;
    const refName = this.keys.rolloutRefName(rollout.id);
    const revision = commit(etcd, [
      { key, value: encodeRecord("rollout", rollout) },
      { key: lockKey, value: rollout.id },
      { key: this.keys.unitFile(rollout.toHash), value: start.text },
      ...[...new Set([rollout.toHash, ...start.fromHashes])].map((hash) => ({
        key: this.keys.unitFileRef(hash, refName),
        value: "",
      })),
      ...start.units.flatMap((unit) => this.rewriteOps(unit)),
    ]);
    this.collectUnitTexts(droppedContents(start.units));
    return written(revision);
  }

  async deleteRollout(expected: Versioned<RolloutRecord>): Promise<WriteResult> {
    const etcd = this.etcd;
    const { id } = expected.value;
    const key = this.keys.rollout(id);
    if (modOf(etcd, key) !== expected.version) return CONFLICT;
    const refName = this.keys.rolloutRefName(id);
    const contents = rolloutContents(expected.value);
    const revision = commit(etcd, [
      { key },
      ...contents.map((hash) => ({ key: this.keys.unitFileRef(hash, refName) })),
    ]);
    this.collectUnitTexts(contents);
    return written(revision);
  }

  async advanceRollout(
    expected: Versioned<RolloutRecord>,
    next: RolloutRecord,
    units: readonly UnitRewrite[],
    lifecycle: UnitLifecycle = NO_LIFECYCLE,
  ): Promise<WriteResult> {
    const etcd = this.etcd;
    const key = this.keys.rollout(next.id);
    if (modOf(etcd, key) !== expected.version || !this.unitsAt(etcd, units)) return CONFLICT;
    if (lifecycle.created.some((unit) => etcd.entries.has(this.keys.unit(unit.name))))
      return CONFLICT;
    if (
      lifecycle.deleted.some(
        (unit) => modOf(etcd, this.keys.unit(unit.value.name)) !== unit.version,
      )
    )
      return CONFLICT;
    const revision = commit(etcd, [
      { key, value: encodeRecord("rollout", next) },
      ...units.flatMap((unit) => this.rewriteOps(unit)),
      ...lifecycle.created.flatMap((unit) => this.createOps(unit)),
      ...lifecycle.deleted.flatMap((unit) => this.deleteOps(unit.value)),
    ]);
    this.collectUnitTexts(droppedContents(units));
    for (const unit of lifecycle.deleted)
      this.collectUnitTexts(contentRefChanges(unit.value, undefined).dropped);
    return written(revision);
  }

  private unitsAt(etcd: Store, units: readonly UnitRewrite[]): boolean {
    return units.every(
      (unit) => modOf(etcd, this.keys.unit(unit.record.name)) === unit.expected.version,
    );
  }

  private rewriteOps({ expected, record }: UnitRewrite): Op[] {
    return [
      { key: this.keys.unit(record.name), value: encodeRecord("unit", record) },
      ...this.refOps(record.name, expected.value, record),
    ];
  }

  /** Like etcd3's election: a key per candidate under a lease; the oldest key leads. */
  async campaign(candidate: string, ttlSeconds: number): Promise<Leadership> {
    const etcd = this.etcd;
    const lease = grant(etcd, ttlSeconds, this);
    const election = `election/${this.keys.election()}/`;
    const key = `${election}${lease.id}`;
    let loseLeadership = () => {};
    const lost = new Promise<void>((resolve) => {
      loseLeadership = resolve;
    });
    await new Promise<void>((resolve, reject) => {
      lease.onLost = () => {
        loseLeadership();
        reject(new EtcdLeaseInvalidError(lease.id));
      };
      commit(etcd, [{ key, value: candidate, lease: lease.id }]);
      etcd.campaigns.add({ key, election, elect: resolve });
      settleCampaigns(etcd);
    });
    return { lost, resign: () => this.revokeOwn(lease) };
  }

  async getMachine(id: string): Promise<MachineRecord | undefined> {
    return this.versioned<MachineRecord>("machine", this.keys.machine(id))?.value;
  }

  async getMetadataOverrides(id: string): Promise<Versioned<MetadataOverrides> | undefined> {
    return this.versioned<MetadataOverrides>("machine-metadata", this.keys.machineMetadata(id));
  }

  async setMetadataOverrides(
    id: string,
    overrides: MetadataOverrides,
    expected: Versioned<MetadataOverrides> | undefined,
  ): Promise<WriteResult> {
    const etcd = this.etcd;
    const key = this.keys.machineMetadata(id);
    if (modOf(etcd, key) !== (expected?.version ?? 0)) return CONFLICT;
    const write: Op =
      Object.keys(overrides).length === 0
        ? { key }
        : { key, value: encodeRecord("machine-metadata", overrides) };
    return written(commit(etcd, [write]));
  }

  async getMachineDrain(id: string): Promise<Versioned<MachineDrainRecord> | undefined> {
    return this.versioned<MachineDrainRecord>("machine-drain", this.keys.machineDrain(id));
  }

  async setMachineDrain(
    id: string,
    drain: MachineDrainRecord,
    expected: Versioned<MachineDrainRecord> | undefined,
  ): Promise<WriteResult> {
    const etcd = this.etcd;
    const key = this.keys.machineDrain(id);
    if (modOf(etcd, key) !== (expected?.version ?? 0)) return CONFLICT;
    return written(commit(etcd, [{ key, value: encodeRecord("machine-drain", drain) }]));
  }

  async clearMachineDrain(
    id: string,
    expected: Versioned<MachineDrainRecord>,
  ): Promise<WriteResult> {
    const etcd = this.etcd;
    const key = this.keys.machineDrain(id);
    if (modOf(etcd, key) !== expected.version) return CONFLICT;
    return written(commit(etcd, [{ key }]));
  }

  async announceMachine(
    machine: MachineRecord,
    ttlSeconds: number,
    takeOver?: TakeOver,
    beforeRetiring?: (presence: Presence) => Promise<void>,
  ): Promise<Presence> {
    const etcd = this.etcd;
    const lease = grant(etcd, ttlSeconds, this);
    const key = this.keys.machine(machine.id);
    const put: Op = { key, value: encodeRecord("machine", machine), lease: lease.id };
    const existing = etcd.entries.get(key);
    const record = existing && decodeRecord<MachineRecord>("machine", existing.value);
    // The predecessor's lease may run out while takeOver decides: then the id is free.
    const mayTake =
      !existing || (record !== null && record !== undefined && (await takeOver?.(record)));
    const now = etcd.entries.get(key);
    if (!mayTake || (now !== undefined && now !== existing)) {
      endLease(etcd, lease.id);
      throw new MachineIdInUseError(machine.id);
    }
    // A takeover moves the key to the new lease in one write, so the machine never vanishes;
    // revoking the predecessor's lease then takes its unit states.
    commit(etcd, [put]);
    const lost = new Promise<void>((resolve) => {
      lease.onLost = resolve;
    });
    const presence = { leaseId: lease.id, lost, revoke: () => this.revokeOwn(lease) };
    if (now?.lease !== undefined) {
      await beforeRetiring?.(presence);
      endLease(etcd, now.lease);
    }
    return presence;
  }

  /**
   * etcd3 stops its keep-alive and forgets the lease before asking etcd to revoke it: the
   * holder is never told of a loss it caused, and a second revoke does nothing.
   */
  private async revokeOwn(lease: Lease): Promise<void> {
    if (!this.store.leases.has(lease.id) || !lease.onLost) return;
    lease.onLost = undefined;
    endLease(this.etcd, lease.id);
  }

  async refreshMachine(presence: Presence, machine: MachineRecord): Promise<void> {
    commit(this.etcd, [
      {
        key: this.keys.machine(machine.id),
        value: encodeRecord("machine", machine),
        lease: presence.leaseId,
      },
    ]);
  }

  async reportUnitState(presence: Presence, state: UnitStateRecord): Promise<void> {
    commit(this.etcd, [
      {
        key: this.keys.state(state.name, state.machineId),
        value: encodeRecord("state", state),
        lease: presence.leaseId,
      },
    ]);
  }

  async reportUnitStates(
    presence: Presence,
    machineId: string,
    reports: readonly UnitStateRecord[],
    withdrawals: readonly string[],
  ): Promise<void> {
    const etcd = this.etcd;
    const operations: Op[] = [
      ...reports.map((state) => ({
        key: this.keys.state(state.name, machineId),
        value: encodeRecord("state", state),
        lease: presence.leaseId,
      })),
      ...withdrawals.map((name) => ({ key: this.keys.state(name, machineId) })),
    ];
    for (let at = 0; at < operations.length; at += STATES_PER_TXN) {
      commit(etcd, operations.slice(at, at + STATES_PER_TXN));
    }
  }

  async unitStatesOf(machineId: string): Promise<UnitStateRecord[]> {
    const states: UnitStateRecord[] = [];
    for (const [key, entry] of this.etcd.entries) {
      const ref = this.keys.parse(key);
      if (ref?.kind === "state" && ref.machineId === machineId)
        states.push(decodeRecord<UnitStateRecord>("state", entry.value) as UnitStateRecord);
    }
    return states;
  }

  async storedUnitStates(
    machineId: string,
    names: readonly string[],
  ): Promise<Map<string, UnitStateRecord>> {
    const etcd = this.etcd;
    const stored = new Map<string, UnitStateRecord>();
    for (const name of names) {
      const entry = etcd.entries.get(this.keys.state(name, machineId));
      const state = entry && decodeRecord<UnitStateRecord>("state", entry.value);
      if (state) stored.set(name, state);
    }
    return stored;
  }

  async announce(record: AnnouncementRecord): Promise<Announcement> {
    const recordKey = this.keys.announcement(record.key);
    const putBoth = (etcd: Store): Lease => {
      const lease = grant(etcd, record.ttlSeconds, undefined);
      commit(etcd, [
        { key: record.key, value: record.value, lease: lease.id },
        { key: recordKey, value: encodeRecord("announcement", record), lease: lease.id },
      ]);
      return lease;
    };
    let lease = putBoth(this.etcd);
    return {
      refresh: async () => {
        const etcd = this.etcd;
        const kept = etcd.leases.has(lease.id);
        if (kept) startExpiry(etcd, lease);
        if (kept && etcd.entries.get(record.key)?.value === record.value) return;
        // The old lease, renewed above or gone, is left to run out, as the etcd registry does.
        lease = putBoth(etcd);
      },
      withdraw: async () => {
        const etcd = this.etcd;
        commit(etcd, [{ key: record.key }, { key: recordKey }]);
        endLease(etcd, lease.id);
      },
    };
  }

  async listAnnouncements(): Promise<AnnouncementStatus[]> {
    const etcd = this.etcd;
    return keysUnder(etcd, this.keys.announcements()).map((key) => {
      const entry = etcd.entries.get(key) as Entry;
      const record = decodeRecord<AnnouncementRecord>(
        "announcement",
        entry.value,
      ) as AnnouncementRecord;
      const lease = entry.lease === undefined ? undefined : etcd.leases.get(entry.lease);
      // etcd answers whole seconds left, rounded down, and -1 for a lease it no longer has.
      const left = lease ? Math.trunc(remainingMs(lease) / 1000) : -1;
      return { ...record, remainingSeconds: Math.max(0, left) };
    });
  }

  async snapshot(): Promise<Snapshot> {
    return snapshotOf(this.etcd, this.keys);
  }

  async watch(handlers: WatchHandlers): Promise<WatchHandle> {
    // The etcd registry reads its snapshot first, so the reset never comes within this call.
    await Promise.resolve();
    const etcd = this.etcd;
    const watch: Watch = {
      owner: this,
      keys: this.keys,
      handlers,
      onError: this.onError,
      queue: [],
      flushing: false,
      closed: false,
    };
    etcd.watches.add(watch);
    guard(watch, "reset", () => handlers.reset(snapshotOf(etcd, this.keys)));
    // etcd's watch reports its first connection too.
    if (!watch.closed) guard(watch, "connection", () => handlers.connection?.(false));
    return { close: async () => closeWatch(this.store, watch) };
  }

  async ping(): Promise<Revision> {
    return this.etcd.revision;
  }

  /**
   * Like a client that goes away: its watches end, and the leases it kept alive run out a TTL
   * later, taking their keys (a machine, its unit states, a leader's election key).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const watch of this.store.watches) if (watch.owner === this) closeWatch(this.store, watch);
    for (const lease of this.store.leases.values()) {
      if (lease.keeper !== this) continue;
      lease.keeper = undefined;
      startExpiry(this.store, lease);
    }
  }

  private versioned<T>(kind: RecordKind, key: string): Versioned<T> | undefined {
    const entry = this.etcd.entries.get(key);
    return entry && { value: decodeRecord<T>(kind, entry.value) as T, version: entry.mod };
  }
}

/**
 * Applies a transaction whose conditions held: one revision for all of it, none when it changes
 * nothing, and one batch for each watch. Refused whole, as etcd refuses it, when it writes a
 * key twice or puts under a lease that is gone.
 */
function commit(store: Store, ops: readonly Op[]): Revision {
  const puts = new Set<string>();
  for (const op of ops) {
    if (op.value === undefined) continue;
    if (puts.has(op.key)) throw duplicateKey();
    puts.add(op.key);
    if (op.lease !== undefined && !store.leases.has(op.lease))
      throw new EtcdLeaseInvalidError(op.lease);
  }
  if (ops.some((op) => op.value === undefined && puts.has(op.key))) throw duplicateKey();
  const revision = store.revision + 1;
  const events: Op[] = [];
  for (const op of ops) {
    const existing = store.entries.get(op.key);
    if (op.value === undefined && !existing) continue;
    // A put without a lease detaches the key from its old one, as in etcd.
    if (existing?.lease !== undefined) store.leases.get(existing.lease)?.keys.delete(op.key);
    if (op.value === undefined) store.entries.delete(op.key);
    else {
      store.entries.set(op.key, {
        value: op.value,
        create: existing?.create ?? revision,
        mod: revision,
        lease: op.lease,
      });
      if (op.lease !== undefined) store.leases.get(op.lease)?.keys.add(op.key);
    }
    events.push(op);
  }
  if (events.length === 0) return store.revision;
  store.revision = revision;
  for (const watch of store.watches) {
    const changes = events.flatMap(
      (event) => decodeChange(watch.keys, event.key, event.value, revision) ?? [],
    );
    if (changes.length === 0) continue;
    watch.queue.push({ revision, changes });
    flush(watch);
  }
  settleCampaigns(store);
  return revision;
}

function duplicateKey(): Error {
  return new GRPCInvalidArgumentError("etcdserver: duplicate key given in txn request");
}

function written(revision: Revision): WriteResult {
  return { ok: true, revision };
}

/** A key's modification revision; 0 when absent, as etcd compares it. */
function modOf(store: Store, key: string): Revision {
  return store.entries.get(key)?.mod ?? 0;
}

/** In etcd's order: by the keys' bytes. */
function keysUnder(store: Store, prefix: string): string[] {
  return [...store.entries.keys()].filter((key) => key.startsWith(prefix)).sort(byteOrder);
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function snapshotOf(store: Store, keys: Keys): Snapshot {
  const changes = keysUnder(store, keys.prefix).flatMap((key) => {
    const entry = store.entries.get(key) as Entry;
    return decodeChange(keys, key, entry.value, entry.mod) ?? [];
  });
  return { revision: store.revision, changes };
}

function grant(store: Store, ttlSeconds: number, keeper: MemoryRegistry | undefined): Lease {
  if (!ttlSeconds || ttlSeconds < 1)
    throw new RangeError(`The TTL in an etcd lease must be at least 1 second. Got: ${ttlSeconds}`);
  store.leasesGranted += 1;
  const lease: Lease = {
    id: String(store.leasesGranted),
    ttlSeconds: Math.max(ttlSeconds, MIN_LEASE_TTL_SECONDS),
    keys: new Set(),
    keeper,
    expiresAt: 0,
    timer: undefined,
    onLost: undefined,
  };
  store.leases.set(lease.id, lease);
  if (!keeper) startExpiry(store, lease);
  return lease;
}

/** (Re)starts the TTL of a lease nobody keeps alive, as a keep-alive does in etcd. */
function startExpiry(store: Store, lease: Lease): void {
  clearTimeout(lease.timer);
  lease.expiresAt = Date.now() + lease.ttlSeconds * 1000;
  lease.timer = setTimeout(() => endLease(store, lease.id), lease.ttlSeconds * 1000);
  lease.timer.unref();
}

function remainingMs(lease: Lease): number {
  return lease.keeper ? lease.ttlSeconds * 1000 : lease.expiresAt - Date.now();
}

/** Revocation and expiry alike: the lease's keys go in one transaction, in key order. */
function endLease(store: Store, leaseId: string): void {
  const lease = store.leases.get(leaseId);
  if (!lease) return;
  clearTimeout(lease.timer);
  store.leases.delete(leaseId);
  commit(
    store,
    [...lease.keys].sort(byteOrder).map((key) => ({ key })),
  );
  lease.onLost?.();
}

/** Elects each waiting candidate whose key is now the oldest of its election. */
function settleCampaigns(store: Store): void {
  for (const campaign of store.campaigns) {
    const own = store.entries.get(campaign.key);
    if (!own) {
      store.campaigns.delete(campaign);
      continue;
    }
    const older = [...store.entries].some(
      ([key, entry]) => key.startsWith(campaign.election) && entry.create < own.create,
    );
    if (older) continue;
    store.campaigns.delete(campaign);
    campaign.elect();
  }
}

/** Delivers queued batches later, never inside the write that queued them. */
function flush(watch: Watch): void {
  if (watch.flushing) return;
  watch.flushing = true;
  setImmediate(() => {
    watch.flushing = false;
    for (let batch = watch.queue.shift(); batch && !watch.closed; batch = watch.queue.shift()) {
      const { revision, changes } = batch;
      guard(watch, "changes", () => watch.handlers.changes(revision, changes));
    }
  });
}

function closeWatch(store: Store, watch: Watch): void {
  watch.closed = true;
  watch.queue.length = 0;
  store.watches.delete(watch);
}

/** A failing handler is reported and never stops the watch, as in the etcd registry. */
function guard(watch: Watch, context: string, handler: () => void): void {
  try {
    handler();
  } catch (error) {
    watch.onError(error, `watch handler (${context})`);
  }
}
