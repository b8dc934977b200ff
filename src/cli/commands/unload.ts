import { blockFlagHelp, blockingOf, blockOptions } from "../blocking.ts";
import { defineCommand } from "../command.ts";
import { putDesiredState, type Triggered } from "../desired-states.ts";
import { EXIT_FAILURE, EXIT_OK } from "../errors.ts";
import { findUnits, goList } from "../find-units.ts";
import { finishStateChange } from "../state-change.ts";

export const unloadCommand = defineCommand({
  name: "unload",
  summary: "Unschedule one or more units in the cluster",
  usage: "[--no-block|--block-attempts=N] UNIT...",
  description: `Sets the units' desired state to inactive: they stop and leave their machines.
Waits until each is reported inactive.`,
  examples: [["fleetctl unload apache@80.service", "stop it and take it off its machine"]],
  options: { ...blockOptions },
  flagHelp: blockFlagHelp,
  arguments: "units",
  async run(context, { values, positionals }) {
    const blocking = blockingOf(values);
    const { names, found, missing } = await findUnits(context, positionals);
    for (const name of missing) context.out.note(`Unit ${name} does not exist.`);
    if (found.length === 0) return EXIT_FAILURE;
    const triggered: Triggered[] = [];
    for (const { unit, global } of found) {
      if (unit.desiredState === "inactive" && unit.currentState === "inactive") continue;
      const after = await putDesiredState(context.api, unit.name, "inactive");
      triggered.push({ name: unit.name, global, before: unit, after });
    }
    const code = await finishStateChange(
      context,
      "unload",
      names,
      triggered,
      blocking,
      found.map(({ unit }) => unit),
    );
    const unloaded = triggered.filter((unit) => !unit.global).map((unit) => unit.name);
    if (code === EXIT_OK && unloaded.length > 0) {
      context.out.note(`Successfully unloaded units ${goList(unloaded)}.`);
    }
    return missing.length > 0 ? EXIT_FAILURE : code;
  },
});
