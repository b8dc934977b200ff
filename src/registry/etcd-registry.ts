import { type Etcd3, type IKeyValue, Range, type Watcher } from "etcd3";
import { retry } from "../backoff.ts";
import {
  type DurableEntry,
  type DurableKeys,
  isDurable,
  planRestore,
  type RestoreResult,
} from "./backup.ts";
import { packGroups } from "./batches.ts";
import {
  contentRefChanges,
  droppedByWrites,
  droppedContents,
  rolloutContents,
  storedContents,
} from "./content-refs.ts";
import { decodeChange } from "./decode.ts";
import { WATCH_BACKOFF } from "./etcd-client.ts";
import { Keys } from "./keys.ts";
import { decodeRecord, encodeRecord, type RecordKind } from "./layout.ts";
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
} from "./records.ts";
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
} from "./registry.ts";
import { NO_LIFECYCLE } from "./registry.ts";

/** Attempts to announce a machine whose predecessor's key keeps changing underneath. */
const ANNOUNCE_ROUNDS = 5;
/** Keys read per range call while taking a snapshot, to stay far below gRPC's message limit. */
const SNAPSHOT_PAGE = 2000;
/**
 * Placements written per transaction by writePlacements: each is a compare, a put and a
 * delete, and etcd refuses more than 128 compares or operations in one transaction
 * (--max-txn-ops). A larger group is written in transactions of this many, in order.
 */
export const PLACEMENTS_PER_TXN = 50;
/** Unit states written or deleted per transaction by reportUnitStates (etcd allows 128). */
export const STATES_PER_TXN = 100;

/** One condition of a transaction, as etcd3's `if` and `and` take it. */
type Compare = Parameters<Etcd3["if"]>;

export class MachineIdInUseError extends Error {
  constructor(readonly machineId: string) {
    super(`machine id ${machineId} is already announced by another running agent`);
  }
}

export interface EtcdRegistryOptions {
  prefix: string;
  /** Where watch handler failures are reported; a failing handler never stops the watch. */
  onError?: (error: unknown, context: string) => void;
}

export class EtcdRegistry implements Registry {
  readonly prefix: string;
  private readonly keys: Keys;
  private readonly onError: (error: unknown, context: string) => void;

  constructor(
    private readonly client: Etcd3,
    options: EtcdRegistryOptions,
  ) {
    this.prefix = options.prefix;
    this.keys = new Keys(options.prefix);
    this.onError = options.onError ?? (() => {});
  }

  async getUnit(name: string): Promise<Versioned<UnitRecord> | undefined> {
    return this.getVersioned<UnitRecord>("unit", this.keys.unit(name));
  }

  async getUnitText(hash: string): Promise<string | undefined> {
    return (await this.client.get(this.keys.unitFile(hash)).string()) ?? undefined;
  }

  async listUnitNames(namePrefix: string): Promise<string[]> {
    const base = this.keys.unitsNamed("");
    const found = await this.client.getAll().prefix(this.keys.unitsNamed(namePrefix)).keys();
    return found.map((key) => key.slice(base.length));
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
    const [first, ...rest] = writes.flatMap((write) => this.unitCompares(write));
    if (!first) return { ok: true, revision: await this.ping() };
    const builder = this.client.if(...first);
    for (const compare of rest) builder.and(...compare);
    const result = await builder
      .then(
        ...writes.flatMap((write) => {
          if (write.kind === "create") return this.createOps(write.record);
          if (write.kind === "update") return this.rewriteOps(write);
          return [];
        }),
        // Each key once: etcd refuses a transaction that puts a key twice, and units written
        // together may share content. Every unit created puts the cluster record (see Keys.cluster).
        ...[...storedContents(writes)].map(([hash, text]) =>
          this.client.put(this.keys.unitFile(hash)).value(text),
        ),
        ...(writes.some((write) => write.kind === "create")
          ? [this.client.put(this.keys.cluster()).value(encodeRecord("cluster", CLUSTER_RECORD))]
          : []),
      )
      .commit();
    if (result.succeeded) await this.collectUnitTexts(droppedByWrites(writes));
    return writeResult(result);
  }

