import type { Rollout, RolloutPlan } from "../api-types.ts";
import type { CliContext } from "../command.ts";
import { CommandFailure, EXIT_OK } from "../errors.ts";
import { newContentOf } from "../rollout-content.ts";
import { type RolloutFlagValues, rolloutOptionsOf, versionFlag } from "../rollout-flags.ts";
import { followToEnd } from "../rollout-follow.ts";
import { planText } from "../rollout-plan.ts";
import { isFinished, phaseLabel, startedLine } from "../rollout-progress.ts";
import type { RolloutRef } from "../rollout-words.ts";
import {
  getRollout,
  newestRollout,
  planRollout,
  revertRollout,
  startRollout,
} from "../rollouts.ts";

/**
 * `rollout TARGET [FILE]`: starts the rollout, then follows it unless --detach. With
 * --dry-run, shows what it would do instead (--detach then changes nothing).
 */
export async function startFromFile(
  context: CliContext,
  arg: string,
  file: string | undefined,
  values: RolloutFlagValues,
): Promise<number> {
  // The flags are checked before the file is read or anything is sent.
  const options = rolloutOptionsOf(values);
  const { target, text } = await newContentOf(context.cwd, arg, file);
  if (values["dry-run"] === true) {
    const plan = await planRollout(context.api, { target, text, options });
    return showPlan(context, plan, values);
  }
  const rollout = await startRollout(context.api, { target, text, options });
  return followStarted(context, rollout, values.detach === true);
}

/**
 * `rollout --dry-run TARGET [FILE]`: what the rollout would replace, then INSTANCE MACHINE
 * CHANGE WAVE CANARY in its order; -o json: the plan's rollout as the API gives it.
 */
async function showPlan(
  context: CliContext,
  plan: RolloutPlan,
  values: RolloutFlagValues,
): Promise<number> {
  const { out, machines } = context;
  if (out.json) {
    out.document(plan);
    return EXIT_OK;
  }
  const legends = new Map<string, string>();
  for (const { machineId } of plan.instances) {
    if (machineId !== undefined && !legends.has(machineId)) {
      legends.set(machineId, await machines.legend(machineId));
    }
  }
  out.raw(planText(plan, legends, { noLegend: values["no-legend"] === true }));
  return EXIT_OK;
}

/**
 * `rollout undo ID|TARGET`: reverts the rollout, or the newest of the target, when it has
 * ended (succeeded, failed or aborted), then follows the revert unless --detach.
 */
export async function undo(
  context: CliContext,
  ref: RolloutRef,
  values: RolloutFlagValues,
): Promise<number> {
  const rollout = await undoable(context, ref);
  const revert = await revertRollout(context.api, rollout.id);
  return followStarted(context, revert, values.detach === true);
}

/**
 * `rollout undo --to-version=N TARGET`: rolls version N of the target's history out again, as
 * `rollout TARGET` rolls out a file, with its flags; then follows it unless --detach.
 */
export async function undoToVersion(
  context: CliContext,
  target: string,
  values: RolloutFlagValues,
): Promise<number> {
  const version = versionFlag(values);
  const options = rolloutOptionsOf(values);
  const rollout = await startRollout(context.api, { target, version, options });
  return followStarted(context, rollout, values.detach === true);
}

async function undoable(context: CliContext, ref: RolloutRef): Promise<Rollout> {
  const { api, program } = context;
  const rollout =
    "id" in ref ? await getRollout(api, ref.id) : await newestRollout(api, ref.target);
  if (rollout === undefined) {
    throw new CommandFailure(`no rollout of ${"target" in ref ? ref.target : ref.id} to undo`);
  }
  const { id, target } = rollout;
  const named = `rollout ${id} of ${target}`;
  if (rollout.phase === "reverting") {
    throw new CommandFailure(
      `${named} is reverting already (its auto-revert): follow it with '${program} rollout status ${id}'`,
    );
  }
  if (!isFinished(rollout)) {
    throw new CommandFailure(
      `${named} is still ${phaseLabel(rollout)}: abort it first ('${program} rollout abort ${id}'), then undo it`,
    );
  }
  if (rollout.phase === "reverted") {
    const older =
      "target" in ref
        ? `; to undo an older rollout, name its id (see '${program} rollout list ${target}')`
        : "";
    throw new CommandFailure(
      `${named} was reverted already: its instances are back on their previous content${older}`,
    );
  }
  return rollout;
}

/** Says the rollout started; follows it to its end unless detached. -o json: the last sighting. */
async function followStarted(
  context: CliContext,
  rollout: Rollout,
  detach: boolean,
): Promise<number> {
  const { out } = context;
  out.message(startedLine(rollout));
  if (!detach) return followToEnd(context, rollout);
  if (out.json) out.document(rollout);
  return EXIT_OK;
}
