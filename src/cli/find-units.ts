import type { Unit } from "./api-types.ts";
import type { CliContext } from "./command.ts";
import { getUnit, optionsOf } from "./desired-states.ts";
import { unitNameOf } from "./unit-names.ts";
import { isGlobal } from "./unit-options.ts";

export interface FoundUnit {
  unit: Unit;
  global: boolean;
}

/** The units the arguments name, each once, and the names the cluster does not have. */
export async function findUnits(
  context: CliContext,
  args: readonly string[],
): Promise<{ names: string[]; found: FoundUnit[]; missing: string[] }> {
  const names = [...new Set(args.map(unitNameOf))];
  const found: FoundUnit[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const unit = await getUnit(context.api, name);
    if (!unit) {
      missing.push(name);
      continue;
    }
    found.push({ unit, global: isGlobal(await optionsOf(context.api, name)) });
  }
  return { names, found, missing };
}

/** fleetctl printed Go's %v of a list of names: `[a.service b.service]`. */
export function goList(names: readonly string[]): string {
  return `[${names.join(" ")}]`;
}
