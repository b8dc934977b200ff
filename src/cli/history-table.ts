import type { UnitFileHistory } from "./api-types.ts";
import { timeOf } from "./rollout-progress.ts";
import { tabulate } from "./table.ts";

/**
 * `rollout history`: VERSION HASH CHANGED CAUSE, newest first as the API gives them, the
 * current version marked; `-` for a change without a cause.
 */
export function historyTable(history: UnitFileHistory, options: { noLegend: boolean }): string {
  const rows = history.history.map((entry) => [
    entry.current ? `${entry.version} (current)` : String(entry.version),
    entry.hash.slice(0, 7),
    timeOf(entry.at),
    entry.cause ?? "-",
  ]);
  const header = options.noLegend ? [] : [["VERSION", "HASH", "CHANGED", "CAUSE"]];
  return tabulate([...header, ...rows]);
}
