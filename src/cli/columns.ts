import { UsageError } from "./errors.ts";
import { tabulate } from "./table.ts";

/** The flags of fleetctl's list commands. */
export const listOptions = {
  fields: { type: "string" },
  full: { type: "boolean", short: "l" },
  "no-legend": { type: "boolean" },
} as const;

export function listFlagHelp(fields: readonly string[], defaults: string) {
  return [
    ["--fields=LIST", `Columns to print, from ${fields.join(",")} (default ${defaults})`],
    ["-l, --full", "Do not ellipsize machine ids and hashes"],
    ["--no-legend", "Do not print the column headers"],
  ] as const;
}

/** A column: its --fields name (the header is its upper case) and its value for a row. */
export type Columns<Row> = Record<string, (row: Row, full: boolean) => string>;

/** The columns --fields names, in its order; fleetctl's messages for a bad list. */
export function selectColumns<Row>(
  columns: Columns<Row>,
  fields: string | undefined,
  defaults: string,
  command: string,
): string[] {
  const names = (fields ?? defaults).split(",");
  if (fields === "") throw new UsageError("--fields: must define output format", command);
  for (const name of names) {
    if (!Object.hasOwn(columns, name)) {
      throw new UsageError(
        `--fields: invalid key in output format: "${name}" (valid: ${Object.keys(columns).sort().join(",")})`,
        command,
      );
    }
  }
  return names;
}

/** fleetctl's table: upper-case headers unless --no-legend, `-` for an empty value. */
export function renderColumns<Row>(
  columns: Columns<Row>,
  names: readonly string[],
  rows: readonly Row[],
  options: { full: boolean; noLegend: boolean },
): string {
  const body = rows.map((row) =>
    names.map((name) => (columns[name] as Columns<Row>[string])(row, options.full) || "-"),
  );
  const header = options.noLegend ? [] : [names.map((name) => name.toUpperCase())];
  return tabulate([...header, ...body]);
}
