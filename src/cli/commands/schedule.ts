import type { Blocking } from "../blocking.ts";
import type { CliContext } from "../command.ts";
import { setDesiredStates } from "../desired-states.ts";
import { EXIT_FAILURE } from "../errors.ts";
import { finishStateChange } from "../state-change.ts";
import { ensureSubmitted } from "../submission.ts";
import { unitNameOf } from "../unit-names.ts";

/** load and start: submit what the cluster lacks, set the desired state, wait as fleetctl did. */
export async function schedule(
  context: CliContext,
  args: readonly string[],
  goal: "load" | "start",
  options: { replace: boolean; blocking: Blocking },
): Promise<number> {
  for (const arg of args) {
    await ensureSubmitted(context, arg, { command: goal, replace: options.replace });
  }
  const names = [...new Set(args.map(unitNameOf))];
  const { triggered, unchanged } = await setDesiredStates(
    context,
    names,
    goal === "load" ? "loaded" : "launched",
  );
  // fleetctl left a unit already launched alone and said nothing; one that failed there
  // must not pass for started.
  const failed = goal === "start" ? unchanged.filter((unit) => unit.activeState === "failed") : [];
  for (const unit of failed) {
    const where = unit.machineId ? ` on ${await context.machines.legend(unit.machineId)}` : "";
    context.out.note(`Unit ${unit.name} failed to start${where}: ${unit.reason ?? "failed"}`);
  }
  const code = await finishStateChange(
    context,
    goal,
    names,
    triggered,
    options.blocking,
    unchanged,
  );
  return failed.length > 0 ? EXIT_FAILURE : code;
}
