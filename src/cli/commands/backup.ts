import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { expectData } from "../api.ts";
import { defineCommand } from "../command.ts";
import { CommandFailure, EXIT_OK, UsageError } from "../errors.ts";

export const backupCommand = defineCommand({
  name: "backup",
  summary: "Save the cluster's unit files, units and desired states to a file",
  usage: "FILE|-",
  description: `Writes a backup of everything etcd must hold to bring the cluster back: every unit
file (with the contents its history keeps), unit and desired state, placement, operator
metadata, drain and rollout, read at one etcd revision. Machines and unit states are not in
it: agents report them again. '-' writes the backup to standard output. 'restore' brings a
cluster back from it.`,
  examples: [["fleetctl backup flotilla-$(date +%F).json", "before an etcd upgrade"]],
  options: {},
  arguments: "any",
  async run(context, { positionals }) {
    const [file] = positionals;
    if (positionals.length !== 1 || !file)
      throw new UsageError("one file must be given (- for standard output)", "backup");
    const backup = await expectData(context.api, context.api.client.GET("/v1/backup"));
    const text = `${JSON.stringify(backup)}\n`;
    if (file === "-") {
      context.out.raw(text);
      return EXIT_OK;
    }
    await writeFile(resolve(context.cwd, file), text, { mode: 0o600 }).catch((error: Error) => {
      throw new CommandFailure(`cannot write ${file}: ${error.message}`);
    });
    const units = backup.keys.filter((entry) => entry.key.startsWith("units/")).length;
    context.out.message(
      `Backed up ${units} unit${units === 1 ? "" : "s"} (${backup.keys.length} keys, etcd revision ${backup.revision}) to ${file}`,
    );
    return EXIT_OK;
  },
});
