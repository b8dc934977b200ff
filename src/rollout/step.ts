// A rollout's step: a pure function of its record, what it sees of its units and the time. The
// engine calls it on every change of either and at the wakeAt it returns, and writes the rollout
// it returns together with the unit changes in one transaction.
//
// The step is idempotent: stepped again on its own output, with the same units and time, it
// changes nothing. So it takes everything as far as it can go now: each instance moves through
// as many steps as the world allows (a drain that needs no wait is replaced at once, a unit that
// does not run is done as soon as it is started), a slot an instance frees at once is taken by
// the next, and a change of phase (canaries promoted, a revert begun) is followed by another
// pass over the instances. Its decisions read each unit's record as the transaction will leave
// it: the world's, with the changes the step already asked for.

import type { RolloutInstanceRecord } from "../schema/rollouts.ts";
import {
  FINAL_PHASES,
  type InstanceStep,
  MAX_UNITS_PER_STEP,
  type RolloutRecord,
  type RolloutStep,
  type RolloutUnitView,
  type UnitChange,
} from "./model.ts";

type Instance = RolloutInstanceRecord;
type UnitRecordView = NonNullable<RolloutUnitView["record"]>;
type UnitStateView = NonNullable<RolloutUnitView["state"]>;

const FINISHED_STEPS: ReadonlySet<InstanceStep> = new Set([
  "done",
  "failed",
  "reverted",
  "skipped",
  "removed",
]);

function isFinished(instance: Instance): boolean {
  return FINISHED_STEPS.has(instance.step);
}

function isInFlight(instance: Instance): boolean {
  return instance.step === "draining" || instance.step === "replacing";
}

/** Replacing an old instance, which takes one of maxParallel's slots (a canary added takes none). */
function takesSlot(instance: Instance): boolean {
  return isInFlight(instance) && instance.added !== true;
}

/** Nothing more to do with it: a canary added is done with only once it is removed. */
function isSettled(instance: Instance): boolean {
  return instance.added === true ? instance.step === "removed" : isFinished(instance);
}

/** The units created and destroyed together as an added canary. */
function unitsOf(instance: Instance): string[] {
  return [instance.name, ...(instance.companions ?? []).map((companion) => companion.name)];
}

export function stepRollout(
  rollout: RolloutRecord,
  units: ReadonlyMap<string, RolloutUnitView>,
  now: number,
): RolloutStep {
  const draft = new Draft(rollout, units, now);
  for (;;) {
    const phase = draft.rollout.phase;
    moveInstances(draft);
    settlePhase(draft);
    if (draft.rollout.phase === phase) return draft.result();
  }
}

/** Nothing moves: a final phase, or canaries healthy and nothing left in flight. */
function isIdle(rollout: RolloutRecord): boolean {
  if (FINAL_PHASES.has(rollout.phase)) return true;
  return rollout.phase === "awaiting-promotion" && !rollout.instances.some(isInFlight);
}

/** The rollout being stepped: copied on its first change, its instances each on theirs. */
class Draft {
  readonly rollout: RolloutRecord;
  readonly at: string;
  readonly events: string[] = [];
  template: RolloutStep["template"];
  readonly #changes = new Map<string, UnitChange>();
  #changed = false;

  constructor(
    readonly original: RolloutRecord,
    readonly units: ReadonlyMap<string, RolloutUnitView>,
    readonly now: number,
  ) {
    this.rollout = { ...original, instances: [...original.instances] };
    this.at = new Date(now).toISOString();
  }

  instance(index: number): Instance {
    return this.rollout.instances[index] as Instance;
  }

  /** The instance, copied the first time it changes. */
  edit(index: number): Instance {
    this.#changed = true;
    const current = this.instance(index);
    if (current !== this.original.instances[index]) return current;
    const copy = { ...current };
    this.rollout.instances[index] = copy;
    return copy;
  }

  update(fields: Partial<Pick<RolloutRecord, "phase" | "reason" | "progressAt">>): void {
    this.#changed = true;
    Object.assign(this.rollout, fields);
  }

  /** How many units the step changes so far. */
  get unitChanges(): number {
    return this.#changes.size;
  }

  /**
   * Asks for a unit change; a later one for the same unit overrides what they both set. A
   * unit created and destroyed in the one step is never created; one created and drained at
   * once is created as it is (nothing announces it yet).
   */
  change(change: UnitChange): void {
    const earlier = this.#changes.get(change.name);
    if (earlier?.create) {
      if (change.destroy) this.#changes.delete(change.name);
      return;
    }
    this.#changes.set(change.name, { ...earlier, ...change });
  }

