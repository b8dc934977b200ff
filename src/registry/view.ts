import type { SchedulerUnit } from "../scheduler/cluster-index.ts";
import type { ClusterState } from "../scheduler/cluster-state.ts";
import { SortedNames } from "../scheduler/sorted-names.ts";
import type {
  ClusterRecord,
  MachineDrainRecord,
  MachineRecord,
  MetadataOverrides,
  PlacementRecord,
  RolloutRecord,
  ScheduleStatusRecord,
  UnitRecord,
  UnitStateRecord,
} from "./records.ts";
import type { Change, Registry, Revision, Snapshot, Versioned, WatchHandle } from "./registry.ts";
import { UnitSpecs } from "./unit-specs.ts";

export type ViewListener = (revision: Revision, changes: readonly Change[]) => void;

/**
 * All cluster state in memory, fed by one etcd watch. API reads are served from here;
 * writes go to etcd and then wait until the view has seen their revision, so a client
 * reads its own writes.
 */
export class ClusterView implements ClusterState {
  revision: Revision = 0;
  /**
   * How many times the view was reset to a fresh snapshot (at start, and when the watch was
   * cancelled and re-listed): listeners that keep derived state rebuild it when this changes,
   * since a reset does not list what was deleted meanwhile.
   */
  resets = 0;
  /** False while the watch has lost etcd; reads may then be stale. */
  connected = false;
  /** When (Date.now()) the watch last reached etcd again, or first did. */
  connectedSince = 0;

  readonly units = new Map<string, UnitRecord>();
  /** Each unit's modification revision, for writes that compare what the view holds. */
  readonly unitVersions = new Map<string, Revision>();
  readonly unitNames = new SortedNames();
  readonly unitTexts = new Map<string, string>();
  readonly placements = new Map<string, PlacementRecord>();
  /** Each placement's modification revision, for moves that compare what the view holds. */
  readonly placementVersions = new Map<string, Revision>();
  readonly unitsByMachine = new Map<string, Set<string>>();
  readonly scheduleStatus = new Map<string, ScheduleStatusRecord>();
  readonly machines = new Map<string, MachineRecord>();
  readonly metadataOverrides = new Map<string, MetadataOverrides>();
  /** Drained machines, present or not: a drain outlives the agent. */
  readonly drains = new Map<string, MachineDrainRecord>();
  readonly states = new Map<string, Map<string, UnitStateRecord>>();
  readonly rollouts = new Map<string, Versioned<RolloutRecord>>();
  /** The cluster record (see Keys.cluster); absent in an etcd that lost, or never had, a cluster. */
  cluster: ClusterRecord | undefined;
  private readonly reportsByMachine = new Map<string, Set<string>>();

  private readonly listeners = new Set<ViewListener>();
  private readonly waiters: { revision: Revision; resolve: () => void }[] = [];
  private watch: WatchHandle | undefined;

  /** Lists everything and starts watching; resolves once the view holds a full snapshot. */
  async start(registry: Registry): Promise<void> {
    this.watch = await registry.watch({
      reset: (snapshot) => this.reset(snapshot),
      changes: (revision, changes) => this.advance(revision, changes),
      connection: (lost) => {
        if (!lost && !this.connected) this.connectedSince = Date.now();
        this.connected = !lost;
      },
    });
    if (!this.connected) this.connectedSince = Date.now();
    this.connected = true;
  }

  async stop(): Promise<void> {
    await this.watch?.close();
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
  }

