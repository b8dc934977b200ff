import type { RolloutInstanceRecord } from "../schema/rollouts.ts";
import { FINAL_PHASES, type RolloutRecord } from "./model.ts";

/**
 * A template's rollout takes in the instances created from the template after it began: they
 * got the new content from the template, and a revert must put them back too. An instance
 * it missed on another content (created as it began) is replaced like the others.
 */
export function adoptInstances(
  rollout: RolloutRecord,
  instances: readonly { name: string; hash: string }[],
  now: number,
): RolloutRecord {
  const { template } = rollout;
  if (template === undefined || FINAL_PHASES.has(rollout.phase)) return rollout;
  const known = new Set(rollout.instances.map((instance) => instance.name));
  const adopted = instances.filter((instance) => !known.has(instance.name));
  if (adopted.length === 0) return rollout;
  const at = new Date(now).toISOString();
  const reverting = rollout.phase === "reverting";
  return {
    ...rollout,
    updatedAt: at,
    instances: [
      ...rollout.instances,
      ...adopted.map(({ name, hash }): RolloutInstanceRecord => {
        if (hash !== rollout.toHash) return { name, fromHash: hash, step: "pending", since: at };
        const created = { name, fromHash: template.fromHash, since: at };
        return reverting
          ? { ...created, step: "pending", reverting: true }
          : { ...created, step: "done", detail: "created from the template during the rollout" };
      }),
    ],
  };
}
