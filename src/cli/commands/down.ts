import { defineCommand } from "../command.ts";
import { asFailure, EXIT_OK } from "../errors.ts";
import {
  localClusterFlagHelp,
  localClusterOptions,
  showStatus,
  stateDirOf,
} from "../local-cluster.ts";

export const downCommand = defineCommand({
  name: "down",
  summary: "Stop the local cluster that up started, and remove its units' containers",
  usage: "[--purge] [--state-dir=DIR] [--status]",
  description: `Stops the agents first (they stop their units), then the servers, then etcd,
and removes the containers the machines' units created. The state directory (etcd's data,
machine ids, logs) stays for the next up unless --purge.`,
  examples: [
    ["flotilla down", "stop everything, keep the state"],
    ["flotilla down --purge", "stop everything and delete the state directory"],
  ],
  options: { ...localClusterOptions, purge: { type: "boolean" } },
  flagHelp: [
    ["--purge", "Also delete the state directory: etcd's data, machine ids and logs"],
    ...localClusterFlagHelp,
  ],
  arguments: "none",
  async run(context, { values }) {
    const { bringDown, purge, statusOf } = await import("../../local/cluster.ts");
    const stateDir = stateDirOf(values, context.cwd);
    if (values.status) {
      showStatus(context, await asFailure(statusOf(stateDir)));
      return EXIT_OK;
    }
    const report = (line: string) => context.out.message(line);
    const { machineIds } = await asFailure(bringDown(stateDir, report));
    const { removeContainersOf } = await import("../../local/containers.ts");
    const removed = await removeContainersOf(machineIds);
    if (removed > 0) report(`removed ${removed} containers of the machines' units`);
    if (values.purge) {
      await purge(stateDir);
      report(`removed ${stateDir}`);
    }
    return EXIT_OK;
  },
});
