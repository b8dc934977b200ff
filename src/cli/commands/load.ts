import { blockFlagHelp, blockingOf, blockOptions } from "../blocking.ts";
import { defineCommand } from "../command.ts";
import { schedule } from "./schedule.ts";

export const loadCommand = defineCommand({
  name: "load",
  summary: "Schedule one or more units in the cluster, first submitting them if necessary",
  usage: "[--no-block|--block-attempts=N] [--replace] UNIT...",
  description: `Places units on machines without starting them, and waits until each machine
reports its unit loaded: "Unit apache@80.service loaded on 2c2a7f0e.../10.0.0.1".
Global units are not waited for. --replace replaces units that are not running; 'flotilla
rollout' is the safe way to replace running instances, a few at a time, drained,
health-checked, and put back if the new content fails.`,
  examples: [
    ["fleetctl load apache@80.service", "place an instance of apache@.service on a machine"],
    [
      "fleetctl load --no-block apache@81.service apache@82.service",
      "two instances, without waiting",
    ],
  ],
  options: { ...blockOptions, replace: { type: "boolean" } },
  flagHelp: [...blockFlagHelp, ["--replace", "Replace submitted units whose local file differs"]],
  arguments: "units",
  run(context, { values, positionals }) {
    return schedule(context, positionals, "load", {
      replace: values.replace === true,
      blocking: blockingOf(values),
    });
  },
});
