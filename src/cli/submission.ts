import { relative } from "node:path";
import { UNIT_STATES, type UnitState } from "../unit/states.ts";
import { ApiFailure, expectData, expectFound } from "./api.ts";
import type { UnitFileSubmitted } from "./api-types.ts";
import type { CliContext } from "./command.ts";
import { CommandFailure } from "./errors.ts";
import { besidePathOf, localPathOf, readLocalUnit } from "./local-files.ts";
import { getUnitFile } from "./unit-files.ts";
import { templatedName, unitNameOf } from "./unit-names.ts";

export type SubmittingCommand = "submit" | "load" | "start";

/** fleetctl replaced a unit only in the desired states the command could have left it in. */
const REPLACEABLE: Record<SubmittingCommand, readonly UnitState[]> = {
  submit: ["inactive"],
  load: ["inactive", "loaded"],
  start: UNIT_STATES,
};

export interface Submission {
  name: string;
  /** True when this command added the unit to the cluster. */
  created: boolean;
}

/**
 * Makes sure the cluster has the unit an argument names, as fleetctl's lazy creation did. A
 * local file is submitted: the same content again changes nothing, other content needs
 * --replace. Without a local file the unit must be submitted already, or be an instance of a
 * template that is submitted or lies beside it on disk. `submit` also creates the instance.
 */
export async function ensureSubmitted(
  context: CliContext,
  arg: string,
  options: { command: SubmittingCommand; replace: boolean },
): Promise<Submission> {
  const name = unitNameOf(arg);
  const path = localPathOf(context.cwd, arg);
  const text = await readLocalUnit(path);
  if (text !== undefined) {
    const created = await submitLocalFile(
      context,
      name,
      text,
      relative(context.cwd, path),
      options,
    );
    if (created && options.command === "submit") context.out.message(`Unit ${name} inactive`);
    return { name, created };
  }
  if (await unitFileExists(context, name)) return { name, created: false };
  const parts = templatedName(name);
  if (!parts || parts.instance === "") {
    throw new CommandFailure(`unable to find unit ${name} in the cluster or at ${path}`);
  }
  if (!(await unitFileExists(context, parts.template))) {
    const templatePath = besidePathOf(context.cwd, arg, parts.template);
    const templateText = await readLocalUnit(templatePath);
    if (templateText === undefined) {
      throw new CommandFailure(
        `unable to find unit ${name}, or its template ${parts.template}, in the cluster or at ${templatePath}`,
      );
    }
    await submitLocalFile(context, parts.template, templateText, parts.template, options);
  }
  if (options.command !== "submit") return { name, created: false };
  return { name, created: await createInactiveInstance(context, name) };
}

async function submitLocalFile(
  context: CliContext,
  name: string,
  text: string,
  shownPath: string,
  options: { command: SubmittingCommand; replace: boolean },
): Promise<boolean> {
  let submitted = await putUnitFile(context, name, text, false);
  if (submitted === "differs") {
    if (!options.replace) {
      context.out.note(
        `WARNING: Unit ${name} in registry differs from local unit file ${shownPath}. Add --replace to override.`,
      );
      return false;
    }
    const desired = await desiredStateOf(context, name);
    if (!REPLACEABLE[options.command].includes(desired)) {
      context.out.note(
        `Warning: can not replace Unit(${name}) in state '${desired}', use the appropriate command`,
      );
      return false;
    }
    submitted = await putUnitFile(context, name, text, true);
    if (submitted === "differs") throw new CommandFailure(`unit ${name} could not be replaced`);
  }
  for (const warning of submitted.warnings) {
    const line = warning.line === undefined ? "" : `line ${warning.line}: `;
    context.out.note(`WARNING: Unit ${name}: ${line}${warning.message}`);
  }
  return submitted.created;
}

/** The API answers 409 for other content under the name: that is "differs", not an error. */
async function putUnitFile(
  context: CliContext,
  name: string,
  text: string,
  replace: boolean,
): Promise<UnitFileSubmitted | "differs"> {
  const { api } = context;
  try {
    return await expectData(
      api,
      api.client.PUT("/v1/unit-files/{name}", {
        params: { path: { name }, query: replace ? { replace: "true" } : {} },
        text,
      }),
    );
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 409) return "differs";
    throw error;
  }
}

async function unitFileExists(context: CliContext, name: string): Promise<boolean> {
  return (await getUnitFile(context.api, name)) !== undefined;
}

/** A template, or a unit never loaded, is inactive. */
async function desiredStateOf(context: CliContext, name: string): Promise<UnitState> {
  if (templatedName(name)?.instance === "") return "inactive";
  const { api } = context;
  const unit = await expectFound(
    api,
    api.client.GET("/v1/units/{name}", { params: { path: { name } } }),
  );
  return unit?.desiredState ?? "inactive";
}

/** fleetctl submitted an instance as an inactive unit; the API makes it from its template. */
async function createInactiveInstance(context: CliContext, name: string): Promise<boolean> {
  const { api } = context;
  const existing = await expectFound(
    api,
    api.client.GET("/v1/units/{name}", { params: { path: { name } } }),
  );
  if (existing) return false;
  await expectData(
    api,
    api.client.PUT("/v1/units/{name}", {
      params: { path: { name } },
      body: { desiredState: "inactive" },
    }),
  );
  context.out.message(`Unit ${name} inactive`);
  return true;
}
