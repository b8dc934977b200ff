// An operator's actions on a rollout. Each returns the step to write, as stepRollout does, and
// throws a RolloutConflict when the rollout's phase does not allow it; the engine's next step
// carries the rollout on from there.

import type { RolloutInstanceRecord } from "../schema/rollouts.ts";
import { FINAL_PHASES, type RolloutRecord, type RolloutStep, type UnitChange } from "./model.ts";

/** The action does not apply to the rollout as it is. */
export class RolloutConflict extends Error {}

/** No new instance starts until it is resumed; those in flight finish. */
export function pauseRollout(rollout: RolloutRecord, now: number): RolloutStep {
  refuseFinal(rollout, "paused");
  if (rollout.paused) throw new RolloutConflict(`rollout ${rollout.id} is already paused`);
  return changed(rollout, now, { paused: true }, "paused");
}

/** The progress deadline counts from the resume: the time paused is nobody's failure. */
export function resumeRollout(rollout: RolloutRecord, now: number): RolloutStep {
  refuseFinal(rollout, "resumed");
  if (!rollout.paused) {
    throw new RolloutConflict(`rollout ${rollout.id} is ${rollout.phase} and not paused`);
  }
  const at = new Date(now).toISOString();
  return changed(rollout, now, { paused: false, progressAt: at }, "resumed");
}

/** The rest of the instances follow the canaries; canaries in flight finish as usual. */
export function promoteRollout(rollout: RolloutRecord, now: number): RolloutStep {
  refuseFinal(rollout, "promoted");
  if (rollout.phase !== "awaiting-promotion" && rollout.phase !== "canary") {
    throw new RolloutConflict(
      `rollout ${rollout.id} is ${rollout.phase}: only a rollout in its canary phase or awaiting promotion can be promoted`,
    );
  }
  const at = new Date(now).toISOString();
  return changed(rollout, now, { phase: "rolling", progressAt: at }, "promoted");
}

/**
 * Stops the rollout where it is: drains are withdrawn (those units still run their content),
 * an instance being replaced keeps its new content, and the canaries it added are destroyed.
 */
export function abortRollout(rollout: RolloutRecord, now: number, reason = "aborted"): RolloutStep {
  refuseFinal(rollout, "aborted");
  const at = new Date(now).toISOString();
  const units: UnitChange[] = [];
  const instances = rollout.instances.map((instance) => {
    if (instance.added) {
      if (instance.step === "removed") return instance;
      if (instance.step !== "pending")
        for (const name of [instance.name, ...(instance.companions ?? []).map((c) => c.name)])
          units.push({ name, destroy: true });
      return removed(instance, at, instance.step === "pending" ? "never started" : "aborted");
    }
    if (instance.step !== "draining") return instance;
    units.push({ name: instance.name, draining: false });
    return backToPending(instance, at);
  });
  const fields = { phase: "aborted", reason, instances } as const;
  return { ...changed(rollout, now, fields, `aborted: ${reason}`), units };
}

function refuseFinal(rollout: RolloutRecord, done: string): void {
  if (FINAL_PHASES.has(rollout.phase)) {
    throw new RolloutConflict(
      `rollout ${rollout.id} is ${rollout.phase}: it can no longer be ${done}`,
    );
  }
}

function changed(
  rollout: RolloutRecord,
  now: number,
  fields: Partial<RolloutRecord>,
  event: string,
): RolloutStep {
  const updatedAt = new Date(now).toISOString();
  return { rollout: { ...rollout, ...fields, updatedAt }, units: [], events: [event] };
}

function backToPending(instance: RolloutInstanceRecord, at: string): RolloutInstanceRecord {
  const { drainedAt: _drainedAt, healthySince: _healthySince, detail: _detail, ...rest } = instance;
  return { ...rest, step: "pending", since: at };
}

function removed(
  instance: RolloutInstanceRecord,
  at: string,
  detail: string,
): RolloutInstanceRecord {
  const { drainedAt: _drainedAt, healthySince: _healthySince, ...rest } = instance;
  return { ...rest, step: "removed", since: at, detail };
}