  /** What a unit's write holds on: the unit as read, and the template an instance is made from. */
  private unitCompares(write: UnitWrite): Compare[] {
    if (write.kind !== "create")
      return [[this.keys.unit(write.expected.value.name), "Mod", "==", write.expected.version]];
    const absent: Compare = [this.keys.unit(write.record.name), "Create", "==", 0];
    const { template } = write;
    if (!template) return [absent];
    return [absent, [this.keys.unit(template.value.name), "Mod", "==", template.version]];
  }

  /** A unit created, with its references to content; the content is put on its own. */
  private createOps(unit: UnitRecord) {
    return [
      this.client.put(this.keys.unit(unit.name)).value(encodeRecord("unit", unit)),
      ...this.refOps(unit.name, undefined, unit),
    ];
  }

  async recordClusterIfUnits(): Promise<void> {
    const [cluster, units] = await Promise.all([
      this.client.get(this.keys.cluster()).exec(),
      this.client.getAll().prefix(this.keys.unitsNamed("")).limit(1).keys(),
    ]);
    if (cluster.kvs.length > 0 || units.length === 0) return;
    await this.client
      .if(this.keys.cluster(), "Create", "==", 0)
      .then(this.client.put(this.keys.cluster()).value(encodeRecord("cluster", CLUSTER_RECORD)))
      .commit();
  }

  async readDurable(): Promise<DurableKeys> {
    const entries: DurableEntry[] = [];
    const revision = await this.readAll((kv) => {
      const key = kv.key.toString();
      if (isDurable(this.keys, key))
        entries.push({ key: key.slice(this.prefix.length), value: kv.value.toString() });
    });
    return { revision, entries };
  }

  async restoreDurable(backup: readonly DurableEntry[]): Promise<RestoreResult> {
    const { entries } = await this.readDurable();
    const plan = planRestore(this.keys, new Map(entries.map((e) => [e.key, e.value])), backup);
    if ("invalid" in plan) return { ok: false, invalid: plan.invalid };
    if ("conflicts" in plan) return { ok: false, conflicts: plan.conflicts };
    let written = 0;
    for (const batch of plan.batches) {
      // Each key only where it is still absent: a writer that came in between wins, and the
      // restore says so instead of overwriting it.
      const keys = batch.map((entry) => this.prefix + entry.key);
      const builder = this.client.if(keys[0] as string, "Create", "==", 0);
      for (const key of keys.slice(1)) builder.and(key, "Create", "==", 0);
      const result = await builder
        .then(...batch.map((entry, i) => this.client.put(keys[i] as string).value(entry.value)))
        .commit();
      if (!result.succeeded) {
        const taken = await Promise.all(keys.map((key) => this.client.get(key).exec()));
        return {
          ok: false,
          conflicts: batch.filter((_, i) => (taken[i]?.kvs.length ?? 0) > 0).map((e) => e.key),
        };
      }
      written += batch.length;
    }
    return { ok: true, written, unchanged: plan.unchanged };
  }

  async deleteUnit(expected: Versioned<UnitRecord>): Promise<WriteResult> {
    const { name } = expected.value;
    const key = this.keys.unit(name);
    const result = await this.client
      .if(key, "Mod", "==", expected.version)
      .then(...this.deleteOps(expected.value))
      .commit();
    if (result.succeeded)
      await this.collectUnitTexts(contentRefChanges(expected.value, undefined).dropped);
    return writeResult(result);
  }

  async getTimerElapse(name: string): Promise<Versioned<TimerElapseRecord> | undefined> {
    return this.getVersioned<TimerElapseRecord>("timer-elapse", this.keys.timerElapse(name));
  }

  async setTimerElapse(
    name: string,
    elapse: TimerElapseRecord,
    expected: Versioned<TimerElapseRecord> | undefined,
  ): Promise<WriteResult> {
    const key = this.keys.timerElapse(name);
    // Only while the timer exists: a claim racing its deletion must not outlive it.
    const result = await this.client
      .if(key, "Mod", "==", expected?.version ?? 0)
      .and(this.keys.unit(name), "Create", ">", 0)
      .then(this.client.put(key).value(encodeRecord("timer-elapse", elapse)))
      .commit();
    return writeResult(result);
  }

