import { blockFlagHelp, blockingOf, blockOptions } from "../blocking.ts";
import { defineCommand } from "../command.ts";
import { putDesiredState } from "../desired-states.ts";
import { EXIT_FAILURE, EXIT_OK } from "../errors.ts";
import { findUnits } from "../find-units.ts";
import { finishStateChange } from "../state-change.ts";
import { fleetStateOf } from "../unit-states.ts";

export const restartCommand = defineCommand({
  name: "restart",
  summary: "Restart one or more units in the cluster, one after the other",
  usage: "[--no-block|--block-attempts=N] UNIT...",
  description: `Stops each running unit and starts it again, waiting for each step before the
next unit; a unit that is loaded but stopped is started. With --no-block the stop and the
start are only asked for: the unit's machine restarts it (fleetctl has no --no-block here).`,
  examples: [
    ["fleetctl restart apache@80.service", "stop and start it again, waiting for each"],
    ["fleetctl restart --no-block apache@80.service", "ask for it and return"],
  ],
  options: { ...blockOptions },
  flagHelp: blockFlagHelp,
  arguments: "units",
  async run(context, { values, positionals }) {
    const blocking = blockingOf(values);
    const { found, missing } = await findUnits(context, positionals);
    for (const name of missing) context.out.note(`Unit ${name} does not exist.`);
    let code = missing.length > 0 ? EXIT_FAILURE : EXIT_OK;
    for (const { unit, global } of found) {
      if (!global && unit.currentState === "inactive") {
        context.out.note(`Unable to restart unit ${unit.name} in state inactive`);
        code = EXIT_FAILURE;
        continue;
      }
      const names = [unit.name];
      let before = unit;
      if (global || fleetStateOf(unit) === "launched") {
        const stopped = await putDesiredState(context.api, unit.name, "loaded");
        const triggered = [{ name: unit.name, global, before, after: stopped }];
        if ((await finishStateChange(context, "stop", names, triggered, blocking)) !== EXIT_OK) {
          return EXIT_FAILURE;
        }
        before = stopped;
      }
      const started = await putDesiredState(context.api, unit.name, "launched");
      const triggered = [{ name: unit.name, global, before, after: started }];
      if ((await finishStateChange(context, "start", names, triggered, blocking)) !== EXIT_OK) {
        return EXIT_FAILURE;
      }
    }
    return code;
  },
});
