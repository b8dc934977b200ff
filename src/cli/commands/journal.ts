import { defineCommand } from "../command.ts";
import { getUnit } from "../desired-states.ts";
import { EXIT_FAILURE, EXIT_OK, UsageError } from "../errors.ts";
import { integerFlag } from "../flags.ts";
import { fetchLog, followLog } from "../unit-logs.ts";
import { unitNameOf } from "../unit-names.ts";

/** The most lines the API gives at once: a run's whole output, as far as its agent keeps it. */
const ALL_LINES = 99_999;

export const journalCommand = defineCommand({
  name: "journal",
  summary: "Print the log of a unit in the cluster",
  usage: "[--lines=N] [-f|--follow] [--run=N] UNIT",
  description: `Prints the unit's recent output, read from its machine's agent through the API:
no SSH. With --follow, keeps printing new lines until interrupted. With --run=N, the output
of one of a oneshot service's recent runs (a timer's, say; \`status\` lists them), 1 for the
latest. With -o json, a document {unit, lines}; with --follow, one JSON object {unit, line}
per line.`,
  examples: [
    ["fleetctl journal apache@80.service", "its last 10 lines of output"],
    ["fleetctl journal --lines=100 -f apache@80.service", "100 lines, then new ones as they come"],
    ["flotilla journal --run=2 backup.service", "what the run before the last wrote"],
  ],
  options: {
    lines: { type: "string" },
    follow: { type: "boolean", short: "f" },
    run: { type: "string" },
  },
  flagHelp: [
    ["--lines=N", "How many recent lines (default 10; with --run, all the agent keeps)"],
    ["-f, --follow", "Keep printing lines as the unit writes them"],
    ["--run=N", "The output of the unit's Nth latest run (oneshot services)"],
  ],
  // fleetctl handed --output to journalctl; its text modes print the lines as they are.
  outputAliases: { short: "table", cat: "table" },
  arguments: "unit",
  async run(context, { values, positionals }) {
    const name = unitNameOf(positionals[0] as string);
    const run = values.run === undefined ? undefined : integerFlag(values.run, "--run", 1, 1);
    const lines = integerFlag(values.lines, "--lines", run === undefined ? 10 : ALL_LINES);
    if (run !== undefined && values.follow)
      throw new UsageError("--run and --follow cannot be combined", "journal");
    const unit = await getUnit(context.api, name);
    if (!unit) {
      context.out.note(`Unit ${name} does not exist.`);
      return EXIT_FAILURE;
    }
    if (unit.currentState === "inactive") {
      context.out.note(`Unit ${name} does not appear to be running.`);
      return EXIT_FAILURE;
    }
    if (!values.follow) {
      const text = await fetchLog(context, name, lines, run);
      if (context.out.json) context.out.document({ unit: name, lines: splitLines(text) });
      else context.out.raw(text);
      return EXIT_OK;
    }
    let partial = "";
    await followLog(context, name, lines, (text) => {
      if (!context.out.json) return context.out.raw(text);
      const complete = (partial + text).split("\n");
      partial = complete.pop() ?? "";
      for (const line of complete) context.out.line(JSON.stringify({ unit: name, line }));
    });
    return EXIT_OK;
  },
});

function splitLines(text: string): string[] {
  return text === "" ? [] : text.replace(/\n$/, "").split("\n");
}
