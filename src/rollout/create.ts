import type { RolloutInstanceRecord } from "../schema/rollouts.ts";
import type { AddedCanary } from "./canaries.ts";
import type { RolloutOptionsRecord, RolloutRecord } from "./model.ts";

export interface NewRolloutInput {
  id: string;
  target: string;
  toHash: string;
  /** The template whose content the rollout replaces, with its content now. */
  template?: { name: string; fromHash: string };
  /**
   * The units it replaces, with their content now; `running` when they are launched (only
   * those can be canaries: one that does not run would prove nothing).
   */
  instances: { name: string; hash: string; running?: boolean }[];
  options: RolloutOptionsRecord;
  /**
   * Canaries to start beside the old instances (planCanaries): given, they are the rollout's
   * canaries, and the old instances all wait for them. Absent, the first running instances are
   * the canaries, replaced in place.
   */
  addedCanaries?: readonly AddedCanary[];
  now: number;
  /** The rollout this one reverts. */
  revertOf?: string;
}

/**
 * A rollout about to begin: its added canaries first, then its instances in natural order;
 * without added canaries, the first running pending instances are the canaries.
 */
export function newRollout(input: NewRolloutInput): RolloutRecord {
  const at = new Date(input.now).toISOString();
  const sorted = [...input.instances].sort((a, b) =>
    a.name.localeCompare(b.name, "en", { numeric: true }),
  );
  const added = (input.addedCanaries ?? []).map((canary) => addedInstance(canary, at));
  const canaries = new Set(
    added.length > 0
      ? []
      : sorted
          .filter(({ hash, running }) => hash !== input.toHash && running !== false)
          .slice(0, input.options.canaries)
          .map(({ name }) => name),
  );
  const instances = [
    ...added,
    ...sorted.map(({ name, hash }) =>
      newInstance(name, hash, input.toHash, canaries.has(name), at),
    ),
  ];
  const rollout: RolloutRecord = {
    id: input.id,
    target: input.target,
    toHash: input.toHash,
    options: input.options,
    phase: initialPhase(instances, canaries.size + added.length),
    paused: false,
    instances,
    createdAt: at,
    updatedAt: at,
    progressAt: at,
  };
  if (input.template !== undefined) rollout.template = input.template;
  if (input.revertOf !== undefined) rollout.revertOf = input.revertOf;
  return rollout;
}

function newInstance(
  name: string,
  hash: string,
  toHash: string,
  canary: boolean,
  at: string,
): RolloutInstanceRecord {
  if (hash === toHash) {
    return { name, fromHash: hash, step: "done", since: at, detail: "already on this content" };
  }
  const instance: RolloutInstanceRecord = { name, fromHash: hash, step: "pending", since: at };
  if (canary) instance.canary = true;
  return instance;
}

function addedInstance(canary: AddedCanary, at: string): RolloutInstanceRecord {
  const instance: RolloutInstanceRecord = {
    name: canary.name,
    step: "pending",
    since: at,
    canary: true,
    added: true,
  };
  if (canary.companions.length > 0)
    instance.companions = canary.companions.map((companion) => ({ ...companion }));
  return instance;
}

function initialPhase(
  instances: RolloutInstanceRecord[],
  canaries: number,
): RolloutRecord["phase"] {
  if (!instances.some((instance) => instance.step === "pending")) return "succeeded";
  return canaries > 0 ? "canary" : "rolling";
}
