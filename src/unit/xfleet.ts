import { parseSystemdBoolean } from "./boolean.ts";
import { globMatch, isValidGlob } from "./glob.ts";
import type { Located, UnitFile } from "./model.ts";
import { parseUnitName } from "./name.ts";
import { serializeWithLines } from "./serialize.ts";
import { expandSpecifiers } from "./specifiers.ts";
import { quote } from "./text.ts";

export type MetadataOp = "=" | "!=" | "<" | "<=" | ">" | ">=";

/**
 * One machine-metadata condition; all of a unit's conditions must hold (AND).
 * "=": the machine has `key` and its value is one of `values` (several `key=v` entries are OR).
 * "!=": the machine's value for `key`, if it has one, is none of `values`.
 * "<" "<=" ">" ">=": the machine has `key` with a numeric value that compares so with `values[0]`
 * (always exactly one value, a decimal number).
 */
export interface MetadataRequirement {
  key: string;
  op: MetadataOp;
  values: string[];
}

export interface FleetRequirements {
  machineId?: string;
  machineOf: string[];
  conflicts: string[];
  metadata: MetadataRequirement[];
  global: boolean;
  replaces: string[];
}

export const FLEET_SECTION = "X-Fleet";

export type FleetKey =
  | "MachineID"
  | "MachineOf"
  | "Conflicts"
  | "MachineMetadata"
  | "Global"
  | "Replaces";

/**
 * Every key spelling fleet accepted in [X-Fleet], mapped to the requirement it sets. fleet had
 * neither X-Global nor X-Replaces; X-Replaces is accepted here as an alias all the same.
 */
export const FLEET_KEY_SPELLINGS: ReadonlyMap<string, FleetKey> = new Map<string, FleetKey>([
  ["MachineID", "MachineID"],
  ["X-ConditionMachineID", "MachineID"],
  ["X-ConditionMachineBootID", "MachineID"],
  ["MachineOf", "MachineOf"],
  ["X-ConditionMachineOf", "MachineOf"],
  ["Conflicts", "Conflicts"],
  ["X-Conflicts", "Conflicts"],
  ["MachineMetadata", "MachineMetadata"],
  ["X-ConditionMachineMetadata", "MachineMetadata"],
  ["Global", "Global"],
  ["Replaces", "Replaces"],
  ["X-Replaces", "Replaces"],
]);

// fleet preferred the modern spelling, then the deprecated one, then the legacy boot-ID one.
const MACHINE_ID_PRECEDENCE = ["MachineID", "X-ConditionMachineID", "X-ConditionMachineBootID"];

interface Assignment {
  spelling: string;
  value: string;
  line: number;
}

interface Word {
  text: string;
  line: number;
  spelling: string;
}

/**
 * Reads the [X-Fleet] section the way fleet's scheduler did and checks it as fleet's
 * api.ValidateOptions did (with fleet's wording), reporting every problem rather than the first.
 * Each value is split into words on blanks outside double quotes (fleet's "a=b" "c=d" multi-value
 * form, and its whitespace split of Conflicts, applied to every key since unit names hold no
 * blanks), then each word has its specifiers expanded for `unitName`. As in systemd lists, an
 * empty assignment (`Conflicts=`) drops the key's earlier values, whichever spelling set them.
 * `lines[i]` is the line of `file.options[i]` (as parseUnitFile returns it); without it, lines
 * refer to the canonical serialization of `file`.
 */
export function fleetRequirements(
  file: UnitFile,
  unitName: string,
  lines?: readonly number[],
): { requirements: FleetRequirements; errors: Located[]; warnings: Located[] } {
  const errors: Located[] = [];
  const warnings: Located[] = [];
  const lineOf = lines ?? serializeWithLines(file).lines;
  const assigned = new Map<FleetKey, Assignment[]>();

  file.options.forEach((option, index) => {
    if (option.section !== FLEET_SECTION) return;
    const line = lineOf[index] ?? 1;
    const key = FLEET_KEY_SPELLINGS.get(option.name);
    if (key === undefined) {
      warnings.push({ line, message: unknownKeyMessage(option.name) });
      return;
    }
    const list = option.value === "" ? [] : (assigned.get(key) ?? []);
    if (option.value !== "") list.push({ spelling: option.name, value: option.value, line });
    assigned.set(key, list);
  });

  const words = (key: FleetKey): Word[] =>
    (assigned.get(key) ?? []).flatMap((a) =>
      splitWords(a.value).map((word) => ({
        text: expandSpecifiers(word, { unitName }),
        line: a.line,
        spelling: a.spelling,
      })),
    );

  const machineOf = unique(words("MachineOf"));
  const conflicts = unique(words("Conflicts"));
  const replaces = unique(words("Replaces"));
  const machineId = chooseMachineId(words("MachineID"), warnings);
  const global = readGlobal(assigned.get("Global") ?? [], unitName, errors);
  const metadata = readMetadata(words("MachineMetadata"), errors);

  for (const peer of machineOf) {
    const named = parseUnitName(peer.text);
    if (!named.ok) {
      warnings.push({
        line: peer.line,
        message: `MachineOf ${quote(peer.text)} can never be satisfied: ${named.error}`,
      });
    }
  }
  for (const [label, patterns] of [
    ["Conflicts", conflicts],
    ["Replaces", replaces],
  ] as const) {
    for (const pattern of patterns) {
      if (!isValidGlob(pattern.text)) {
        warnings.push({
          line: pattern.line,
          message: `${label} pattern ${quote(pattern.text)} is not a valid glob, so it matches no unit`,
        });
      }
    }
  }

  for (const peer of machineOf) {
    for (const [label, patterns] of [
      ["conflict", conflicts],
      ["replace", replaces],
    ] as const) {
      for (const pattern of patterns) {
        if (globMatch(pattern.text, peer.text)) {
          errors.push({
            line: peer.line,
            message: `unresolvable requirements: peer ${quote(peer.text)} matches ${label} ${quote(pattern.text)}`,
          });
        }
      }
    }
  }

  const globalLine = (assigned.get("Global") ?? []).at(-1)?.line;
  const present: [string, number | undefined][] = [
    ["MachineID", machineId?.line],
    ["Peers", machineOf[0]?.line],
    ["Conflicts", conflicts[0]?.line],
    ["Global", global ? globalLine : undefined],
    ["Replaces", replaces[0]?.line],
  ];
  const at = new Map(present);
  // fleet's exact messages ("Peers" is its word for MachineOf), reported at the second option.
  for (const [first, second] of [
    ["MachineID", "Peers"],
    ["MachineID", "Conflicts"],
    ["MachineID", "Global"],
    ["MachineID", "Replaces"],
    ["Global", "Peers"],
    ["Global", "Replaces"],
    ["Conflicts", "Replaces"],
  ] as const) {
    const firstLine = at.get(first);
    const secondLine = at.get(second);
    if (firstLine !== undefined && secondLine !== undefined) {
      errors.push({ line: secondLine, message: `${first} cannot be used with ${second}` });
    }
  }

  const requirements: FleetRequirements = {
    machineOf: machineOf.map((w) => w.text),
    conflicts: conflicts.map((w) => w.text),
    metadata,
    global,
    replaces: replaces.map((w) => w.text),
  };
  if (machineId !== undefined) requirements.machineId = machineId.text;
  return { requirements, errors, warnings };
}

