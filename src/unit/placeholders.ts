import type { EnvLookup } from "./exec-line.ts";

// A unit's variables are known only on the machine, so a value that uses them is checked with
// placeholder values: two sets chosen by name (an address for *IP*, a port for *PORT*, a word
// otherwise) that differ only in the values, then all "1", then all an address. A value is
// reported only when it fails with every set and the two named sets give the same error. Errors
// name the offending value, so an error caused by a placeholder (-m ${MEM} read as "-m x")
// differs between the two named sets and is not reported: no placeholder can fail a valid unit,
// while an error in the text itself (an unsupported flag) is the same whatever the values.
const byName =
  (address: string, port: string, word: string): EnvLookup =>
  (name) => {
    const upper = name.toUpperCase();
    if (upper.includes("IP")) return address;
    if (upper.includes("PORT")) return port;
    return word;
  };

const PLACEHOLDERS: readonly EnvLookup[] = [
  byName("127.0.0.1", "80", "x"),
  byName("127.0.0.2", "81", "y"),
  () => "1",
  () => "127.0.0.1",
];

/**
 * The error `check` finds in a value whatever the machine's variables turn out to be, or
 * undefined when some values would make it valid (see above).
 */
export function errorWhateverTheValues(
  check: (lookup: EnvLookup) => string | undefined,
): string | undefined {
  const errors: string[] = [];
  for (const lookup of PLACEHOLDERS) {
    const error = check(lookup);
    if (error === undefined) return undefined;
    errors.push(error);
  }
  return errors[0] === errors[1] ? errors[0] : undefined;
}

/** Whether `holds` is true for some placeholder values of the machine's variables. */
export function holdsForSomeValues(holds: (lookup: EnvLookup) => boolean): boolean {
  return PLACEHOLDERS.some(holds);
}

/**
 * The specifier context a unit file is checked with before it reaches a machine: the machine's
 * values are placeholders, and a template (name@.service) is read as its instance "1".
 */
export function placeholderSpecifierContext(unitName: string) {
  return {
    unitName: templateAsInstance(unitName),
    machineId: "0123456789abcdef0123456789abcdef",
    bootId: "0123456789abcdef0123456789abcdef",
    hostname: "localhost",
  };
}

/** "a@.service" becomes "a@1.service"; any other name is returned as it is. */
export function templateAsInstance(unitName: string): string {
  const at = unitName.indexOf("@");
  const dot = unitName.lastIndexOf(".");
  if (at === -1 || dot !== at + 1) return unitName;
  return `${unitName.slice(0, at + 1)}1${unitName.slice(dot)}`;
}
