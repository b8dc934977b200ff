import { unescapeUnitName, unescapeUnitPath } from "./unescape.ts";

export interface SpecifierContext {
  unitName: string;
  machineId?: string;
  hostname?: string;
  bootId?: string;
}

interface NameParts {
  full: string;
  withoutSuffix: string;
  prefix: string;
  instance: string;
}

// Lenient on purpose (like fleet's NewUnitNameInfo): expansion must work for any name it is given,
// valid or not, so it never rejects one.
function nameParts(unitName: string): NameParts {
  const dot = unitName.lastIndexOf(".");
  const withoutSuffix = dot === -1 ? unitName : unitName.slice(0, dot);
  const at = withoutSuffix.indexOf("@");
  return {
    full: unitName,
    withoutSuffix,
    prefix: at === -1 ? withoutSuffix : withoutSuffix.slice(0, at),
    instance: at === -1 ? "" : withoutSuffix.slice(at + 1),
  };
}

function finalComponent(prefix: string): string {
  const dash = prefix.lastIndexOf("-");
  return dash === -1 ? prefix : prefix.slice(dash + 1);
}

function resolver(ctx: SpecifierContext): Record<string, () => string> {
  const name = nameParts(ctx.unitName);
  return {
    n: () => name.full,
    N: () => name.withoutSuffix,
    p: () => name.prefix,
    P: () => unescapeUnitName(name.prefix),
    i: () => name.instance,
    I: () => unescapeUnitName(name.instance),
    j: () => finalComponent(name.prefix),
    J: () => unescapeUnitName(finalComponent(name.prefix)),
    f: () => unescapeUnitPath(name.instance !== "" ? name.instance : name.prefix),
    m: () => ctx.machineId ?? "",
    b: () => ctx.bootId ?? "",
    H: () => ctx.hostname ?? "",
    l: () => (ctx.hostname ?? "").split(".")[0] ?? "",
    "%": () => "%",
  };
}

/**
 * Expands systemd specifiers (systemd.unit(5)) that depend only on the unit name and the host:
 * %n %N %p %P %i %I %j %J %f %m %b %H %l %%. Escaped forms (%p %i %j) are the text of the name;
 * unescaped forms (%P %I %J %f) turn "-" into "/" and "\xNN" into the byte NN. An unknown
 * specifier, or a "%" at the very end, is left as written; a missing host value expands to "".
 */
export function expandSpecifiers(value: string, ctx: SpecifierContext): string {
  if (!value.includes("%")) return value;
  const specifiers = resolver(ctx);
  let out = "";
  let i = 0;
  while (i < value.length) {
    const char = value[i] as string;
    const next = value[i + 1];
    const expand = char === "%" && next !== undefined ? specifiers[next] : undefined;
    if (expand === undefined) {
      out += char;
      i++;
    } else {
      out += expand();
      i += 2;
    }
  }
  return out;
}
