import type { Change } from "../registry/registry.ts";
import type { ClusterView } from "../registry/view.ts";
import { ClusterIndex } from "../scheduler/cluster-index.ts";
import { type MachineDrain, schedulerMachine } from "../scheduler/cluster-state.ts";

/**
 * The scheduler's index of the placements that stand (those of active units on present
 * machines that are not drained), kept in step with the view through its changes instead of
 * being rebuilt on every pass: a pass costs what changed since the last one, not the size of
 * the cluster.
 *
 * A pass may place units in it speculatively (its decisions, before etcd has them); `restore`
 * puts those units back as the view has them. A reset of the view (re-listing after a
 * cancelled watch), new unit content or a failed pass rebuilds it from scratch.
 */
export class PlacementIndex {
  index = new ClusterIndex();
  private readonly dirtyUnits = new Set<string>();
  private readonly dirtyMachines = new Set<string>();
  private rebuildNeeded = true;
  private seenResets = -1;
  /** Machines whose units or metadata changed since the last take; undefined: all of them. */
  private touched: Set<string> | undefined;
  private restoring = false;

  constructor(private readonly view: ClusterView) {}

  /** Follows the view's changes; returns the function that stops following. */
  follow(): () => void {
    this.rebuildNeeded = true;
    return this.view.onChange((_revision, changes) => this.note(changes));
  }

  note(changes: readonly Change[]): void {
    for (const change of changes) {
      switch (change.kind) {
        case "unit":
        case "placement":
          this.dirtyUnits.add(change.name);
          break;
        case "machine":
        case "machine-metadata":
        case "machine-drain":
          this.dirtyMachines.add(change.id);
          break;
        case "unit-file":
          // Content that arrives late can make requirements known for many units at once.
          if (change.text !== undefined) this.rebuildNeeded = true;
          break;
      }
    }
  }

  /** Brings the index up to date with the view. */
  sync(): ClusterIndex {
    if (this.rebuildNeeded || this.seenResets !== this.view.resets) {
      this.rebuild();
      return this.index;
    }
    for (const id of this.dirtyMachines) this.syncMachine(id);
    this.dirtyMachines.clear();
    for (const name of this.dirtyUnits) this.syncUnit(name);
    this.dirtyUnits.clear();
    return this.index;
  }

  /** Undoes a pass's speculative placements of these units: each is set back as the view has it. */
  restore(names: Iterable<string>): void {
    // Nothing changed in the cluster: the machines are not touched.
    this.restoring = true;
    try {
      for (const name of names) this.syncUnit(name);
    } finally {
      this.restoring = false;
    }
  }

  /**
   * The machines whose units or metadata changed since the last call (undefined: every
   * machine, after a rebuild): only placements there can have stopped meeting their unit's
   * requirements.
   */
  takeTouched(): ReadonlySet<string> | undefined {
    const touched = this.touched;
    this.touched = new Set();
    return touched;
  }

  /** After a pass that failed half-way, the index may hold anything: rebuild it next time. */
  invalidate(): void {
    this.rebuildNeeded = true;
  }

  private touch(machineId: string): void {
    if (!this.restoring) this.touched?.add(machineId);
  }

  private rebuild(): void {
    this.touched = undefined;
    this.index = new ClusterIndex();
    this.dirtyMachines.clear();
    this.dirtyUnits.clear();
    this.seenResets = this.view.resets;
    this.rebuildNeeded = false;
    for (const id of this.view.machines.keys())
      this.index.setMachine(schedulerMachine(this.view, id));
    for (const name of this.view.placements.keys()) this.syncUnit(name);
  }

  private syncMachine(id: string): void {
    const known = this.index.machine(id);
    if (!this.view.machines.has(id)) {
      // Its units leave the index with it; their placements are stale now.
      if (known) this.index.removeMachine(id);
      return;
    }
    const machine = schedulerMachine(this.view, id);
    const drainChanged = !sameDrain(known?.drain, machine.drain);
    if (known && !drainChanged && sameMetadata(known.metadata, machine.metadata)) return;
    this.index.setMachine(machine);
    this.touch(id);
    // Its placements stand or not with the machine's presence and drain.
    if (!known || drainChanged)
      for (const name of this.view.placedOn(id)) this.dirtyUnits.add(name);
  }

  /** Makes the index hold `name` exactly where the view's standing placement puts it, or nowhere. */
  private syncUnit(name: string): void {
    const placement = this.view.placements.get(name);
    const unit = this.view.units.get(name);
    const standing =
      placement !== undefined &&
      unit !== undefined &&
      unit.desiredState !== "inactive" &&
      this.index.machine(placement.machineId) !== undefined &&
      !this.view.drains.has(placement.machineId);
    const spec = standing ? this.view.specs.of(name) : undefined;
    const on = this.index.placementsOf(name);
    if (!spec || !placement) {
      for (const id of on) this.touch(id);
      if (on.size > 0) this.index.unplace(name);
      return;
    }
    if (on.size === 1 && on.has(placement.machineId) && this.index.unit(name) === spec) return;
    for (const id of on) this.touch(id);
    this.touch(placement.machineId);
    if (on.size > 0) this.index.unplace(name);
    this.index.place(spec, placement.machineId);
  }
}

function sameDrain(a: MachineDrain | undefined, b: MachineDrain | undefined): boolean {
  return a?.since === b?.since && a?.reason === b?.reason;
}

function sameMetadata(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => a[key] === b[key]);
}
