import { type RolloutRecord, withRolloutChange } from "../registry/records.ts";
import type { Registry, Versioned } from "../registry/registry.ts";
import type { ClusterView } from "../registry/view.ts";
import { adoptInstances } from "../rollout/adopt.ts";
import { FINAL_PHASES, type RolloutUnitView } from "../rollout/model.ts";
import { stepRollout } from "../rollout/step.ts";
import { unitWrites } from "../rollout/unit-writes.ts";
import { parseUnitName } from "../unit/name.ts";
import type { EngineLog } from "./engine.ts";

/** A rollout whose step failed to be written is tried again this soon. */
const RETRY_MS = 1000;
/** Drains no rollout holds, and rollouts past keeping, are looked for this often. */
const SWEEP_MS = 10_000;
/**
 * Finished rollouts kept per target, newest first: what `rollout list` shows and `rollout undo`
 * reverts. Older ones are deleted, and the contents only they kept collected.
 */
export const FINISHED_ROLLOUTS_KEPT = 10;

/**
 * Carries every rollout in progress on, one step per engine pass: it reads the rollout and its
 * units from the view, lets the pure step decide, and writes the step's rollout and unit
 * changes in one transaction. Everything it knows is in etcd, so a new leader takes a rollout
 * on from where the last one left it.
 */
export class RolloutDriver {
  private sweptAt = 0;

  constructor(
    private readonly view: ClusterView,
    private readonly registry: Registry,
    private readonly log: EngineLog,
  ) {}

  /** Steps every rollout in progress; returns when to look again with no change (if ever). */
  async drive(now: number): Promise<number | undefined> {
    let wakeAt: number | undefined;
    for (const current of [...this.view.rollouts.values()]) {
      if (FINAL_PHASES.has(current.value.phase)) continue;
      try {
        const next = await this.advance(current, now);
        if (next !== undefined) wakeAt = Math.min(wakeAt ?? next, next);
      } catch (error) {
        // One rollout's trouble (a write etcd refuses) must not hold the others back.
        this.log.warn(`rollout ${current.value.id}: stepping failed; retrying`, {
          err: String(error),
        });
        wakeAt = Math.min(wakeAt ?? now + RETRY_MS, now + RETRY_MS);
      }
    }
    if (now - this.sweptAt >= SWEEP_MS) {
      this.sweptAt = now;
      await this.releaseStrayDrains(now);
      await this.deleteRolloutsPastKeeping();
    }
    return wakeAt;
  }

  /** Deletes the finished rollouts of each target beyond the newest FINISHED_ROLLOUTS_KEPT. */
  private async deleteRolloutsPastKeeping(): Promise<void> {
    for (const rollout of rolloutsPastKeeping([...this.view.rollouts.values()])) {
      const result = await this.registry.deleteRollout(rollout);
      if (result.ok)
        this.log.info(`rollout ${rollout.value.id}: deleted, past keeping`, {
          target: rollout.value.target,
        });
    }
  }

  /**
   * Ends the drain of units no rollout in progress is draining: its record was deleted or
   * cannot be read, and the unit's announcements would otherwise stay withdrawn for good. A
   * rollout sets and clears a drain in the transaction that moves its instance, so the view
   * never holds one without the other.
   */
  private async releaseStrayDrains(now: number): Promise<void> {
    const held = new Set<string>();
    for (const { value } of this.view.rollouts.values()) {
      if (FINAL_PHASES.has(value.phase)) continue;
      for (const instance of value.instances)
        if (instance.step === "draining") held.add(instance.name);
    }
    const at = new Date(now).toISOString();
    for (const [name, unit] of this.view.units) {
      if (!unit.draining || held.has(name)) continue;
      const expected = this.view.versionedUnit(name);
      if (!expected) continue;
      const result = await this.registry.updateUnit(
        withRolloutChange(expected.value, { draining: false }, at),
        expected,
      );
      if (result.ok) this.log.warn("ended a drain no rollout holds", { unit: name });
    }
  }

  /** One step of one rollout, written; when to look at it again. */
  private async advance(
    current: Versioned<RolloutRecord>,
    now: number,
  ): Promise<number | undefined> {
    const rollout = adoptInstances(current.value, this.templateInstances(current.value), now);
    const step = stepRollout(rollout, this.unitViews(rollout), now);
    if (step.rollout === current.value && step.units.length === 0 && !step.template)
      return step.wakeAt;
    const writes = unitWrites(this.view, step, now, current.value);
    const result = await this.registry.advanceRollout(
      current,
      step.rollout,
      writes.rewrites,
      writes.lifecycle,
    );
    // A conflict is a unit or the rollout changed meanwhile: the change wakes the next pass.
    if (result.ok)
      for (const event of step.events)
        this.log.info(`rollout ${current.value.id}: ${event}`, { target: current.value.target });
    return step.wakeAt;
  }

  /** The instances of a template's rollout's template, as the view holds them now. */
  private templateInstances(rollout: RolloutRecord): { name: string; hash: string }[] {
    const template = rollout.template && parseUnitName(rollout.template.name);
    if (!template?.ok) return [];
    const { prefix, suffix } = template.value;
    const found: { name: string; hash: string }[] = [];
    this.view.unitNames.forEachWithPrefix(`${prefix}@`, (name) => {
      const unit = this.view.units.get(name);
      if (unit && name.endsWith(suffix) && name !== template.value.name)
        found.push({ name, hash: unit.hash });
    });
    return found;
  }

  private unitViews(rollout: RolloutRecord): Map<string, RolloutUnitView> {
    const views = new Map<string, RolloutUnitView>();
    for (const { name, companions } of rollout.instances) {
      views.set(name, unitView(this.view, name));
      for (const companion of companions ?? [])
        views.set(companion.name, unitView(this.view, companion.name));
    }
    return views;
  }
}

/** What a rollout's step sees of one unit: its record, and its machine's report. */
function unitView(view: ClusterView, name: string): RolloutUnitView {
  const record = view.units.get(name);
  const machineId = view.placements.get(name)?.machineId;
  const state = machineId === undefined ? undefined : view.states.get(name)?.get(machineId);
  const unplaceable = machineId === undefined ? view.scheduleStatus.get(name)?.reason : undefined;
  return {
    ...(unplaceable === undefined ? {} : { unplaceable }),
    ...(record
      ? {
          record: {
            hash: record.hash,
            desiredState: record.desiredState,
            draining: record.draining === true,
          },
        }
      : {}),
    ...(state
      ? {
          state: {
            hash: state.hash,
            activeState: state.activeState,
            subState: state.subState,
            ...(state.health
              ? { health: { status: state.health.status, since: state.health.since } }
              : {}),
            draining: state.draining === true,
          },
        }
      : {}),
  };
}

/** The finished rollouts of each target older than its newest FINISHED_ROLLOUTS_KEPT. */
export function rolloutsPastKeeping(
  rollouts: readonly Versioned<RolloutRecord>[],
): Versioned<RolloutRecord>[] {
  const byTarget = new Map<string, Versioned<RolloutRecord>[]>();
  for (const rollout of rollouts) {
    if (!FINAL_PHASES.has(rollout.value.phase)) continue;
    const finished = byTarget.get(rollout.value.target) ?? [];
    finished.push(rollout);
    byTarget.set(rollout.value.target, finished);
  }
  return [...byTarget.values()].flatMap((finished) =>
    finished
      .sort((a, b) => b.value.createdAt.localeCompare(a.value.createdAt) || b.version - a.version)
      .slice(FINISHED_ROLLOUTS_KEPT),
  );
}