  /**
   * A unit gone, with its placement, its schedule status, a timer's last elapse and its
   * references to content.
   */
  private deleteOps(unit: UnitRecord) {
    return [
      this.client.delete().key(this.keys.unit(unit.name)),
      this.client.delete().key(this.keys.placement(unit.name)),
      this.client.delete().key(this.keys.schedule(unit.name)),
      this.client.delete().key(this.keys.timerElapse(unit.name)),
      ...this.refOps(unit.name, unit, undefined),
    ];
  }

  /** A unit's references to content moved as its history changes (see contentRefChanges). */
  private refOps(name: string, before: UnitRecord | undefined, after: UnitRecord | undefined) {
    const { added, dropped } = contentRefChanges(before, after);
    return [
      ...added.map((hash) => this.client.put(this.keys.unitFileRef(hash, name)).value("")),
      ...dropped.map((hash) => this.client.delete().key(this.keys.unitFileRef(hash, name))),
    ];
  }

  private async collectUnitTexts(hashes: readonly string[]): Promise<void> {
    for (const hash of hashes) await this.collectUnitText(hash);
  }

  /**
   * Deletes content no unit refers to any more. A unit created meanwhile re-puts the
   * content in its own transaction, which changes its revision and makes this one fail.
   */
  private async collectUnitText(hash: string): Promise<void> {
    const contentKey = this.keys.unitFile(hash);
    const [refs, content] = await Promise.all([
      this.client.getAll().prefix(this.keys.unitFileRefs(hash)).limit(1).keys(),
      this.client.get(contentKey).exec(),
    ]);
    const kv = content.kvs[0];
    if (refs.length > 0 || !kv) return;
    await this.client
      .if(contentKey, "Mod", "==", kv.mod_revision)
      .then(this.client.delete().key(contentKey))
      .commit();
  }

  async getMachine(id: string): Promise<MachineRecord | undefined> {
    return (await this.getVersioned<MachineRecord>("machine", this.keys.machine(id)))?.value;
  }

  async getMetadataOverrides(id: string): Promise<Versioned<MetadataOverrides> | undefined> {
    return this.getVersioned<MetadataOverrides>("machine-metadata", this.keys.machineMetadata(id));
  }

  async setMetadataOverrides(
    id: string,
    overrides: MetadataOverrides,
    expected: Versioned<MetadataOverrides> | undefined,
  ): Promise<WriteResult> {
    const key = this.keys.machineMetadata(id);
    const write =
      Object.keys(overrides).length === 0
        ? this.client.delete().key(key)
        : this.client.put(key).value(encodeRecord("machine-metadata", overrides));
    const result = await this.client
      .if(key, "Mod", "==", expected?.version ?? 0)
      .then(write)
      .commit();
    return writeResult(result);
  }

  async getMachineDrain(id: string): Promise<Versioned<MachineDrainRecord> | undefined> {
    return this.getVersioned<MachineDrainRecord>("machine-drain", this.keys.machineDrain(id));
  }

  async setMachineDrain(
    id: string,
    drain: MachineDrainRecord,
    expected: Versioned<MachineDrainRecord> | undefined,
  ): Promise<WriteResult> {
    const key = this.keys.machineDrain(id);
    const result = await this.client
      .if(key, "Mod", "==", expected?.version ?? 0)
      .then(this.client.put(key).value(encodeRecord("machine-drain", drain)))
      .commit();
    return writeResult(result);
  }

  async clearMachineDrain(
    id: string,
    expected: Versioned<MachineDrainRecord>,
  ): Promise<WriteResult> {
    const key = this.keys.machineDrain(id);
    const result = await this.client
      .if(key, "Mod", "==", expected.version)
      .then(this.client.delete().key(key))
      .commit();
    return writeResult(result);
  }