function unknownKeyMessage(name: string): string {
  const message = `unrecognized requirement in [X-Fleet] section: ${quote(name)}`;
  const lower = name.toLowerCase();
  const near = [...FLEET_KEY_SPELLINGS.keys()].find((k) => k.toLowerCase() === lower);
  return near === undefined ? message : `${message} (did you mean ${near}?)`;
}

/** Words of an [X-Fleet] value: split on blanks outside double quotes; the quotes are dropped. */
export function splitWords(value: string): string[] {
  const words: string[] = [];
  let current = "";
  let quoted = false;
  for (const char of value) {
    if (char === '"') {
      quoted = !quoted;
    } else if (!quoted && (char === " " || char === "\t")) {
      if (current !== "") words.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  if (current !== "") words.push(current);
  return words;
}

function unique(words: Word[]): Word[] {
  const seen = new Set<string>();
  return words.filter((w) => !seen.has(w.text) && seen.add(w.text));
}

function chooseMachineId(words: Word[], warnings: Located[]): Word | undefined {
  let chosen: Word | undefined;
  for (const spelling of MACHINE_ID_PRECEDENCE) {
    chosen = words.find((w) => w.spelling === spelling);
    if (chosen !== undefined) break;
  }
  if (chosen === undefined) return undefined;
  const id = chosen;
  if (id.spelling === "X-ConditionMachineBootID") {
    warnings.push({
      line: id.line,
      message: "X-ConditionMachineBootID is a legacy option; its value is used as a machine ID",
    });
  }
  const other = unique(words).find((w) => w.text !== id.text);
  if (other !== undefined) {
    warnings.push({
      line: other.line,
      message: `MachineID names more than one machine; only ${quote(id.text)} is used`,
    });
  }
  return id;
}

function readGlobal(assignments: Assignment[], unitName: string, errors: Located[]): boolean {
  let global = false;
  for (const a of assignments) {
    const words = splitWords(a.value).map((w) => expandSpecifiers(w, { unitName }));
    const parsed = words.length === 1 ? parseSystemdBoolean(words[0] ?? "") : undefined;
    if (parsed === undefined) {
      errors.push({
        line: a.line,
        message: `Global must be a boolean (true/false, yes/no, on/off, 1/0), not ${quote(a.value)}`,
      });
    }
    global = parsed ?? false;
  }
  return global;
}

const METADATA_ENTRY = /^([^=!<>]*)(!=|<=|>=|=|<|>)(.*)$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const NUMERIC_OPS: readonly MetadataOp[] = ["<", "<=", ">", ">="];

function readMetadata(words: Word[], errors: Located[]): MetadataRequirement[] {
  const requirements: MetadataRequirement[] = [];
  const grouped = new Map<string, MetadataRequirement>();
  for (const word of words) {
    const match = METADATA_ENTRY.exec(word.text);
    const key = match?.[1] ?? "";
    const op = match?.[2] as MetadataOp | undefined;
    const value = match?.[3] ?? "";
    if (op === undefined || key === "" || value === "" || /[=!<>]/.test(value)) {
      // fleet silently skipped such entries; that would drop a placement rule without a word.
      errors.push({
        line: word.line,
        message: `invalid MachineMetadata entry ${quote(word.text)}: expected key=value, key!=value, or key<N, key<=N, key>N, key>=N`,
      });
      continue;
    }
    if (NUMERIC_OPS.includes(op)) {
      if (!DECIMAL.test(value)) {
        errors.push({
          line: word.line,
          message: `MachineMetadata ${quote(word.text)}: "${op}" compares numbers, but ${quote(value)} is not a number`,
        });
        continue;
      }
      requirements.push({ key, op, values: [value] });
      continue;
    }
    const group = grouped.get(`${op}\u0000${key}`);
    if (group === undefined) {
      const created: MetadataRequirement = { key, op, values: [value] };
      grouped.set(`${op}\u0000${key}`, created);
      requirements.push(created);
    } else if (!group.values.includes(value)) {
      group.values.push(value);
    }
  }
  return requirements;
}
