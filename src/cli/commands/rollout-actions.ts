import type { CliContext } from "../command.ts";
import { EXIT_OK } from "../errors.ts";
import type { RolloutFlagValues } from "../rollout-flags.ts";
import { actionLine } from "../rollout-progress.ts";
import type { RolloutAction } from "../rollout-words.ts";
import { actOnRollout } from "../rollouts.ts";

/**
 * `rollout pause|resume|promote|abort ID`: one line with the phase the action left it in
 * (`Rollout 3f9c21ab of apache@.service: rolling (paused)`); -o json: the rollout.
 */
export async function act(
  context: CliContext,
  action: RolloutAction,
  id: string,
  values: RolloutFlagValues,
): Promise<number> {
  const reason = typeof values.reason === "string" ? values.reason : undefined;
  const rollout = await actOnRollout(context.api, id, action, reason);
  if (context.out.json) context.out.document(rollout);
  else context.out.message(actionLine(rollout));
  return EXIT_OK;
}
