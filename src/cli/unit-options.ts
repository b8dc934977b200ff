import type { UnitOption } from "./api-types.ts";
import { templatedName } from "./unit-names.ts";

/** fleet's rule: the last `Global=` of [X-Fleet] decides, and these spellings mean true. */
const TRUE_WORDS = new Set(["true", "yes", "1", "on", "t"]);

export function isGlobal(options: readonly UnitOption[]): boolean {
  const last = options
    .filter((option) => option.section === "X-Fleet" && option.name === "Global")
    .at(-1);
  return last !== undefined && TRUE_WORDS.has(last.value.trim().toLowerCase());
}

/** `Description=` with the specifiers systemd would expand for this unit (%i, %p, %n, ...). */
export function descriptionOf(options: readonly UnitOption[], name: string): string | undefined {
  const description = options
    .filter((option) => option.section === "Unit" && option.name === "Description")
    .at(-1)?.value;
  const parts = templatedName(name);
  // A template is never run: its specifiers stay as written.
  if (description === undefined || parts?.instance === "") return description;
  const specifiers: Record<string, string> = {
    n: name,
    N: name.slice(0, name.lastIndexOf(".")),
    p: parts?.prefix ?? name.slice(0, name.lastIndexOf(".")),
    i: parts?.instance ?? "",
    "%": "%",
  };
  specifiers.P = specifiers.p as string;
  specifiers.I = specifiers.i as string;
  return description.replace(/%(.)/g, (whole, letter: string) => specifiers[letter] ?? whole);
}
