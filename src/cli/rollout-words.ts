import { UsageError } from "./errors.ts";
import { unitNameOf } from "./unit-names.ts";

/**
 * The words `rollout` takes first, beside a target. A target always has a `.` (a unit's
 * type) or a glob character, so no target is ever taken for one of them.
 */
export const ROLLOUT_SUBCOMMANDS = {
  status: "Follow a rollout until it ends; --no-follow shows it once",
  list: "List rollouts, newest first",
  history: "List the content versions of a template or a unit, newest first",
  pause: "Start no further instance until resumed",
  resume: "Carry on a paused rollout",
  promote: "Let the other instances follow the healthy canaries",
  abort: "Stop a rollout where it is",
  undo: "Put back what the newest finished rollout of a target replaced, or a version of it",
} as const;

export type RolloutSubcommand = keyof typeof ROLLOUT_SUBCOMMANDS;

export function isRolloutSubcommand(word: string): word is RolloutSubcommand {
  return Object.hasOwn(ROLLOUT_SUBCOMMANDS, word);
}

/** The subcommands that act on one running rollout, named by its id. */
export const ROLLOUT_ACTIONS = ["pause", "resume", "promote", "abort"] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

export function isRolloutAction(word: string): word is RolloutAction {
  return (ROLLOUT_ACTIONS as readonly string[]).includes(word);
}

const ROLLOUT_ID = /^[0-9a-f]{8}$/;

export function isGlob(arg: string): boolean {
  return /[*?[\\]/.test(arg);
}

export function looksLikeTarget(arg: string): boolean {
  return arg.includes(".") || isGlob(arg);
}

/**
 * The unit name a target argument stands for, read as submit reads its arguments (a path's
 * file name, `.service` added when untyped); a glob as it is.
 */
export function targetOf(arg: string): string {
  return isGlob(arg) ? arg : unitNameOf(arg);
}

/**
 * The name of a template or a unit, for what only those have: a history of their content. A
 * glob's units each have their own.
 */
export function historyTargetOf(arg: string): string {
  if (isGlob(arg)) {
    throw new UsageError(
      `"${arg}" is a glob, and a glob has no history of its own: name a template or a unit`,
      "rollout",
    );
  }
  if (!looksLikeTarget(arg)) {
    throw new UsageError(
      `"${arg}" is not a template's or a unit's name, such as apache@.service`,
      "rollout",
    );
  }
  return targetOf(arg);
}

/** A rollout's id, as `rollout list` shows it: 8 hex digits. */
export function rolloutIdOf(arg: string): string {
  const id = arg.toLowerCase();
  if (!ROLLOUT_ID.test(id)) {
    throw new UsageError(
      `"${arg}" is not a rollout's id: expected 8 hex digits, as 'rollout list' shows them`,
      "rollout",
    );
  }
  return id;
}

/** What an argument that may be either names: a rollout by its id, or a target's newest. */
export type RolloutRef = { id: string } | { target: string };

export function rolloutRefOf(arg: string): RolloutRef {
  if (looksLikeTarget(arg)) return { target: targetOf(arg) };
  if (ROLLOUT_ID.test(arg.toLowerCase())) return { id: arg.toLowerCase() };
  throw new UsageError(
    `"${arg}" is neither a rollout's id (8 hex digits) nor a target (a unit name such as apache@.service, or a glob)`,
    "rollout",
  );
}
