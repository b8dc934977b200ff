import type { CliContext } from "../command.ts";
import { EXIT_OK } from "../errors.ts";
import { historyTable } from "../history-table.ts";
import type { RolloutFlagValues } from "../rollout-flags.ts";
import { getUnitFileHistory } from "../unit-files.ts";

/**
 * `rollout history TARGET`: the content versions of a template or a unit, newest first, the
 * version `rollout undo --to-version=N` takes; -o json: the API's history.
 */
export async function history(
  context: CliContext,
  target: string,
  values: RolloutFlagValues,
): Promise<number> {
  const found = await getUnitFileHistory(context.api, target);
  if (context.out.json) context.out.document(found);
  else context.out.raw(historyTable(found, { noLegend: values["no-legend"] === true }));
  return EXIT_OK;
}
