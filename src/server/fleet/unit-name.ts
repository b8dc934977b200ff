import { parseUnitName, TEMPLATE_UNIT_TYPES, UNIT_NAME_MAX, UNIT_TYPES } from "../../unit/name.ts";

const VALID_NAME_CHAR = /^[A-Za-z0-9:_.@\\-]$/;
const utf8 = new TextEncoder();

/**
 * fleet's api.ValidateName, with its messages: fleetctl shows them verbatim. Names that fleet
 * accepted but Flotilla does not (".service") get Flotilla's message.
 */
export function fleetUnitNameError(name: string): string | undefined {
  if (name.length === 0) return "unit name cannot be empty";
  if (utf8.encode(name).length > UNIT_NAME_MAX) {
    return `unit name exceeds maximum length (${UNIT_NAME_MAX})`;
  }
  const dot = name.lastIndexOf(".");
  if (dot === -1) return 'unit name must contain "."';
  if (dot === name.length - 1) return 'unit name cannot end in "."';
  const type = name.slice(dot + 1);
  if (!UNIT_TYPES.includes(type)) return `invalid unit type: ${goQuote(type)}`;
  if (name.includes("@") && !TEMPLATE_UNIT_TYPES.includes(type)) {
    return `invalid unit type for template: ${goQuote(type)}`;
  }
  for (const char of name.slice(0, dot)) {
    if (!VALID_NAME_CHAR.test(char)) return `invalid character ${goQuoteRune(char)} in unit name`;
  }
  if (name.startsWith("@")) return 'unit name cannot start in "@"';
  const parsed = parseUnitName(name);
  return parsed.ok ? undefined : parsed.error;
}

/** Go's %q of a string, for the printable ASCII names these messages quote. */
export function goQuote(text: string): string {
  return JSON.stringify(text);
}

/** Go's %q of a rune: single quotes, Go's escapes for what is not printable. */
function goQuoteRune(char: string): string {
  const escapes: Record<string, string> = {
    "\x07": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "'": "\\'",
    "\\": "\\\\",
  };
  const escaped = escapes[char];
  if (escaped !== undefined) return `'${escaped}'`;
  if (/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(char)) return `'${char}'`;
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x80) return `'\\x${code.toString(16).padStart(2, "0")}'`;
  if (code < 0x10000) return `'\\u${code.toString(16).padStart(4, "0")}'`;
  return `'\\U${code.toString(16).padStart(8, "0")}'`;
}