  /** The unit's record as the transaction will leave it. */
  record(name: string): UnitRecordView | undefined {
    const record = this.units.get(name)?.record;
    const change = this.#changes.get(name);
    if (change?.destroy) return undefined;
    if (change?.create && change.hash !== undefined)
      return { hash: change.hash, desiredState: "launched", draining: change.draining === true };
    if (record === undefined || change === undefined) return record;
    return {
      ...record,
      hash: change.hash ?? record.hash,
      draining: change.draining ?? record.draining,
    };
  }

  state(name: string): UnitStateView | undefined {
    return this.units.get(name)?.state;
  }

  unplaceable(name: string): string | undefined {
    return this.units.get(name)?.unplaceable;
  }

  event(line: string): void {
    this.events.push(line);
  }

  result(): RolloutStep {
    const rollout = this.#changed ? { ...this.rollout, updatedAt: this.at } : this.original;
    const step: RolloutStep = { rollout, units: [...this.#changes.values()], events: this.events };
    if (this.template !== undefined) step.template = this.template;
    const wake = wakeAt(rollout, this.now);
    if (wake !== undefined) step.wakeAt = wake;
    return step;
  }
}

// --- Instances -------------------------------------------------------------------------------

/** One pass: destroyed units skipped, instances in flight moved on, then pending ones started. */
function moveInstances(draft: Draft): void {
  if (isIdle(draft.rollout)) return;
  const indexes = draft.rollout.instances.map((_, index) => index);
  const failed = () => draft.rollout.instances.some((instance) => instance.step === "failed");
  for (const index of indexes) skipIfDestroyed(draft, index);
  // Replacements first: once one has failed, no drained instance gets the content it failed on.
  for (const index of indexes)
    if (draft.instance(index).step === "replacing") advance(draft, index);
  if (failed()) return;
  for (const index of indexes) if (draft.instance(index).step === "draining") advance(draft, index);
  // A failure ends the phase in this step: nothing new starts in it.
  if (failed()) return;
  retireCanaries(draft, indexes);
  let inFlight = draft.rollout.instances.filter(takesSlot).length;
  for (const index of indexes) {
    const instance = draft.instance(index);
    if (!mayStart(draft.rollout, instance)) continue;
    if (draft.unitChanges + unitsOf(instance).length > MAX_UNITS_PER_STEP) break;
    if (instance.added) {
      startAdded(draft, index);
      advance(draft, index);
      continue;
    }
    if (inFlight >= draft.rollout.options.maxParallel) break;
    start(draft, index);
    advance(draft, index);
    // One that finished at once (already on its content, not running) leaves its slot free.
    if (takesSlot(draft.instance(index))) inFlight++;
  }
  // The last old instances may have finished just now, at once.
  retireCanaries(draft, indexes);
}

function retireCanaries(draft: Draft, indexes: readonly number[]): void {
  if (!canariesRetire(draft.rollout)) return;
  for (const index of indexes) {
    if (!draft.instance(index).added) continue;
    retire(draft, index);
    // One that serves nothing (crashed, stopped) is drained already, and may go in this step.
    advance(draft, index);
  }
}

function skipIfDestroyed(draft: Draft, index: number): void {
  const instance = draft.instance(index);
  if (instance.added) {
    removeIfDestroyed(draft, index);
    return;
  }
  if (isFinished(instance) || draft.record(instance.name) !== undefined) return;
  enter(draft, index, "skipped", "destroyed");
  draft.event(`${instance.name}: destroyed, skipped`);
}

/**
 * An added canary destroyed by someone else: it fails if it had yet to prove itself, and its
 * companions go too.
 */
function removeIfDestroyed(draft: Draft, index: number): void {
  const instance = draft.instance(index);
  if (instance.step === "pending" || isSettled(instance)) return;
  if (draft.record(instance.name) !== undefined) return;
  if (instance.step === "replacing") {
    enter(draft, index, "failed", "destroyed before it was healthy");
    draft.event(`${instance.name}: destroyed`);
  } else {
    removeAdded(draft, index, "destroyed");
  }
}

function mayStart(rollout: RolloutRecord, instance: Instance): boolean {
  if (instance.step !== "pending" || rollout.paused) return false;
  // A canary not started by the time the canaries are promoted has nothing left to prove.
  if (instance.added) return rollout.phase === "canary";
  switch (rollout.phase) {
    case "canary":
      return instance.canary === true;
    case "rolling":
      return true;
    case "reverting":
      return instance.reverting === true;
    default:
      return false;
  }
}

function start(draft: Draft, index: number): void {
  const { name } = draft.instance(index);
  const record = draft.record(name) as UnitRecordView;
  const target = targetOf(draft.rollout, draft.instance(index));
  if (record.hash === target && !record.draining) {
    finish(draft, index, "already on this content", "already on this content");
  } else if (record.desiredState !== "launched") {
    // Nothing runs: there is nothing to drain and nothing to check.
    draft.change({ name, hash: target });
    finish(draft, index, "not launched");
  } else {
    enter(draft, index, "draining");
    draft.change({ name, draining: true });
    draft.event(`${name}: draining`);
  }
}

/** Creates an added canary's units, launched on the new content beside the old instances. */
function startAdded(draft: Draft, index: number): void {
  const instance = draft.instance(index);
  const taken = unitsOf(instance).find((name) => draft.record(name) !== undefined);
  if (taken !== undefined) {
    // Never created: nothing of it to drain or destroy, and the unit in the way is not ours.
    enter(draft, index, "removed", `${taken} exists already`);
    failRollout(draft, `${instance.name}: ${taken} exists already: the canary cannot be created`);
    return;
  }
  draft.change({ name: instance.name, hash: draft.rollout.toHash, create: true });
  for (const companion of instance.companions ?? [])
    draft.change({ name: companion.name, hash: companion.hash, create: true });
  enter(draft, index, "replacing");
  draft.event(`${instance.name}: canary started beside the old instances`);
}

/**
 * Added canaries go once the old instances are all replaced, and when the rollout reverts:
 * drained first, like any instance that stops while it may be serving.
 */
function canariesRetire(rollout: RolloutRecord): boolean {
  if (rollout.phase === "reverting") return true;
  return (
    rollout.phase === "rolling" &&
    rollout.instances.every((instance) => instance.added === true || isSettled(instance))
  );
}

function retire(draft: Draft, index: number): void {
  const instance = draft.instance(index);
  if (isSettled(instance) || instance.step === "draining") return;
  if (instance.step === "pending") {
    enter(draft, index, "removed", "never started");
    return;
  }
  if (draft.record(instance.name) === undefined) {
    removeAdded(draft, index, "destroyed");
    return;
  }
  enter(draft, index, "draining");
  draft.change({ name: instance.name, draining: true });
  draft.event(`${instance.name}: canary draining, to be removed`);
}

/** Destroys an added canary's units that are there now. */
function removeAdded(draft: Draft, index: number, detail: string): void {
  const instance = draft.instance(index);
  if (instance.step !== "pending")
    for (const name of unitsOf(instance))
      if (draft.record(name) !== undefined) draft.change({ name, destroy: true });
  enter(draft, index, "removed", detail);
  draft.event(`${instance.name}: canary removed`);
}

/** Moves an instance in flight as far as the world lets it now. */
function advance(draft: Draft, index: number): void {
  if (draft.instance(index).step === "draining") advanceDrain(draft, index);
  if (draft.instance(index).step === "replacing") advanceReplacement(draft, index);
}

function advanceDrain(draft: Draft, index: number): void {
  const { name } = draft.instance(index);
  if (draft.instance(index).drainedAt === undefined) {
    if (!isDrained(draft.state(name))) return;
    draft.edit(index).drainedAt = draft.at;
  }
  const drainEnds = drainEndsAt(draft.rollout, draft.instance(index));
  if (drainEnds === undefined || draft.now < drainEnds) return;
  if (draft.instance(index).added) {
    removeAdded(draft, index, draft.rollout.phase === "reverting" ? "reverted" : "replaced");
    return;
  }
  const target = targetOf(draft.rollout, draft.instance(index));
  enter(draft, index, "replacing");
  draft.change({ name, hash: target, draining: false });
  draft.event(`${name}: new content given`);
}

/** Its machine has withdrawn its announcements, or nothing serves that could announce. */
function isDrained(state: UnitStateView | undefined): boolean {
  return state === undefined || state.draining || state.activeState !== "active";
}

function advanceReplacement(draft: Draft, index: number): void {
  const { name } = draft.instance(index);
  if ((draft.record(name) as UnitRecordView).desiredState !== "launched") {
    if (draft.instance(index).added) enter(draft, index, "failed", "stopped before it was healthy");
    else finish(draft, index, "not launched");
    return;
  }
  const state = draft.state(name);
  // A canary the rollout added fails at once; an old instance unplaced (its machine lost or
  // drained) waits for the engine to place it again, within its healthy deadline.
  const unplaceable = draft.instance(index).added ? draft.unplaceable(name) : undefined;
  if (state === undefined && unplaceable !== undefined) {
    enter(draft, index, "failed", `cannot be placed: ${unplaceable}`);
    return;
  }
  const health = healthOf(state, targetOf(draft.rollout, draft.instance(index)));
  if (health.failed !== undefined) {
    enter(draft, index, "failed", health.failed);
    return;
  }
  noteHealth(draft, index, health.healthy);
  const { minHealthySeconds, healthyDeadlineSeconds } = draft.rollout.options;
  const healthyEnough = healthyEnoughAt(draft.rollout, draft.instance(index));
  if (healthyEnough !== undefined && draft.now >= healthyEnough) {
    finish(draft, index, `healthy for ${minHealthySeconds}s`);
  } else if (draft.now > healthyDeadlineOf(draft.rollout, draft.instance(index))) {
    enter(draft, index, "failed", `not healthy within ${healthyDeadlineSeconds}s`);
  }
}

interface Health {
  /** Running the target content, and healthy (or without a check). */
  healthy: boolean;
  /** Why the target content will not become healthy. */
  failed?: string;
}

function healthOf(state: UnitStateView | undefined, target: string): Health {
  if (state === undefined || state.hash !== target) return { healthy: false };
  if (state.activeState === "failed") {
    return { healthy: false, failed: `failed: ${state.subState}` };
  }
  if (state.activeState !== "active" || state.subState !== "running") return { healthy: false };
  switch (state.health?.status) {
    case undefined:
    case "healthy":
      return { healthy: true };
    case "unhealthy":
      return { healthy: false, failed: "unhealthy" };
    case "starting":
      return { healthy: false };
  }
}

/** Healthy time counts only while the instance is seen healthy: any other sight restarts it. */
function noteHealth(draft: Draft, index: number, healthy: boolean): void {
  const { healthySince } = draft.instance(index);
  if (healthy && healthySince === undefined) draft.edit(index).healthySince = draft.at;
  if (!healthy && healthySince !== undefined) delete draft.edit(index).healthySince;
}

function targetOf(rollout: RolloutRecord, instance: Instance): string {
  const back = rollout.phase === "reverting" && instance.reverting;
  return back && instance.fromHash !== undefined ? instance.fromHash : rollout.toHash;
}

/** Puts the instance in `step` from now, with `detail` only when given. */
function enter(draft: Draft, index: number, step: InstanceStep, detail?: string): Instance {
  const instance = draft.edit(index);
  instance.step = step;
  instance.since = draft.at;
  if (detail === undefined) delete instance.detail;
  else instance.detail = detail;
  // Times of a step the instance is no longer in, or has to go through again.
  if (step === "pending" || step === "draining" || step === "replacing") {
    delete instance.healthySince;
  }
  if (step === "pending" || step === "draining") delete instance.drainedAt;
  return instance;
}

/** Done, or reverted when a revert put it back; `how` says why in the event. */
function finish(draft: Draft, index: number, how: string, detail?: string): void {
  const reverted = draft.rollout.phase === "reverting" && draft.instance(index).reverting;
  const step = reverted ? "reverted" : "done";
  enter(draft, index, step, detail);
  draft.update({ progressAt: draft.at });
  draft.event(`${draft.instance(index).name}: ${how}, ${step}`);
}

/** Back to pending, its drain cleared: its content never changed. */
function stopDraining(draft: Draft, index: number): void {
  const { name } = enter(draft, index, "pending");
  draft.change({ name, draining: false });
}

// --- Phases ----------------------------------------------------------------------------------

function settlePhase(draft: Draft): void {
  const { rollout } = draft;
  if (FINAL_PHASES.has(rollout.phase)) return;
  const failed = rollout.instances.find((instance) => instance.step === "failed");
  if (failed !== undefined) {
    failRollout(draft, `${failed.name}: ${failed.detail}`);
  } else if (draft.now > (progressDeadlineOf(rollout) ?? Number.POSITIVE_INFINITY)) {
    failRollout(
      draft,
      `no instance became healthy for ${rollout.options.progressDeadlineSeconds}s`,
    );
  } else if (rollout.phase === "canary" && canariesFinished(rollout)) {
    promoteCanaries(draft);
  } else if (rollout.phase === "rolling" && rollout.instances.every(isSettled)) {
    draft.update({ phase: "succeeded" });
    draft.event("rollout succeeded");
  } else if (rollout.phase === "reverting" && revertFinished(rollout)) {
    draft.update({ phase: "reverted" });
    draft.event("rollout reverted");
  }
}

function canariesFinished(rollout: RolloutRecord): boolean {
  return rollout.instances.every((instance) => !instance.canary || isFinished(instance));
}

function revertFinished(rollout: RolloutRecord): boolean {
  return rollout.instances.every((instance) =>
    instance.added ? isSettled(instance) : !instance.reverting || isFinished(instance),
  );
}

function promoteCanaries(draft: Draft): void {
  if (draft.rollout.options.autoPromote) {
    draft.update({ phase: "rolling", progressAt: draft.at });
    draft.event("canaries healthy: promoted");
  } else {
    draft.update({ phase: "awaiting-promotion" });
    draft.event("canaries healthy: waiting for promotion");
  }
}

function failRollout(draft: Draft, reason: string): void {
  if (draft.rollout.phase === "reverting") endFailed(draft, `revert failed: ${reason}`);
  else if (draft.rollout.options.autoRevert) beginRevert(draft, reason);
  else endFailed(draft, reason);
}

/** Ends the rollout failed: drains end, and the canaries it added go at once. */
function endFailed(draft: Draft, reason: string): void {
  draft.rollout.instances.forEach((instance, index) => {
    if (instance.added) {
      if (!isSettled(instance)) removeAdded(draft, index, "the rollout failed");
    } else if (instance.step === "draining") stopDraining(draft, index);
  });
  draft.update({ phase: "failed", reason });
  draft.event(`rollout failed: ${reason}`);
}

/**
 * Instances whose content the rollout changed go back to their own, with the same care; the
 * progress deadline counts afresh, or a rollout failed by it would fail its revert at once.
 */
function beginRevert(draft: Draft, reason: string): void {
  draft.rollout.instances.forEach((instance, index) => {
    // A canary it added is drained and removed: one that failed too, which would otherwise
    // fail the revert itself.
    if (instance.added) retire(draft, index);
    else if (instance.step === "draining") stopDraining(draft, index);
    else if (["replacing", "done", "failed"].includes(instance.step)) {
      enter(draft, index, "pending").reverting = true;
    }
  });
  draft.update({ phase: "reverting", reason, progressAt: draft.at });
  const { template } = draft.rollout;
  if (template !== undefined) draft.template = { name: template.name, hash: template.fromHash };
  draft.event(`rollout failed: ${reason}; reverting`);
}

// --- Times -----------------------------------------------------------------------------------

function drainEndsAt(rollout: RolloutRecord, instance: Instance): number | undefined {
  if (instance.drainedAt === undefined) return undefined;
  return Date.parse(instance.drainedAt) + rollout.options.drainSeconds * 1000;
}

function healthyEnoughAt(rollout: RolloutRecord, instance: Instance): number | undefined {
  if (instance.healthySince === undefined) return undefined;
  return Date.parse(instance.healthySince) + rollout.options.minHealthySeconds * 1000;
}

/** The instance fails once the time is past this. */
function healthyDeadlineOf(rollout: RolloutRecord, instance: Instance): number {
  // A record written without `since` counts from the rollout's creation.
  const since = Date.parse(instance.since ?? rollout.createdAt);
  return since + rollout.options.healthyDeadlineSeconds * 1000;
}

/** The rollout fails once the time is past this; undefined when nothing is owed progress. */
function progressDeadlineOf(rollout: RolloutRecord): number | undefined {
  const { phase, paused, options } = rollout;
  if (paused || !(phase === "canary" || phase === "rolling" || phase === "reverting")) {
    return undefined;
  }
  const owed = rollout.instances.some(
    (instance) => !isFinished(instance) && (phase !== "reverting" || instance.reverting),
  );
  if (!owed) return undefined;
  return Date.parse(rollout.progressAt) + options.progressDeadlineSeconds * 1000;
}

/** The earliest time ahead at which a step would change something with the world unchanged. */
function wakeAt(rollout: RolloutRecord, now: number): number | undefined {
  if (FINAL_PHASES.has(rollout.phase)) return undefined;
  // A deadline is passed 1 ms after it (the checks are `now >`).
  const progressDeadline = progressDeadlineOf(rollout);
  const times = rollout.instances.flatMap((instance) => instanceTimes(rollout, instance));
  if (progressDeadline !== undefined) times.push(progressDeadline + 1);
  const ahead = times.filter((time) => time > now);
  return ahead.length === 0 ? undefined : Math.min(...ahead);
}

function instanceTimes(rollout: RolloutRecord, instance: Instance): number[] {
  if (instance.step === "draining") {
    const drainEnds = drainEndsAt(rollout, instance);
    return drainEnds === undefined ? [] : [drainEnds];
  }
  if (instance.step !== "replacing") return [];
  const healthyEnough = healthyEnoughAt(rollout, instance);
  const deadline = healthyDeadlineOf(rollout, instance) + 1;
  return healthyEnough === undefined ? [deadline] : [healthyEnough, deadline];
}
