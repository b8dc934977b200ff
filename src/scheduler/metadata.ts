import type { MetadataRequirement } from "../unit/xfleet.ts";

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** The requirement as written in a unit file, e.g. `region=us-east region=eu-west` or `cores>=8`. */
export function formatRequirement(requirement: MetadataRequirement): string {
  return requirement.values.map((v) => `${requirement.key}${requirement.op}${v}`).join(" ");
}

/** The machine's value for `key`, if it has one (own properties only). */
export function metadataValue(
  metadata: Readonly<Record<string, string>>,
  key: string,
): string | undefined {
  return Object.hasOwn(metadata, key) ? metadata[key] : undefined;
}

/**
 * The first requirement the metadata fails, if any: every requirement must hold (AND); "="
 * needs the key with one of the values (OR); "!=" needs the machine's value, if it has the key
 * at all, to be none of the values; "<" "<=" ">" ">=" need the key with a decimal value
 * comparing so. A missing key fails all but "!=".
 */
export function failingRequirement(
  requirements: readonly MetadataRequirement[],
  metadata: Readonly<Record<string, string>>,
): MetadataRequirement | undefined {
  for (const requirement of requirements) {
    if (!holds(requirement, metadataValue(metadata, requirement.key))) return requirement;
  }
  return undefined;
}

function holds({ op, values }: MetadataRequirement, value: string | undefined): boolean {
  if (op === "!=") return value === undefined || !values.includes(value);
  if (value === undefined) return false;
  if (op === "=") return values.includes(value);
  if (!DECIMAL.test(value)) return false;
  const have = Number(value);
  const want = Number(values[0]);
  return op === "<"
    ? have < want
    : op === "<="
      ? have <= want
      : op === ">"
        ? have > want
        : have >= want;
}

/** Why a machine whose value for the requirement's key is `value` fails it. */
export function mismatchReason(
  requirement: MetadataRequirement,
  value: string | undefined,
): string {
  const { key, op } = requirement;
  if (op === "!=")
    return `has metadata ${key}=${value}, excluded by MachineMetadata=${key}!=${value}`;
  if (value === undefined) {
    return `has no metadata ${key} (MachineMetadata=${formatRequirement(requirement)})`;
  }
  const number = op !== "=" && !DECIMAL.test(value) ? " (not a number)" : "";
  return `has metadata ${key}=${value}${number}, not MachineMetadata=${formatRequirement(requirement)}`;
}
