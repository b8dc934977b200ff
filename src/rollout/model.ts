import type { DesiredState } from "../registry/records.ts";
import type { RolloutOptionsRecord, RolloutRecord } from "../schema/rollouts.ts";
import type { JudgedHealthStatus } from "../unit/health-status.ts";

export type { RolloutOptionsRecord, RolloutRecord };

export const ROLLOUT_PHASES = [
  "canary",
  "awaiting-promotion",
  "rolling",
  "reverting",
  "succeeded",
  "failed",
  "reverted",
  "aborted",
] as const;
export type RolloutPhase = (typeof ROLLOUT_PHASES)[number];

/** Phases a rollout ends in: nothing drives it any more, and its units are free for another. */
export const FINAL_PHASES: ReadonlySet<RolloutPhase> = new Set([
  "succeeded",
  "failed",
  "reverted",
  "aborted",
]);

export const INSTANCE_STEPS = [
  "pending",
  "draining",
  "replacing",
  "done",
  "failed",
  "reverted",
  "skipped",
  "removed",
] as const;
export type InstanceStep = (typeof INSTANCE_STEPS)[number];

/** A cautious operator's defaults (Nomad's update block's, with a canary and auto-revert on). */
export const ROLLOUT_DEFAULTS = {
  maxParallel: 1,
  canaries: 1,
  autoPromote: true,
  minHealthySeconds: 10,
  healthyDeadlineSeconds: 300,
  progressDeadlineSeconds: 600,
  autoRevert: true,
  drainSeconds: 5,
} as const;

/**
 * A step is one etcd transaction: the rollout, and each unit it changes in up to three
 * operations (its record, and its content's references), the template too. 40 units keep it
 * within etcd's default of 128 operations; a step starts no more instances once it has asked
 * for that many changes, and the next step carries on.
 */
export const MAX_UNITS_PER_STEP = 40;

export const ROLLOUT_LIMITS = {
  maxParallel: { min: 1, max: MAX_UNITS_PER_STEP },
  canaries: { min: 0, max: 1000 },
  minHealthySeconds: { min: 0, max: 3600 },
  healthyDeadlineSeconds: { min: 1, max: 86_400 },
  progressDeadlineSeconds: { min: 1, max: 86_400 },
  // At least a second: the machine says it drains as it begins withdrawing, not once done.
  drainSeconds: { min: 1, max: 3600 },
} as const;

/** What a rollout's step sees of one of its units. */
export interface RolloutUnitView {
  /** The unit's record now; absent once it was destroyed. */
  record?: { hash: string; desiredState: DesiredState; draining: boolean };
  /** Its machine's report, where it is placed; absent until one comes. */
  state?: {
    hash: string;
    activeState: string;
    subState: string;
    /** Absent: the unit has no check (or is not running). */
    health?: { status: JudgedHealthStatus; since: string };
    /** The agent has withdrawn the unit's announcements. */
    draining: boolean;
  };
  /** Why the engine cannot place it, while it cannot. */
  unplaceable?: string;
}

/**
 * A change of one unit the step asks for: new content, or the drain set or cleared; or a
 * canary's unit created (launched, on `hash`) or destroyed.
 */
export interface UnitChange {
  name: string;
  hash?: string;
  draining?: boolean;
  create?: true;
  destroy?: true;
}

export interface RolloutStep {
  /** The rollout as the step leaves it (the same object when nothing changed). */
  rollout: RolloutRecord;
  /** Unit changes written with it, in the same transaction. */
  units: UnitChange[];
  /** The template's content put back (a revert begins). */
  template?: { name: string; hash: string };
  /** One line per thing that happened, for the event stream and the log. */
  events: string[];
  /** When to look again with no change seen (a drain or a healthy time ends, a deadline). */
  wakeAt?: number;
}