  async announceMachine(
    machine: MachineRecord,
    ttlSeconds: number,
    takeOver?: TakeOver,
    beforeRetiring?: (presence: Presence) => Promise<void>,
  ): Promise<Presence> {
    const lease = this.client.lease(ttlSeconds, { autoKeepAlive: true });
    const lost = new Promise<void>((resolve) => lease.on("lost", () => resolve()));
    const leaseId = await lease.grant();
    const presence: Presence = {
      leaseId,
      lost,
      revoke: async () => {
        if (!lease.revoked()) await lease.revoke();
      },
    };
    const key = this.keys.machine(machine.id);
    const create = () =>
      this.client
        .if(key, "Create", "==", 0)
        .then(this.client.put(key).value(encodeRecord("machine", machine)).lease(leaseId))
        .commit();
    // A predecessor's key can vanish (its lease running out) between any two of these steps;
    // each such loss sends the announcement round again, a bounded number of times.
    let announced = false;
    for (let round = 0; round < ANNOUNCE_ROUNDS && !announced; round++) {
      if ((await create()).succeeded) {
        announced = true;
        break;
      }
      const existing = (await this.client.get(key).exec()).kvs[0];
      if (!existing) continue;
      const record = decodeRecord<MachineRecord>("machine", existing.value.toString());
      if (!record || !(await takeOver?.(record))) break;
      // Moving the key to our lease in one step: it never disappears, so the engine never
      // sees the machine leave. Revoking the predecessor's lease then takes its unit states.
      const moved = await this.client
        .if(key, "Mod", "==", existing.mod_revision)
        .then(this.client.put(key).value(encodeRecord("machine", machine)).lease(leaseId))
        .commit();
      if (moved.succeeded) {
        announced = true;
        await beforeRetiring?.(presence);
        await this.client.leaseClient.leaseRevoke({ ID: existing.lease }).catch(() => {});
      }
    }
    if (!announced) {
      await lease.revoke();
      throw new MachineIdInUseError(machine.id);
    }
    return presence;
  }

  async writePlacements(groups: readonly PlacementGroup[]): Promise<WriteResult[]> {
    const results: WriteResult[] = [];
    for (const batch of packGroups(groups, PLACEMENTS_PER_TXN)) {
      const [only] = batch;
      if (batch.length === 1 && only) {
        results.push(await this.commitGroup(only));
        continue;
      }
      const result = await this.commitPlacements(batch.flat());
      if (result.ok) {
        for (const _ of batch) results.push(result);
        continue;
      }
      // One group's compare failed (another leader, or a change the view had not seen yet):
      // the others are written each on its own.
      for (const group of batch) results.push(await this.commitGroup(group));
    }
    return results;
  }

  /**
   * One group, in one transaction when it fits. A group too large for one (a unit with more
   * sidekicks than a transaction holds) is written in order, a transaction at a time, and
   * stops at the first that fails: a group's units come in decision order, a MachineOf target
   * before the units beside it, so what was written holds on its own, and the next pass places
   * the rest beside it.
   */
  private async commitGroup(group: readonly PlacementMove[]): Promise<WriteResult> {
    let result: WriteResult = { ok: false, reason: "conflict" };
    for (let start = 0; start < group.length; start += PLACEMENTS_PER_TXN) {
      result = await this.commitPlacements(group.slice(start, start + PLACEMENTS_PER_TXN));
      if (!result.ok) return result;
    }
    return result;
  }

  private async commitPlacements(moves: readonly PlacementMove[]): Promise<WriteResult> {
    const [first, ...rest] = moves;
    if (!first) return { ok: false, reason: "conflict" };
    const placedAt = new Date().toISOString();
    const key = (move: PlacementMove) => this.keys.placement(move.name);
    const builder = first.from
      ? this.client.if(key(first), "Mod", "==", first.from.version)
      : this.client.if(key(first), "Create", "==", 0);
    for (const move of rest) {
      if (move.from) builder.and(key(move), "Mod", "==", move.from.version);
      else builder.and(key(move), "Create", "==", 0);
    }
    // A move off a machine that vanished holds only while it is still gone: an agent that
    // announced itself again meanwhile keeps its units.
    const gone = new Set(
      moves.flatMap((move) => (move.from?.machineGone ? [move.from.machineId] : [])),
    );
    for (const machineId of gone) builder.and(this.keys.machine(machineId), "Create", "==", 0);
    // A move off a drained machine holds only while the drain does; no unit goes to one.
    const drained = new Set(
      moves.flatMap((move) => (move.from?.machineDrained ? [move.from.machineId] : [])),
    );
    for (const machineId of drained)
      builder.and(this.keys.machineDrain(machineId), "Create", ">", 0);
    for (const machineId of new Set(moves.map((move) => move.machineId)))
      builder.and(this.keys.machineDrain(machineId), "Create", "==", 0);
    const result = await builder
      .then(
        ...moves.flatMap((move) => [
          this.client
            .put(this.keys.placement(move.name))
            .value(encodeRecord("placement", { machineId: move.machineId, placedAt })),
          this.client.delete().key(this.keys.schedule(move.name)),
        ]),
      )
      .commit();
    return writeResult(result);
  }

