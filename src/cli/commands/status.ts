import { ApiFailure } from "../api.ts";
import type { Unit } from "../api-types.ts";
import type { CliContext } from "../command.ts";
import { defineCommand } from "../command.ts";
import { getUnit, optionsOf } from "../desired-states.ts";
import { EXIT_FAILURE, EXIT_OK } from "../errors.ts";
import { fetchLog } from "../unit-logs.ts";
import { unitNameOf } from "../unit-names.ts";
import { descriptionOf } from "../unit-options.ts";
import { activeSummary, healthLines } from "../unit-states.ts";

/** systemctl status shows the last ten lines of the unit's journal. */
const STATUS_LOG_LINES = 10;

export const statusCommand = defineCommand({
  name: "status",
  summary: "Output the status of one or more units in the cluster",
  usage: "UNIT...",
  description: `Shows each unit as systemctl status would on its machine: description, load and
active state, where it runs, its health and the check that gave it, why it does not run, and
its last log lines; from the API, no SSH.
With -o json, one object per unit: {unit, description, log}.`,
  examples: [
    ["fleetctl status apache@80.service", "systemctl status of the unit, from its machine"],
  ],
  options: {},
  arguments: "units",
  async run(context, { positionals }) {
    const reports = [];
    for (const [index, arg] of positionals.entries()) {
      const name = unitNameOf(arg);
      const unit = await getUnit(context.api, name);
      if (!unit) {
        context.out.note(`Unit ${name} does not exist.`);
        return EXIT_FAILURE;
      }
      if (unit.currentState === "inactive") {
        context.out.note(`Unit ${name} does not appear to be loaded.`);
        return EXIT_FAILURE;
      }
      const description = descriptionOf(await optionsOf(context.api, name), name);
      const log = await logOf(context, name);
      reports.push({ unit, ...(description === undefined ? {} : { description }), log });
      if (context.out.json) continue;
      // As systemctl status separates units.
      if (index > 0) context.out.line("");
      context.out.raw(await render(context, unit, description, log));
    }
    if (context.out.json) context.out.document(reports);
    return EXIT_OK;
  },
});

async function render(
  context: CliContext,
  unit: Unit,
  description: string | undefined,
  log: string[],
): Promise<string> {
  const machines = unit.machineId ? [unit.machineId] : (unit.machineIds ?? []);
  const where = await Promise.all(machines.map((id) => context.machines.legend(id)));
  const template = unit.template ? `; instance of ${unit.template}` : "";
  const lines = [
    `● ${unit.name}${description ? ` - ${description}` : ""}`,
    `   Loaded: ${unit.loadState ?? "-"} (${unit.name}${template}; hash ${unit.shortHash})`,
    `   Active: ${activeSummary(unit)}`,
    `  Desired: ${unit.desiredState}`,
    `  Machine: ${where.join(", ") || "-"}`,
    ...healthLines(unit),
    ...timerLines(unit),
    ...runLines(unit),
    ...(unit.reason ? [`   Reason: ${unit.reason}`] : []),
    ...(log.length > 0 ? ["", ...log] : []),
  ];
  return lines.map((line) => `${line}\n`).join("");
}

/** A timer's next and last elapse, and what it starts, as systemctl status shows them. */
function timerLines(unit: Unit): string[] {
  const { timer } = unit;
  if (!timer) return [];
  const next = timer.nextElapse
    ? `${timer.nextElapse} (${timer.nextTrigger ?? "?"})`
    : unit.subState === "running"
      ? `when ${timer.unit} ends`
      : "-";
  return [
    `  Trigger: ${next}`,
    `     Last: ${timer.lastTrigger ?? "-"}`,
    ` Triggers: ${timer.unit}`,
  ];
}

/** A oneshot's recent runs, newest first: `journal --run=N` prints the output of run N. */
function runLines(unit: Unit): string[] {
  const runs = unit.runs ?? [];
  if (runs.length === 0) return [];
  return [
    "     Runs:",
    ...runs.map((run, index) => {
      const result = run.result ?? "running";
      const end = run.endedAt ? ` to ${run.endedAt}` : "";
      const why = run.reason ? `: ${run.reason}` : "";
      return `       ${index + 1}. ${run.startedAt}${end} ${result}${why}`;
    }),
  ];
}

/** The last lines, or none when the agent cannot give them: status still shows the state. */
async function logOf(context: CliContext, name: string): Promise<string[]> {
  try {
    const text = await fetchLog(context, name, STATUS_LOG_LINES);
    return text === "" ? [] : text.replace(/\n$/, "").split("\n");
  } catch (error) {
    if (!(error instanceof ApiFailure) || error.status === 404) return [];
    context.out.note(`${context.program}: no log for ${name}: ${error.message}`);
    return [];
  }
}
