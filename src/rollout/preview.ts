import type { DesiredState } from "../registry/records.ts";
import type { RolloutRecord } from "./model.ts";

export interface PlannedReplacement {
  name: string;
  machineId?: string;
  change: "add" | "replace" | "restart-free" | "unchanged";
  order?: number;
  wave?: number;
  canary: boolean;
}

/**
 * The order a new rollout would take, and its waves: the canaries first (those it adds beside
 * the old instances all at once, those it replaces maxParallel at a time), then the others,
 * maxParallel at a time. A wave is the most that is replaced at once; an instance that is slow
 * to turn healthy holds the next one back. `unitOf` gives where a canary to add would go.
 */
export function previewRollout(
  rollout: RolloutRecord,
  unitOf: (name: string) => { desiredState: DesiredState; machineId?: string } | undefined,
): PlannedReplacement[] {
  const { maxParallel } = rollout.options;
  let order = 0;
  let canaries = 0;
  let others = 0;
  const added = rollout.instances.some((instance) => instance.added);
  const canaryWaves = added
    ? 1
    : Math.ceil(
        rollout.instances.filter(
          (instance) => instance.canary && unitOf(instance.name)?.desiredState === "launched",
        ).length / maxParallel,
      );
  return rollout.instances.map((instance) => {
    const unit = unitOf(instance.name);
    const canary = instance.canary === true;
    const where = unit?.machineId === undefined ? {} : { machineId: unit.machineId };
    if (instance.added) {
      return {
        name: instance.name,
        ...where,
        change: "add",
        order: ++order,
        wave: 1,
        canary,
      };
    }
    if (instance.step === "done")
      return { name: instance.name, ...where, change: "unchanged", canary };
    order++;
    if (unit?.desiredState !== "launched")
      return { name: instance.name, ...where, change: "restart-free", order, canary };
    const wave = canary
      ? Math.floor(canaries++ / maxParallel) + 1
      : canaryWaves + Math.floor(others++ / maxParallel) + 1;
    return { name: instance.name, ...where, change: "replace", order, wave, canary };
  });
}
