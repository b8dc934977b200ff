// How `rollout --dry-run` shows the API's preview of a rollout (POST /v1/plan): pure
// functions of its RolloutPlan. The machines' legends are looked up by the command.

import type { RolloutPlan } from "./api-types.ts";
import { machineIdLegend } from "./machines.ts";
import { tabulate } from "./table.ts";

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** `a`, `a and b`, `a, b, and c`. */
function listOf(parts: readonly string[]): string {
  if (parts.length <= 2) return parts.join(" and ");
  return `${parts.slice(0, -1).join(", ")}, and ${parts.at(-1)}`;
}

/**
 * What the rollout would do, in one line (with canaries added beside the old instances, it
 * starts with `start 1 canary beside the old instances, then replace ...`):
 * `Rollout of apache@.service would replace 5 instances in 3 waves (1 canary), change 1 not
 * running at once, and leave 2 unchanged`. The instances not running and those unchanged are
 * mentioned only when there are some; `replace no instances` when none would be replaced.
 */
export function planLine(plan: RolloutPlan): string {
  const replaced = plan.instances.filter((instance) => instance.change === "replace");
  const count = (change: string) =>
    plan.instances.filter((instance) => instance.change === change).length;
  const waves = new Set(replaced.flatMap((instance) => instance.wave ?? [])).size;
  const canaries = replaced.filter((instance) => instance.canary).length;
  let replace = "replace no instances";
  if (replaced.length > 0) {
    replace = `replace ${plural(replaced.length, "instance", "instances")}`;
    if (waves > 0) replace += ` in ${plural(waves, "wave", "waves")}`;
    if (canaries > 0) replace += ` (${plural(canaries, "canary", "canaries")})`;
  }
  const added = count("add");
  const parts =
    added > 0
      ? [`start ${plural(added, "canary", "canaries")} beside the old instances`, `then ${replace}`]
      : [replace];
  const restartFree = count("restart-free");
  if (restartFree > 0) parts.push(`change ${restartFree} not running at once`);
  const unchanged = count("unchanged");
  if (unchanged > 0) parts.push(`leave ${unchanged} unchanged`);
  return `Rollout of ${plan.target} would ${listOf(parts)}`;
}

/**
 * INSTANCE MACHINE CHANGE WAVE CANARY, in the rollout's order. `machines` maps a machine's id
 * to its legend (`2c2a7f0e.../10.0.0.1`); an id it lacks is shown ellipsized. `-` for an
 * empty cell.
 */
export function planTable(
  plan: RolloutPlan,
  machines: ReadonlyMap<string, string>,
  options: { noLegend: boolean },
): string {
  const rows = plan.instances.map((instance) => [
    instance.name,
    instance.machineId === undefined
      ? "-"
      : (machines.get(instance.machineId) ?? machineIdLegend(instance.machineId, false)),
    instance.change,
    instance.wave === undefined ? "-" : String(instance.wave),
    instance.canary ? "yes" : "-",
  ]);
  const header = options.noLegend ? [] : [["INSTANCE", "MACHINE", "CHANGE", "WAVE", "CANARY"]];
  return tabulate([...header, ...rows]);
}

/** `rollout --dry-run`'s text: the line, then the table. */
export function planText(
  plan: RolloutPlan,
  machines: ReadonlyMap<string, string>,
  options: { noLegend: boolean },
): string {
  return `${planLine(plan)}\n${planTable(plan, machines, options)}`;
}