  onChange(listener: ViewListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when the view has applied `revision`, or after `timeoutMs` regardless. */
  waitFor(revision: Revision, timeoutMs = 5000): Promise<void> {
    if (this.revision >= revision) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { revision, resolve: () => resolve() };
      this.waiters.push(waiter);
      setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        resolve();
      }, timeoutMs).unref();
    });
  }

  /** A unit as the view holds it, with its version: possibly stale, so only for compare-and-swap. */
  versionedUnit(name: string): Versioned<UnitRecord> | undefined {
    const value = this.units.get(name);
    const version = this.unitVersions.get(name);
    return value && version !== undefined ? { value, version } : undefined;
  }

  /** Each unit's scheduling requirements, parsed once per content. */
  readonly specs = new UnitSpecs(this);

  spec(name: string): SchedulerUnit | undefined {
    return this.specs.of(name);
  }

  unitText(hash: string): string | undefined {
    return this.unitTexts.get(hash);
  }

  placedOn(machineId: string): ReadonlySet<string> {
    return this.unitsByMachine.get(machineId) ?? new Set();
  }

  /** The units whose state the machine reports. */
  reportedOn(machineId: string): ReadonlySet<string> {
    return this.reportsByMachine.get(machineId) ?? new Set();
  }

  /** The machine's metadata with the operator's overrides applied; null hides a key. */
  metadataOf(machineId: string): Record<string, string> {
    const merged = { ...(this.machines.get(machineId)?.metadata ?? {}) };
    for (const [key, value] of Object.entries(this.metadataOverrides.get(machineId) ?? {})) {
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    return merged;
  }

  private reset(snapshot: Snapshot): void {
    this.resets++;
    this.specs.clear();
    this.units.clear();
    this.unitVersions.clear();
    this.unitNames.clear();
    this.unitTexts.clear();
    this.placements.clear();
    this.placementVersions.clear();
    this.unitsByMachine.clear();
    this.scheduleStatus.clear();
    this.machines.clear();
    this.metadataOverrides.clear();
    this.drains.clear();
    this.states.clear();
    this.reportsByMachine.clear();
    this.rollouts.clear();
    this.cluster = undefined;
    this.advance(snapshot.revision, snapshot.changes);
  }

  private advance(revision: Revision, changes: readonly Change[]): void {
    const effective = changes.filter((change) => this.apply(change));
    this.revision = Math.max(this.revision, revision);
    if (effective.length > 0) for (const listener of this.listeners) listener(revision, effective);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i];
      if (waiter && waiter.revision <= this.revision) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  /** Applies a change; false when it changes nothing the view holds. */
  private apply(change: Change): boolean {
    switch (change.kind) {
      case "unit-file":
        // Every unit created re-puts its content (see the registry): the same text, by hash.
        if (change.text !== undefined && this.unitTexts.has(change.hash)) return false;
        setOrDelete(this.unitTexts, change.hash, change.text);
        if (change.text === undefined) this.specs.forgetContent(change.hash);
        break;
      case "unit":
        setOrDelete(this.units, change.name, change.value);
        setOrDelete(this.unitVersions, change.name, change.value && change.version);
        if (change.value) this.unitNames.add(change.name);
        else {
          this.unitNames.delete(change.name);
          this.specs.forget(change.name);
        }
        break;
      case "placement": {
        const previous = this.placements.get(change.name);
        if (previous) this.unitsByMachine.get(previous.machineId)?.delete(change.name);
        setOrDelete(this.placements, change.name, change.value);
        setOrDelete(this.placementVersions, change.name, change.value && change.version);
        if (change.value) {
          const placed = this.unitsByMachine.get(change.value.machineId) ?? new Set<string>();
          placed.add(change.name);
          this.unitsByMachine.set(change.value.machineId, placed);
        }
        break;
      }
      case "schedule":
        setOrDelete(this.scheduleStatus, change.name, change.value);
        break;
      case "machine":
        setOrDelete(this.machines, change.id, change.value);
        break;
      case "machine-metadata":
        setOrDelete(this.metadataOverrides, change.id, change.value);
        break;
      case "machine-drain":
        setOrDelete(this.drains, change.id, change.value);
        break;
      case "state": {
        const byMachine = this.states.get(change.name) ?? new Map<string, UnitStateRecord>();
        setOrDelete(byMachine, change.machineId, change.value);
        if (byMachine.size > 0) this.states.set(change.name, byMachine);
        else this.states.delete(change.name);
        const reported = this.reportsByMachine.get(change.machineId) ?? new Set<string>();
        if (change.value) reported.add(change.name);
        else reported.delete(change.name);
        if (reported.size > 0) this.reportsByMachine.set(change.machineId, reported);
        else this.reportsByMachine.delete(change.machineId);
        break;
      }
      case "cluster":
        // Every unit created puts it again, the same.
        if (JSON.stringify(change.value) === JSON.stringify(this.cluster)) return false;
        this.cluster = change.value;
        break;
      case "rollout":
        setOrDelete(
          this.rollouts,
          change.id,
          change.value && change.version !== undefined
            ? { value: change.value, version: change.version }
            : undefined,
        );
        break;
    }
    return true;
  }
}

function setOrDelete<K, V>(map: Map<K, V>, key: K, value: V | undefined): void {
  if (value === undefined) map.delete(key);
  else map.set(key, value);
}
