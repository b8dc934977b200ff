import { quote } from "./text.ts";

export type UnitKind = "template" | "instance" | "unit";

/**
 * `prefix@instance.suffix` split up. `suffix` includes its dot (".service"), as in fleet, so
 * `template` is `${prefix}@${suffix}`. `instance` is "" for templates and plain units; `template`
 * is set for instances only.
 */
export interface UnitName {
  name: string;
  prefix: string;
  instance: string;
  suffix: string;
  kind: UnitKind;
  template?: string;
}

// fleet's api.ValidateName, modelled on systemd's unit_name_is_valid.
export const UNIT_NAME_MAX = 256;

export const UNIT_TYPES: readonly string[] = [
  "automount",
  "busname",
  "device",
  "mount",
  "path",
  "scope",
  "service",
  "slice",
  "snapshot",
  "socket",
  "swap",
  "target",
  "timer",
];

export const TEMPLATE_UNIT_TYPES: readonly string[] = [
  "path",
  "service",
  "socket",
  "target",
  "timer",
];

// The backslash is allowed because systemd escapes other bytes as \xNN inside unit names.
const VALID_NAME_CHAR = /^[A-Za-z0-9:_.@\\-]$/;
const VALID_NAME_CHARS = /^[A-Za-z0-9:_.@\\-]*$/;

const utf8 = new TextEncoder();

/**
 * The names parseUnitName accepts, as one regular expression (JSON Schema's dialect), for the
 * API document: a base of name characters, then a unit type; "@" only in a template's or
 * instance's name, never first. All allowed characters are ASCII, so UNIT_NAME_MAX characters
 * are as many bytes. It ends with a lookahead, not `$`, which Python's re (and the fuzzers
 * built on it) also lets match before a final newline.
 */
export const UNIT_NAME_PATTERN = `^(?!@)(?:[A-Za-z0-9:_.\\\\-]+\\.(?:${UNIT_TYPES.join("|")})|[A-Za-z0-9:_.@\\\\-]*@[A-Za-z0-9:_.@\\\\-]*\\.(?:${TEMPLATE_UNIT_TYPES.join("|")}))(?![\\s\\S])`;

/** The names of units that can run: UNIT_NAME_PATTERN without templates (an empty instance). */
export const RUNNABLE_UNIT_NAME_PATTERN = `^(?!@)(?:[A-Za-z0-9:_.\\\\-]+\\.(?:${UNIT_TYPES.join("|")})|[A-Za-z0-9:_.\\\\-]*@[A-Za-z0-9:_.@\\\\-]+\\.(?:${TEMPLATE_UNIT_TYPES.join("|")}))(?![\\s\\S])`;

/** Validates a unit name by fleet's rules (checked in fleet's order) and splits it up. */
export function parseUnitName(
  name: string,
): { ok: true; value: UnitName } | { ok: false; error: string } {
  const error = nameError(name);
  if (error !== undefined) return { ok: false, error };
  const dot = name.lastIndexOf(".");
  const base = name.slice(0, dot);
  const suffix = name.slice(dot);
  const at = base.indexOf("@");
  if (at === -1) {
    return { ok: true, value: { name, prefix: base, instance: "", suffix, kind: "unit" } };
  }
  const prefix = base.slice(0, at);
  const instance = base.slice(at + 1);
  if (instance === "") {
    return { ok: true, value: { name, prefix, instance, suffix, kind: "template" } };
  }
  const template = `${prefix}@${suffix}`;
  return { ok: true, value: { name, prefix, instance, suffix, kind: "instance", template } };
}

function nameError(name: string): string | undefined {
  if (name.length === 0) return "unit name cannot be empty";
  // A UTF-16 code unit takes at most 3 bytes of UTF-8: most names need no encoding to tell.
  if (name.length * 3 > UNIT_NAME_MAX && utf8.encode(name).length > UNIT_NAME_MAX) {
    return `unit name exceeds maximum length (${UNIT_NAME_MAX})`;
  }
  const dot = name.lastIndexOf(".");
  if (dot === -1) {
    return `unit name ${quote(name)} must contain "." followed by a unit type, as in ${quote(`${name}.service`)}`;
  }
  if (dot === name.length - 1) return `unit name ${quote(name)} cannot end in "."`;
  const type = name.slice(dot + 1);
  if (!UNIT_TYPES.includes(type)) {
    return `invalid unit type ${quote(type)} in unit name ${quote(name)}; expected one of ${UNIT_TYPES.join(", ")}`;
  }
  if (name.includes("@") && !TEMPLATE_UNIT_TYPES.includes(type)) {
    return `invalid unit type for template: ${quote(type)} (only ${TEMPLATE_UNIT_TYPES.join(", ")} units can have "@" in their name)`;
  }
  const base = name.slice(0, dot);
  if (!VALID_NAME_CHARS.test(base)) {
    for (const char of base) {
      if (!VALID_NAME_CHAR.test(char)) {
        return `invalid character ${quoteChar(char)} in unit name ${quote(name)}; allowed are letters, digits and : - _ . \\ @`;
      }
    }
  }
  if (name.startsWith("@")) return `unit name ${quote(name)} cannot start with "@"`;
  // fleet let ".service" through; systemd rejects it and so does this.
  if (dot === 0) return `unit name ${quote(name)} has nothing before its type suffix`;
  return undefined;
}

function quoteChar(char: string): string {
  if (/^[\p{L}\p{N}\p{P}\p{S}]$/u.test(char)) return `'${char}'`;
  const code = char.codePointAt(0) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}
