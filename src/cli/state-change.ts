import type { Unit } from "./api-types.ts";
import type { Blocking } from "./blocking.ts";
import type { CliContext } from "./command.ts";
import type { Triggered } from "./desired-states.ts";
import { EXIT_FAILURE, EXIT_OK } from "./errors.ts";
import { type Goal, waitForUnits } from "./wait.ts";

/**
 * The end of load, start, stop and unload, as fleetctl ended them: global units are only
 * triggered; the others are waited for unless --no-block, which prints `Triggered unit X
 * start` instead. With -o json stdout gets the units as the API last showed them.
 */
export async function finishStateChange(
  context: CliContext,
  goal: Goal,
  /** The units named, in the order the JSON result lists them. */
  names: readonly string[],
  triggered: readonly Triggered[],
  blocking: Blocking,
  /** Units named but left alone (already in the state asked for), for the JSON result. */
  untouched: readonly Unit[] = [],
): Promise<number> {
  for (const unit of triggered.filter((unit) => unit.global)) {
    context.out.message(`Triggered global unit ${unit.name} ${goal}`);
  }
  const awaited = triggered.filter((unit) => !unit.global);
  const latest = new Map<string, Unit>();
  for (const unit of [...untouched, ...triggered.map((unit) => unit.after)]) {
    latest.set(unit.name, unit);
  }
  let failed = false;
  if (!blocking.wait) {
    for (const unit of awaited) context.out.message(`Triggered unit ${unit.name} ${goal}`);
  } else {
    const outcomes = await waitForUnits(
      context,
      awaited.map((unit) => ({
        name: unit.name,
        goal,
        ...(unit.before ? { before: unit.before } : {}),
      })),
      blocking.attempts,
    );
    for (const outcome of outcomes) {
      if (outcome.unit) latest.set(outcome.name, outcome.unit);
      if (!outcome.ok) failed = true;
    }
  }
  if (context.out.json) {
    context.out.document(names.flatMap((name) => latest.get(name) ?? []));
  }
  return failed ? EXIT_FAILURE : EXIT_OK;
}
