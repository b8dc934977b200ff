import { unitHash } from "./hash.ts";
import { KNOWN_KEYS, OTHER_UNIT_TYPE_SECTIONS } from "./known-keys.ts";
import type { Located, UnitFile } from "./model.ts";
import { parseUnitFile } from "./parse.ts";
import {
  FLEET_KEY_SPELLINGS,
  FLEET_SECTION,
  type FleetRequirements,
  fleetRequirements,
} from "./xfleet.ts";

export interface UnitFileCheck {
  errors: Located[];
  warnings: Located[];
  requirements: FleetRequirements;
}

export type UnitFileCheckResult =
  | { ok: true; file: UnitFile; hash: string; check: UnitFileCheck }
  | { ok: false; errors: Located[]; warnings: Located[] };

/**
 * Everything a submitted unit file must pass: the syntax, its sections and keys, and the [X-Fleet]
 * requirements for `unitName` (the name itself is not validated here: see parseUnitName). `ok`
 * is true exactly when there are no errors; errors and warnings are sorted by line. ExecStart is
 * not required, as fleet did not require it.
 */
export function checkUnitFile(text: string, unitName: string): UnitFileCheckResult {
  const parsed = parseUnitFile(text);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, warnings: [] };
  const { file, lines } = parsed;
  const errors: Located[] = [];
  const warnings: Located[] = [];

  if (file.options.length === 0) {
    errors.push({ line: 1, message: "the unit file is empty: it sets no options" });
  }
  const reportedSections = new Set<string>();
  file.options.forEach((option, index) => {
    const line = lines[index] ?? 1;
    const known = KNOWN_KEYS.get(option.section);
    if (known !== undefined) {
      checkKey(option.section, option.name, known, line, errors, warnings);
    } else if (option.section !== FLEET_SECTION && !reportedSections.has(option.section)) {
      reportedSections.add(option.section);
      checkSection(option.section, line, errors, warnings);
    }
  });

  const fleet = fleetRequirements(file, unitName, lines);
  errors.push(...fleet.errors);
  warnings.push(...fleet.warnings);
  byLine(errors);
  byLine(warnings);

  if (errors.length > 0) return { ok: false, errors, warnings };
  return {
    ok: true,
    file,
    hash: unitHash(file),
    check: { errors, warnings, requirements: fleet.requirements },
  };
}

function checkKey(
  section: string,
  name: string,
  known: ReadonlySet<string>,
  line: number,
  errors: Located[],
  warnings: Located[],
): void {
  if (known.has(name)) return;
  if (name.startsWith("X-")) {
    warnings.push({
      line,
      message: `key ${name} in section [${section}] is an extension (X-) key; systemd and Flotilla ignore it`,
    });
    return;
  }
  errors.push({
    line,
    message: `unknown key ${name} in section [${section}]${keyHint(section, name, known)}`,
  });
}

function keyHint(section: string, name: string, known: ReadonlySet<string>): string {
  const lower = name.toLowerCase();
  const near = [...known].find((k) => k.toLowerCase() === lower);
  if (near !== undefined) return ` (did you mean ${near}?)`;
  for (const [other, keys] of KNOWN_KEYS) {
    if (other !== section && keys.has(name)) return ` (${name} belongs in [${other}])`;
  }
  if (FLEET_KEY_SPELLINGS.has(name)) return ` (${name} belongs in [${FLEET_SECTION}])`;
  return "";
}

function checkSection(section: string, line: number, errors: Located[], warnings: Located[]): void {
  const hint = sectionHint(section);
  if (OTHER_UNIT_TYPE_SECTIONS.has(section)) {
    warnings.push({
      line,
      message: `section [${section}] configures a ${section.toLowerCase()} unit; Flotilla executes only services and ignores it`,
    });
  } else if (section.startsWith("X-") && hint === "") {
    warnings.push({
      line,
      message: `section [${section}] is an extension (X-) section; Flotilla ignores it`,
    });
  } else {
    // A near miss such as [X-fleet] is an error even though X- sections are allowed: its
    // requirements would otherwise be dropped without a word.
    errors.push({ line, message: `unknown section [${section}]${hint}` });
  }
}

function sectionHint(section: string): string {
  const wanted = section.trim().toLowerCase();
  const all = [...KNOWN_KEYS.keys(), FLEET_SECTION, ...OTHER_UNIT_TYPE_SECTIONS];
  const near = all.find((s) => s.toLowerCase() === wanted);
  return near === undefined ? "" : ` (did you mean [${near}]?)`;
}

function byLine(list: Located[]): void {
  list.sort((a, b) => a.line - b.line);
}
