import type { FleetUnitOptionView } from "./entities.ts";
import { FleetError } from "./fleet-error.ts";

/**
 * Request bodies read as fleet read them, with Go's encoding/json: keys match struct fields
 * case-insensitively, unknown keys are ignored, `null` leaves a field empty, and a value of the
 * wrong JSON type is an error naming Go's types.
 */

/** A body's text as JSON; empty or broken text is a 400 with `prefix` before Go-like wording. */
export function decodeJsonText(raw: unknown, prefix: string): unknown {
  const text = typeof raw === "string" ? raw : Buffer.isBuffer(raw) ? raw.toString("utf8") : "";
  if (text.trim() === "") throw new FleetError(400, `${prefix}EOF`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FleetError(400, `${prefix}${error instanceof Error ? error.message : String(error)}`);
  }
}

/** What PUT /units/{name} reads: fleet's schema.Unit, empty strings for absent fields. */
export interface UnitBody {
  name: string;
  desiredState: string;
  options: FleetUnitOptionView[];
}

const PREFIX = "unable to decode body: ";

export function decodeUnitBody(raw: unknown): UnitBody {
  const value = decodeJsonText(raw, PREFIX);
  if (value === null) return { name: "", desiredState: "", options: [] };
  const fields = goFields(value, ["name", "options", "desiredState", "currentState", "machineID"], {
    into: "Go value of type schema.Unit",
  });
  for (const key of ["name", "desiredState", "currentState", "machineID"] as const) {
    expectString(fields[key], `Unit.${key}`);
  }
  const options = fields.options;
  if (options !== undefined && options !== null && !Array.isArray(options)) {
    throw typeError(options, "Go struct field Unit.options of type []*schema.UnitOption");
  }
  return {
    name: (fields.name as string | null | undefined) ?? "",
    desiredState: (fields.desiredState as string | null | undefined) ?? "",
    options: (options ?? []).map(decodeOption),
  };
}

function decodeOption(option: unknown): FleetUnitOptionView {
  const fields = goFields(option ?? {}, ["section", "name", "value"], {
    into: "Go struct field Unit.options of type schema.UnitOption",
  });
  const result: FleetUnitOptionView = {};
  for (const key of ["section", "name", "value"] as const) {
    const value = expectString(fields[key], `UnitOption.${key}`);
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/** An object's fields under their struct names, matched as Go matches them. */
function goFields(
  value: unknown,
  known: readonly string[],
  context: { into: string },
): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw typeError(value, context.into);
  }
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    // Go assigns fields in key order, so of two spellings of one field the last wins.
    const canonical = known.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
    if (canonical) result[canonical] = field;
  }
  return result;
}

function expectString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw typeError(value, `Go struct field ${field} of type string`);
  return value;
}

function typeError(value: unknown, into: string): FleetError {
  return new FleetError(400, `${PREFIX}json: cannot unmarshal ${jsonKind(value)} into ${into}`);
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "boolean") return "bool";
  return typeof value;
}
