import { blockFlagHelp, blockingOf, blockOptions } from "../blocking.ts";
import { defineCommand } from "../command.ts";
import { schedule } from "./schedule.ts";

export const startCommand = defineCommand({
  name: "start",
  summary: "Start one or more units in the cluster, first submitting and loading if necessary",
  usage: "[--no-block|--block-attempts=N] [--replace] UNIT...",
  description: `Launches units and waits until each runs: "Unit apache@80.service launched on
2c2a7f0e.../10.0.0.1". A unit that fails to start is reported with the agent's reason,
and the exit status is 1. Global units are not waited for.
--replace stops, replaces and starts a running unit at once, as fleet did: 'flotilla
rollout' is the safe way to replace running instances, a few at a time, drained,
health-checked, and put back if the new content fails.`,
  examples: [
    [
      "fleetctl start apache@80.service apache-discovery@80.service",
      "submit, load and launch, and wait until both run",
    ],
    [
      "fleetctl start --replace ./hello.service",
      "a local file, replacing a different submitted one",
    ],
  ],
  options: { ...blockOptions, replace: { type: "boolean" } },
  flagHelp: [...blockFlagHelp, ["--replace", "Replace submitted units whose local file differs"]],
  arguments: "units",
  run(context, { values, positionals }) {
    return schedule(context, positionals, "start", {
      replace: values.replace === true,
      blocking: blockingOf(values),
    });
  },
});
