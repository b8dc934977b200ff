// systemd's parse_boolean(), case-insensitive. fleet's own truthy check also took "t".
const TRUE = new Set(["1", "yes", "y", "true", "t", "on"]);
const FALSE = new Set(["0", "no", "n", "false", "f", "off"]);

/** true or false for a systemd boolean, undefined for anything else. */
export function parseSystemdBoolean(value: string): boolean | undefined {
  const lower = value.toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  return undefined;
}
