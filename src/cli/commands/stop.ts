import { blockFlagHelp, blockingOf, blockOptions } from "../blocking.ts";
import { defineCommand } from "../command.ts";
import { putDesiredState, type Triggered } from "../desired-states.ts";
import { EXIT_FAILURE, EXIT_OK } from "../errors.ts";
import { findUnits, goList } from "../find-units.ts";
import { finishStateChange } from "../state-change.ts";
import { fleetStateOf } from "../unit-states.ts";

export const stopCommand = defineCommand({
  name: "stop",
  summary: "Stop one or more units in the cluster, keeping them loaded",
  usage: "[--no-block|--block-attempts=N] UNIT...",
  description: `Sets the units' desired state to loaded and waits until their machines report
them stopped. A unit that is not loaded anywhere cannot be stopped.`,
  examples: [
    ["fleetctl stop apache@80.service", "stop it and wait; it stays loaded on its machine"],
    [
      "fleetctl stop --no-block apache@80.service apache@9999.service",
      "two units, without waiting",
    ],
  ],
  options: { ...blockOptions },
  flagHelp: blockFlagHelp,
  arguments: "units",
  async run(context, { values, positionals }) {
    const blocking = blockingOf(values);
    const { names, found, missing } = await findUnits(context, positionals);
    for (const name of missing) context.out.note(`Unit ${name} does not exist.`);
    const inactive = found.filter(
      ({ unit, global }) => !global && unit.currentState === "inactive",
    );
    for (const { unit } of inactive) {
      context.out.note(`Unable to stop unit ${unit.name} in state inactive`);
    }
    if (inactive.length > 0 || found.length === 0) return EXIT_FAILURE;
    const triggered: Triggered[] = [];
    for (const { unit, global } of found) {
      // Already stopped, or running only because another unit requires it: fleet left it.
      if (!global && fleetStateOf(unit) === "loaded") continue;
      const after = await putDesiredState(context.api, unit.name, "loaded");
      triggered.push({ name: unit.name, global, before: unit, after });
    }
    const code = await finishStateChange(
      context,
      "stop",
      names,
      triggered,
      blocking,
      found.map(({ unit }) => unit),
    );
    const stopped = triggered.filter((unit) => !unit.global).map((unit) => unit.name);
    if (code === EXIT_OK && stopped.length > 0) {
      context.out.note(`Successfully stopped units ${goList(stopped)}.`);
    }
    return missing.length > 0 ? EXIT_FAILURE : code;
  },
});