  async unplace(
    name: string,
    machineId: string,
    options: { ifMachineGone?: boolean; ifMachineDrained?: boolean } = {},
  ): Promise<WriteResult> {
    const key = this.keys.placement(name);
    const kv = (await this.client.get(key).exec()).kvs[0];
    if (
      !kv ||
      decodeRecord<PlacementRecord>("placement", kv.value.toString())?.machineId !== machineId
    ) {
      return { ok: false, reason: "conflict" };
    }
    const builder = this.client.if(key, "Mod", "==", kv.mod_revision);
    if (options.ifMachineGone) builder.and(this.keys.machine(machineId), "Create", "==", 0);
    if (options.ifMachineDrained) builder.and(this.keys.machineDrain(machineId), "Create", ">", 0);
    const result = await builder.then(this.client.delete().key(key)).commit();
    return writeResult(result);
  }

  async setScheduleStatus(name: string, reason: string | undefined): Promise<void> {
    const key = this.keys.schedule(name);
    if (reason === undefined) {
      await this.client.delete().key(key).exec();
      return;
    }
    const status: ScheduleStatusRecord = { reason, since: new Date().toISOString() };
    // Only for a unit that exists and is not placed, so that a late write cannot outlive either.
    await this.client
      .if(this.keys.unit(name), "Create", ">", 0)
      .and(this.keys.placement(name), "Create", "==", 0)
      .then(this.client.put(key).value(encodeRecord("schedule", status)))
      .commit();
  }

