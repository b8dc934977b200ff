import { defineCommand } from "../command.ts";
import { EXIT_OK } from "../errors.ts";
import { ensureSubmitted, type Submission } from "../submission.ts";

export const submitCommand = defineCommand({
  name: "submit",
  summary: "Upload one or more units to the cluster without starting them",
  usage: "[--replace] UNIT...",
  description: `Submits unit files from the given paths; the file name is the unit's name.
An instance (apache@80.service) needs its template, submitted or beside it on disk.
Submitting the same content again changes nothing. --replace replaces only units not loaded
(start --replace stops, replaces and starts a running unit at once, as fleet did):
'flotilla rollout' is the safe way to replace running instances, a few at a time, drained,
health-checked, and put back if the new content fails.`,
  examples: [
    ["fleetctl submit apache@.service apache-discovery@.service", "the tutorial's two templates"],
    ["fleetctl submit --replace hello.service", "send a changed file"],
  ],
  options: { replace: { type: "boolean" } },
  flagHelp: [["--replace", "Replace submitted units whose local file differs"]],
  arguments: "units",
  async run(context, { values, positionals }) {
    const submissions: Submission[] = [];
    for (const arg of positionals) {
      submissions.push(
        await ensureSubmitted(context, arg, {
          command: "submit",
          replace: values.replace === true,
        }),
      );
    }
    if (context.out.json) context.out.document(submissions);
    return EXIT_OK;
  },
});
