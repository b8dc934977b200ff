import type { UnitState } from "../unit/states.ts";
import { type Api, expectData, expectFound } from "./api.ts";
import type { Unit, UnitOption } from "./api-types.ts";
import type { CliContext } from "./command.ts";
import { CommandFailure } from "./errors.ts";
import { getUnitFile } from "./unit-files.ts";
import { templatedName } from "./unit-names.ts";
import { isGlobal } from "./unit-options.ts";

export interface Triggered {
  name: string;
  /** fleetctl never waited for global units; it only said it triggered them. */
  global: boolean;
  /** The unit before the change; undefined when the change created it from its template. */
  before?: Unit;
  after: Unit;
}

/**
 * Sets each unit's desired state in turn, as fleetctl did. A unit already there is skipped
 * and not waited for; an instance that does not exist yet is created from its template.
 */
export async function setDesiredStates(
  context: CliContext,
  names: readonly string[],
  desiredState: UnitState,
): Promise<{ triggered: Triggered[]; unchanged: Unit[] }> {
  const triggered: Triggered[] = [];
  const unchanged: Unit[] = [];
  for (const name of names) {
    const before = await getUnit(context.api, name);
    if (before?.desiredState === desiredState) {
      unchanged.push(before);
      continue;
    }
    const after = await putDesiredState(context.api, name, desiredState);
    const global = isGlobal(await optionsOf(context.api, name));
    triggered.push({ name, global, ...(before ? { before } : {}), after });
  }
  return { triggered, unchanged };
}

/** The unit of that name, or undefined: a template is a unit file, never a unit. */
export async function getUnit(api: Api, name: string): Promise<Unit | undefined> {
  if (templatedName(name)?.instance === "") return undefined;
  return expectFound(api, api.client.GET("/v1/units/{name}", { params: { path: { name } } }));
}

export function putDesiredState(api: Api, name: string, desiredState: UnitState) {
  return expectData(
    api,
    api.client.PUT("/v1/units/{name}", { params: { path: { name } }, body: { desiredState } }),
  );
}

/** A unit's options: its own file's, or for an instance not yet created, its template's. */
export async function optionsOf(api: Api, name: string): Promise<UnitOption[]> {
  const candidates = [name, templatedName(name)?.template].filter(
    (candidate): candidate is string => candidate !== undefined && candidate !== "",
  );
  for (const candidate of candidates) {
    const file = await getUnitFile(api, candidate);
    if (file) return file.options;
  }
  throw new CommandFailure(`unable to find unit ${name}`);
}