  async listRollouts(): Promise<RolloutListing> {
    // The lock first: a rollout created after this read bumps it, and fails the start.
    const lock = await this.client.get(this.keys.rolloutLock()).exec();
    const found = await this.client.getAll().prefix(this.keys.rollouts()).exec();
    return {
      lock: Number(lock.kvs[0]?.mod_revision ?? 0),
      // Decoded as the watch decodes them: a corrupt one is left out, not a failed read.
      rollouts: found.kvs.flatMap((kv) => {
        const change = decodeChange(
          this.keys,
          kv.key.toString(),
          kv.value.toString(),
          Number(kv.mod_revision),
        );
        return change?.kind === "rollout" && change.value && change.version !== undefined
          ? [{ value: change.value, version: change.version }]
          : [];
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
    const key = this.keys.rollout(rollout.id);
    const lockKey = this.keys.rolloutLock();
    const refName = this.keys.rolloutRefName(rollout.id);
    const builder = this.client.if(key, "Create", "==", 0).and(lockKey, "Mod", "==", start.lock);
    for (const unit of start.units)
      builder.and(this.keys.unit(unit.record.name), "Mod", "==", unit.expected.version);
    const result = await builder
      .then(
        this.client.put(key).value(encodeRecord("rollout", rollout)),
        this.client.put(lockKey).value(rollout.id),
        this.client.put(this.keys.unitFile(rollout.toHash)).value(start.text),
        ...[...new Set([rollout.toHash, ...start.fromHashes])].map((hash) =>
          this.client.put(this.keys.unitFileRef(hash, refName)).value(""),
        ),
        ...start.units.flatMap((unit) => this.rewriteOps(unit)),
      )
      .commit();
    if (result.succeeded) await this.collectUnitTexts(droppedContents(start.units));
    return writeResult(result);
  }

  async advanceRollout(
    expected: Versioned<RolloutRecord>,
    next: RolloutRecord,
    units: readonly UnitRewrite[],
    lifecycle: UnitLifecycle = NO_LIFECYCLE,
  ): Promise<WriteResult> {
    const key = this.keys.rollout(next.id);
    const builder = this.client.if(key, "Mod", "==", expected.version);
    for (const unit of units)
      builder.and(this.keys.unit(unit.record.name), "Mod", "==", unit.expected.version);
    for (const unit of lifecycle.created) builder.and(this.keys.unit(unit.name), "Create", "==", 0);
    for (const unit of lifecycle.deleted)
      builder.and(this.keys.unit(unit.value.name), "Mod", "==", unit.version);
    const result = await builder
      .then(
        this.client.put(key).value(encodeRecord("rollout", next)),
        ...units.flatMap((unit) => this.rewriteOps(unit)),
        ...lifecycle.created.flatMap((unit) => this.createOps(unit)),
        ...lifecycle.deleted.flatMap((unit) => this.deleteOps(unit.value)),
      )
      .commit();
    if (result.succeeded) {
      await this.collectUnitTexts(droppedContents(units));
      for (const unit of lifecycle.deleted)
        await this.collectUnitTexts(contentRefChanges(unit.value, undefined).dropped);
    }
    return writeResult(result);
  }

  /**
   * A unit's record rewritten, its content references moved as its history changes. The
   * content is put on its own: in a rollout's step it is there already, referenced by the
   * rollout.
   */
  private rewriteOps({ expected, record }: UnitRewrite) {
    return [
      this.client.put(this.keys.unit(record.name)).value(encodeRecord("unit", record)),
      ...this.refOps(record.name, expected.value, record),
    ];
  }

  async deleteRollout(expected: Versioned<RolloutRecord>): Promise<WriteResult> {
    const { id } = expected.value;
    const refName = this.keys.rolloutRefName(id);
    const contents = rolloutContents(expected.value);
    const result = await this.client
      .if(this.keys.rollout(id), "Mod", "==", expected.version)
      .then(
        this.client.delete().key(this.keys.rollout(id)),
        ...contents.map((hash) => this.client.delete().key(this.keys.unitFileRef(hash, refName))),
      )
      .commit();
    if (result.succeeded) await this.collectUnitTexts(contents);
    return writeResult(result);
  }

  async campaign(candidate: string, ttlSeconds: number): Promise<Leadership> {
    const campaign = this.client.election(this.keys.election(), ttlSeconds).campaign(candidate);
    const lost = new Promise<void>((resolve) => campaign.on("error", () => resolve()));
    await new Promise<void>((resolve, reject) => {
      campaign.on("elected", () => resolve());
      campaign.on("error", reject);
    });
    return { lost, resign: () => campaign.resign() };
  }

  async refreshMachine(presence: Presence, machine: MachineRecord): Promise<void> {
    await this.client
      .put(this.keys.machine(machine.id))
      .value(encodeRecord("machine", machine))
      .lease(presence.leaseId)
      .exec();
  }

  async reportUnitState(presence: Presence, state: UnitStateRecord): Promise<void> {
    await this.client
      .put(this.keys.state(state.name, state.machineId))
      .value(encodeRecord("state", state))
      .lease(presence.leaseId)
      .exec();
  }

  async reportUnitStates(
    presence: Presence,
    machineId: string,
    reports: readonly UnitStateRecord[],
    withdrawals: readonly string[],
  ): Promise<void> {
    const operations = [
      ...reports.map((state) =>
        this.client
          .put(this.keys.state(state.name, machineId))
          .value(encodeRecord("state", state))
          .lease(presence.leaseId),
      ),
      ...withdrawals.map((name) => this.client.delete().key(this.keys.state(name, machineId))),
    ];
    for (let at = 0; at < operations.length; at += STATES_PER_TXN) {
      const chunk = operations.slice(at, at + STATES_PER_TXN);
      await this.client
        .if(this.keys.machine(machineId), "Version", ">", -1) // always true: the builder needs one
        .then(...chunk)
        .commit();
    }
  }

  async unitStatesOf(machineId: string): Promise<UnitStateRecord[]> {
    const keys = await this.client.getAll().prefix(this.keys.states()).keys();
    const names: string[] = [];
    for (const key of keys) {
      const ref = this.keys.parse(key);
      if (ref?.kind === "state" && ref.machineId === machineId) names.push(ref.name);
    }
    const stored = await this.storedUnitStates(machineId, names);
    return [...stored.values()];
  }

  async storedUnitStates(
    machineId: string,
    names: readonly string[],
  ): Promise<Map<string, UnitStateRecord>> {
    const stored = new Map<string, UnitStateRecord>();
    for (let at = 0; at < names.length; at += STATES_PER_TXN) {
      const chunk = names.slice(at, at + STATES_PER_TXN);
      const result = await this.client
        .if(this.keys.machine(machineId), "Version", ">", -1) // always true: one read of all
        .then(...chunk.map((name) => this.client.get(this.keys.state(name, machineId))))
        .commit();
      chunk.forEach((name, i) => {
        const kv = result.responses[i]?.response_range?.kvs[0];
        const state = kv && decodeRecord<UnitStateRecord>("state", kv.value.toString());
        if (state) stored.set(name, state);
      });
    }
    return stored;
  }

  async announce(record: AnnouncementRecord): Promise<Announcement> {
    const recordKey = this.keys.announcement(record.key);
    let lease = this.client.lease(record.ttlSeconds, { autoKeepAlive: false });
    const putBoth = async () => {
      const leaseId = await lease.grant();
      await this.client
        .if(recordKey, "Version", ">", -1) // always true: the builder needs a condition

        .then(
          this.client.put(record.key).value(record.value).lease(leaseId),
          this.client.put(recordKey).value(encodeRecord("announcement", record)).lease(leaseId),
        )
        .commit();
    };
    await putBoth();
    return {
      refresh: async () => {
        const kept = await lease.keepaliveOnce().catch(() => undefined);
        const current = await this.client.get(record.key).string();
        if (kept && Number(kept.TTL) > 0 && current === record.value) return;
        // The lease ran out (etcd was unreachable for a whole TTL) or someone changed the key.
        lease.release();
        lease = this.client.lease(record.ttlSeconds, { autoKeepAlive: false });
        await putBoth();
      },
      withdraw: async () => {
        await this.client
          .if(recordKey, "Version", ">", -1) // always true: both keys go in one transaction
          .then(this.client.delete().key(record.key), this.client.delete().key(recordKey))
          .commit();
        await lease.revoke().catch(() => {});
      },
    };
  }

  async listAnnouncements(): Promise<AnnouncementStatus[]> {
    const response = await this.client.getAll().prefix(this.keys.announcements()).exec();
    const found = await Promise.all(
      response.kvs.map(async (kv) => {
        const record = decodeRecord<AnnouncementRecord>("announcement", kv.value.toString());
        if (!record) return [];
        const lease = await this.client.leaseClient.leaseTimeToLive({ ID: kv.lease });
        return [{ ...record, remainingSeconds: Math.max(0, Number(lease.TTL)) }];
      }),
    );
    return found.flat();
  }

  async snapshot(): Promise<Snapshot> {
    const changes: Change[] = [];
    const revision = await this.readAll((kv) => {
      const change = this.decode(kv);
      if (change) changes.push(change);
    });
    return { revision, changes };
  }

  /** Every key under the prefix, page by page at the first page's revision; that revision. */
  private async readAll(visit: (kv: IKeyValue) => void): Promise<Revision> {
    const whole = Range.prefix(this.prefix);
    let revision: string | undefined;
    let start: Buffer = whole.start;
    for (;;) {
      const query = this.client.getAll().inRange(new Range(start, whole.end)).limit(SNAPSHOT_PAGE);
      if (revision !== undefined) query.revision(revision);
      const page = await query.exec();
      revision ??= page.header.revision;
      for (const kv of page.kvs) visit(kv);
      const last = page.kvs.at(-1);
      if (!page.more || !last) break;
      start = Buffer.concat([last.key, Buffer.from([0])]);
    }
    return Number(revision);
  }

  async watch(handlers: WatchHandlers): Promise<WatchHandle> {
    const resilient = new ResilientWatch(this, this.client, handlers, this.onError);
    await resilient.start();
    return resilient;
  }

  /** Decodes a key of this registry (its value absent for a deletion); for the watch too. */
  decode(kv: IKeyValue, deleted = false): Change | undefined {
    const value = deleted ? undefined : kv.value.toString();
    return decodeChange(this.keys, kv.key.toString(), value, Number(kv.mod_revision));
  }

  async ping(): Promise<Revision> {
    const response = await this.client.get(this.keys.election()).exec();
    return Number(response.header.revision);
  }

  async close(): Promise<void> {
    this.client.close();
  }

  private async getVersioned<T>(kind: RecordKind, key: string): Promise<Versioned<T> | undefined> {
    const response = await this.client.get(key).exec();
    const kv = response.kvs[0];
    if (!kv) return undefined;
    const value = decodeRecord<T>(kind, kv.value.toString());
    if (value === undefined) throw new Error(`${key} does not hold a record`);
    return { value, version: Number(kv.mod_revision) };
  }
}

function writeResult(result: { succeeded: boolean; header: { revision: string } }): WriteResult {
  return result.succeeded
    ? { ok: true, revision: Number(result.header.revision) }
    : { ok: false, reason: "conflict" };
}

/**
 * A watch over the whole prefix that survives everything etcd does to it: on reconnect the
 * client library resumes from the last revision seen; when etcd cancels the watch (its
 * revision was compacted) this re-lists, hands the handlers a fresh snapshot, and watches
 * again from there.
 */
class ResilientWatch implements WatchHandle {
  private watcher: Watcher | undefined;
  /** Ends start()'s wait for a watch that is still connecting. */
  private stopConnecting: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly registry: EtcdRegistry,
    private readonly client: Etcd3,
    private readonly handlers: WatchHandlers,
    private readonly onError: (error: unknown, context: string) => void,
  ) {}

  async start(): Promise<void> {
    const snapshot = await this.registry.snapshot();
    if (this.closed) return;
    this.guard("reset", () => this.handlers.reset(snapshot));
    // A handler may close the watch.
    if (this.closed) return;
    // Built and attached before it connects, so that close() can cancel a watch that is still
    // connecting (the library's create() would wait for etcd forever), and so that no event
    // can come before the listeners.
    const watcher = this.client
      .watch()
      .prefix(this.registry.prefix)
      .startRevision(String(snapshot.revision + 1))
      .watcher();
    this.watcher = watcher;
    let connecting = true;
    watcher.on("data", (response) => {
      const batches = new Map<number, Change[]>();
      for (const event of response.events) {
        const revision = Number(event.kv.mod_revision);
        const change = this.decodeEvent(event.type, event.kv);
        if (!change) continue;
        const batch = batches.get(revision) ?? [];
        batch.push(change);
        batches.set(revision, batch);
      }
      for (const [revision, changes] of batches) {
        this.guard("changes", () => this.handlers.changes(revision, changes));
      }
    });
    watcher.on("disconnected", () =>
      this.guard("connection", () => this.handlers.connection?.(true)),
    );
    watcher.on("connected", () =>
      this.guard("connection", () => this.handlers.connection?.(false)),
    );
    try {
      await new Promise<void>((resolve, reject) => {
        this.stopConnecting = resolve;
        watcher.once("connected", () => resolve());
        watcher.on("error", (error) => {
          if (connecting) {
            reject(error);
            return;
          }
          this.onError(error, "watch cancelled by etcd; re-listing");
          void this.restart();
        });
      });
    } catch (error) {
      this.watcher = undefined;
      void watcher.cancel().catch(() => {});
      throw error;
    } finally {
      connecting = false;
      this.stopConnecting = undefined;
    }
  }

  private decodeEvent(type: string, kv: IKeyValue): Change | undefined {
    return this.registry.decode(kv, type.toLowerCase() === "delete");
  }

  private async restart(): Promise<void> {
    const old = this.watcher;
    this.watcher = undefined;
    // etcd has already cancelled it; waiting for the library to confirm can hang.
    void old?.cancel().catch(() => {});
    await retry(() => this.start(), {
      backoff: WATCH_BACKOFF,
      stopped: () => this.closed,
      onRetry: (error) => this.onError(error, "re-listing after a cancelled watch"),
    });
  }

  private guard(context: string, handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.onError(error, `watch handler (${context})`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopConnecting?.();
    await this.watcher?.cancel();
  }
}
