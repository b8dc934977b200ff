/** One `Name=Value` assignment of a unit file. */
export interface UnitOption {
  section: string;
  name: string;
  value: string;
}

/**
 * A parsed unit file. Options are grouped by section (sections in order of first appearance, as
 * systemd merges repeated section headers) and keep file order within a section, so repeated keys
 * stay in order. Grouping at parse time is what makes `parse(serialize(f))` equal `f`.
 */
export interface UnitFile {
  options: UnitOption[];
}

/** A problem tied to a 1-based line of the submitted text; `message` says why. */
export interface Located {
  line: number;
  message: string;
}

/**
 * `lines[i]` is the 1-based line where `file.options[i]` starts (the first physical line of a
 * continued value). Line numbers live beside the options, not inside them, so they never take part
 * in equality, serialization or hashing.
 */
export type ParseResult =
  | { ok: true; file: UnitFile; lines: number[] }
  | { ok: false; errors: Located[] };
