import { classifyExec } from "./command-kind.ts";
import { parseEnvironmentAssignments } from "./environment.ts";
import { parseExecLineWithLookup } from "./exec-line.ts";
import { unitHash } from "./hash.ts";
import { HEALTH_KEYS, HEALTH_SECTION, readHealthSection } from "./health.ts";
import { COMMAND_LINE_KEYS, KNOWN_KEYS, OTHER_UNIT_TYPE_SECTIONS } from "./known-keys.ts";
import { UNIT_FILE_MAX_CHARS, UNIT_FILE_MAX_OPTIONS } from "./limits.ts";
import type { Located, UnitFile } from "./model.ts";
import { parseUnitFile } from "./parse.ts";
import {
  errorWhateverTheValues,
  placeholderSpecifierContext,
  templateAsInstance,
} from "./placeholders.ts";
import { expandSpecifiers } from "./specifiers.ts";
import { defaultTimerUnit, isTimerName, readTimerSection, TIMER_SECTION } from "./timer.ts";
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
 * requirements and the [X-Health] check for `unitName` (the name itself is not validated here:
 * see parseUnitName). `ok`
 * is true exactly when there are no errors; errors and warnings are sorted by line. ExecStart is
 * not required, as fleet did not require it. Every [Service] Exec line must split as systemd
 * splits it and, when it runs docker or etcdctl, be a command line the agent can execute (see
 * checkServiceCommands); every Environment= value must be valid assignments.
 */
export function checkUnitFile(text: string, unitName: string): UnitFileCheckResult {
  if (text.length > UNIT_FILE_MAX_CHARS) {
    const message = `the unit file has ${text.length} characters; at most ${UNIT_FILE_MAX_CHARS} are accepted`;
    return { ok: false, errors: [{ line: 1, message }], warnings: [] };
  }
  const parsed = parseUnitFile(text);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, warnings: [] };
  const { file, lines } = parsed;
  if (file.options.length > UNIT_FILE_MAX_OPTIONS) {
    const message = `the unit file sets ${file.options.length} options; at most ${UNIT_FILE_MAX_OPTIONS} are accepted`;
    return { ok: false, errors: [{ line: 1, message }], warnings: [] };
  }
  const errors: Located[] = [];
  const warnings: Located[] = [];

  if (file.options.length === 0) {
    errors.push({ line: 1, message: "the unit file is empty: it sets no options" });
  }
  const timer = isTimerName(unitName);
  const reportedSections = new Set<string>();
  file.options.forEach((option, index) => {
    const line = lines[index] ?? 1;
    const known = KNOWN_KEYS.get(option.section);
    if (timer && option.section === "Service") {
      if (reportedSections.has(option.section)) return;
      reportedSections.add(option.section);
      errors.push({
        line,
        message: `section [Service] does not belong in a timer: the service the timer starts (its Unit=, by default ${defaultTimerUnit(unitName)}) holds the commands`,
      });
    } else if (known !== undefined) {
      checkKey(option.section, option.name, known, line, errors, warnings);
    } else if (
      option.section !== FLEET_SECTION &&
      option.section !== HEALTH_SECTION &&
      !(timer && option.section === TIMER_SECTION) &&
      !reportedSections.has(option.section)
    ) {
      reportedSections.add(option.section);
      checkSection(option.section, line, errors, warnings);
    }
  });
  if (timer)
    errors.push(...readTimerSection(file, placeholderSpecifierContext(unitName), lines).errors);

  errors.push(...checkServiceCommands(file, lines, unitName));

  // A template's requirements are checked as its instance "1" would have them: %i in
  // MachineMetadata=slot=%i must expand to something.
  const fleet = fleetRequirements(file, templateAsInstance(unitName), lines);
  errors.push(...fleet.errors);
  warnings.push(...fleet.warnings);
  errors.push(...readHealthSection(file, placeholderSpecifierContext(unitName), lines).errors);
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
  if (HEALTH_KEYS.includes(name)) return ` (${name} belongs in [${HEALTH_SECTION}])`;
  return "";
}

function checkSection(section: string, line: number, errors: Located[], warnings: Located[]): void {
  const hint = sectionHint(section);
  if (section === TIMER_SECTION) {
    warnings.push({
      line,
      message: `section [${TIMER_SECTION}] belongs in a .timer unit; this unit ignores it`,
    });
  } else if (OTHER_UNIT_TYPE_SECTIONS.has(section)) {
    warnings.push({
      line,
      message: `section [${section}] configures a ${section.toLowerCase()} unit; Flotilla runs only services and timers, and ignores it`,
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
  const all = [...KNOWN_KEYS.keys(), FLEET_SECTION, HEALTH_SECTION, ...OTHER_UNIT_TYPE_SECTIONS];
  const near = all.find((s) => s.toLowerCase() === wanted);
  return near === undefined ? "" : ` (did you mean [${near}]?)`;
}

function byLine(list: Located[]): void {
  list.sort((a, b) => a.line - b.line);
}

const COMMAND_LINES = new Set(COMMAND_LINE_KEYS);

/**
 * Located errors for the [Service] Exec* lines and Environment= values of `file`. Specifiers are
 * expanded for `unitName`, a template (name@.service) as its instance "1", with placeholder
 * machine values. Messages are prefixed with the key, as in
 * "ExecStart: unsupported docker run flag --privileged".
 */
export function checkServiceCommands(file: UnitFile, lines: number[], unitName: string): Located[] {
  const errors: Located[] = [];
  const context = placeholderSpecifierContext(unitName);
  file.options.forEach((option, index) => {
    if (option.section !== "Service" || option.value === "") return;
    const line = lines[index] ?? 1;
    const text = expandSpecifiers(option.value, context);
    let error: string | undefined;
    if (COMMAND_LINES.has(option.name)) error = execLineError(text);
    else if (option.name === "Environment") {
      const parsed = parseEnvironmentAssignments(text);
      if (!parsed.ok) error = parsed.error;
    }
    if (error !== undefined) errors.push({ line, message: `${option.name}: ${error}` });
  });
  return errors;
}

// The unit's variables are known only on the machine: a line is checked with placeholder values.
function execLineError(text: string): string | undefined {
  return errorWhateverTheValues((lookup) => {
    const parsed = parseExecLineWithLookup(text, lookup);
    // Splitting does not depend on the variables' values: every set fails alike.
    if (!parsed.ok) return parsed.error;
    const kind = classifyExec(parsed.line.argv);
    return kind.kind === "invalid" ? kind.error : undefined;
  });
}
