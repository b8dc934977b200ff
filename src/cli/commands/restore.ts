import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { expectData } from "../api.ts";
import type { Backup } from "../api-types.ts";
import { defineCommand } from "../command.ts";
import { CommandFailure, EXIT_OK, UsageError } from "../errors.ts";

export const restoreCommand = defineCommand({
  name: "restore",
  summary: "Bring a cluster back from a backup file",
  usage: "FILE|-",
  description: `Writes a backup taken with 'backup' into a cluster that holds none of its units
yet: etcd lost its data, or a new one (or a new prefix) takes over. Agents that kept running
report their units again; those the backup places on them, with the same content, run on
untouched, and the others start. Until a restore, the engine stops nothing that agents run
without a record in etcd. A restore cut short can be run again: keys already restored are
left alone. Refused (nothing written) when the cluster holds units the backup does not have.
'-' reads the backup from standard input.`,
  examples: [["fleetctl restore flotilla-2026-12-07.json", "after etcd lost its data"]],
  options: {},
  arguments: "any",
  async run(context, { positionals }) {
    const [file] = positionals;
    if (positionals.length !== 1 || !file)
      throw new UsageError("one backup file must be given (- for standard input)", "restore");
    const text = await readFile(
      file === "-" ? "/dev/stdin" : resolve(context.cwd, file),
      "utf8",
    ).catch((error: Error) => {
      throw new CommandFailure(`cannot read ${file}: ${error.message}`);
    });
    let backup: Backup;
    try {
      backup = JSON.parse(text) as Backup;
    } catch {
      throw new CommandFailure(`${file} is not a backup: it does not hold JSON`);
    }
    const result = await expectData(
      context.api,
      context.api.client.POST("/v1/restore", { body: backup }),
    );
    context.out.message(
      `Restored ${result.written} keys (${result.unchanged} already there): the cluster holds ${result.units} unit${result.units === 1 ? "" : "s"}`,
    );
    return EXIT_OK;
  },
});
