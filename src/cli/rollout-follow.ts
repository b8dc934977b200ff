import { ApiFailure } from "./api.ts";
import type { Rollout } from "./api-types.ts";
import type { CliContext } from "./command.ts";
import type { Output } from "./output.ts";
import {
  endLine,
  exitCodeOf,
  instanceChanges,
  isFinished,
  progressLine,
} from "./rollout-progress.ts";
import { getRollout } from "./rollouts.ts";

/** How often a followed rollout is asked for again. */
export const ROLLOUT_POLL_MS = 500;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface FollowSource {
  /** The rollout as the API has it now. */
  fetch(): Promise<Rollout>;
  /** Waits between two fetches; tests pass one that does not. */
  sleep?(ms: number): Promise<void>;
}

/**
 * Follows a rollout until it ends and resolves to its last sighting. Each instance whose step
 * changes gets a line (`apache@4.service: replaced`). The progress line is rewritten in place
 * on a terminal; elsewhere it is printed again only when it changed. Last, a line says how it
 * ended: on stdout when it succeeded, on stderr otherwise. A busy or briefly unreachable API
 * is asked again (the progress line says so); any other failure ends the follow.
 */
export async function followRollout(
  out: Output,
  program: string,
  first: Rollout,
  source: FollowSource,
): Promise<Rollout> {
  const sleep = source.sleep ?? delay;
  let previous: Rollout | undefined;
  let current = first;
  let printed: string | undefined;
  let trouble: string | undefined;
  for (;;) {
    for (const line of instanceChanges(previous, current)) out.message(line);
    if (isFinished(current)) break;
    const line = progressLine(current, program);
    if (out.interactive) {
      out.progress(trouble ? `${line} (asking again: ${trouble})` : line);
    } else if (line !== printed) {
      out.message(line);
      printed = line;
    }
    await sleep(ROLLOUT_POLL_MS);
    previous = current;
    try {
      current = await source.fetch();
      trouble = undefined;
    } catch (error) {
      if (!(error instanceof ApiFailure && error.transient)) throw error;
      trouble = error.message;
    }
  }
  out.clearProgress();
  if (current.phase === "succeeded") out.message(endLine(current));
  else out.note(endLine(current));
  return current;
}

/**
 * Follows the rollout from the API until it ends. Exit status 0 when it succeeded, 1 when it
 * failed, was reverted or aborted; with -o json, stdout gets its last sighting.
 */
export async function followToEnd(context: CliContext, rollout: Rollout): Promise<number> {
  const { out, api, program } = context;
  const last = await followRollout(out, program, rollout, {
    fetch: () => getRollout(api, rollout.id),
  });
  if (out.json) out.document(last);
  return exitCodeOf(last);
}
