import type { Rollout } from "../api-types.ts";
import type { CliContext } from "../command.ts";
import { CommandFailure, EXIT_OK } from "../errors.ts";
import type { RolloutFlagValues } from "../rollout-flags.ts";
import { followToEnd } from "../rollout-follow.ts";
import { rolloutDetails, rolloutTable } from "../rollout-progress.ts";
import type { RolloutRef } from "../rollout-words.ts";
import { getRollout, listRollouts, newestRollout } from "../rollouts.ts";

/**
 * `rollout status [ID|TARGET]`: follows the rollout (the newest of the target, or the newest
 * of all) until it ends, with the exit status of `rollout`; --no-follow prints it once.
 */
export async function status(
  context: CliContext,
  ref: RolloutRef | undefined,
  values: RolloutFlagValues,
): Promise<number> {
  const { out } = context;
  const rollout = await find(context, ref);
  if (values["no-follow"] !== true) return followToEnd(context, rollout);
  if (out.json) out.document(rollout);
  else out.raw(rolloutDetails(rollout, { noLegend: values["no-legend"] === true }));
  return EXIT_OK;
}

async function find(context: CliContext, ref: RolloutRef | undefined): Promise<Rollout> {
  if (ref !== undefined && "id" in ref) return getRollout(context.api, ref.id);
  const target = ref?.target;
  const rollout = await newestRollout(context.api, target);
  if (rollout === undefined) {
    throw new CommandFailure(target === undefined ? "no rollouts yet" : `no rollout of ${target}`);
  }
  return rollout;
}

/** `rollout list [TARGET]`: newest first. -o json: the API's rollouts, as an array. */
export async function list(
  context: CliContext,
  target: string | undefined,
  values: RolloutFlagValues,
): Promise<number> {
  const rollouts = await listRollouts(context.api, target);
  if (context.out.json) context.out.document(rollouts);
  else context.out.raw(rolloutTable(rollouts, { noLegend: values["no-legend"] === true }));
  return EXIT_OK;
}
