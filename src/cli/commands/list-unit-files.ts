import { expectData } from "../api.ts";
import type { Machine, Unit, UnitFileSummary, UnitOption } from "../api-types.ts";
import {
  type Columns,
  listFlagHelp,
  listOptions,
  renderColumns,
  selectColumns,
} from "../columns.ts";
import { defineCommand } from "../command.ts";
import { mapLimited } from "../concurrency.ts";
import { EXIT_OK } from "../errors.ts";
import { machineLegend } from "../machines.ts";
import { getUnitFile } from "../unit-files.ts";
import { descriptionOf, isGlobal } from "../unit-options.ts";

/** A unit file, the unit made of it (none for a template), and its options. */
interface Row {
  file: UnitFileSummary;
  unit: Unit | undefined;
  options: UnitOption[];
  machine: Machine | undefined;
}

const target = (row: Row, full: boolean) => {
  if (isGlobal(row.options)) return "global";
  const machineId = row.unit?.machineId;
  return machineId ? machineLegend(machineId, row.machine, full) : "";
};

const columns: Columns<Row> = {
  unit: (row) => row.file.name,
  hash: (row, full) => (full ? row.file.hash : row.file.shortHash),
  // A template, or a unit file never loaded, is inactive: fleet stored them so.
  dstate: (row) => row.unit?.desiredState ?? "inactive",
  state: (row) => (isGlobal(row.options) ? "" : (row.unit?.currentState ?? "inactive")),
  target,
  tmachine: target,
  global: (row) => String(isGlobal(row.options)),
  desc: (row) => descriptionOf(row.options, row.file.name) ?? "",
};

const DEFAULT_FIELDS = "unit,hash,dstate,state,target";

export const listUnitFilesCommand = defineCommand({
  name: "list-unit-files",
  summary: "List the units that exist in the cluster, templates included",
  usage: "[--no-legend] [-l|--full] [--fields=LIST]",
  description: `Lists every submitted unit file, loaded on a machine or not: DSTATE is the
desired state, STATE the current one, TARGET the machine it is placed on. With -o json,
one object per file: its name, kind, hash, desired and current state, machine.`,
  examples: [
    ["fleetctl list-unit-files", "every submitted unit and template"],
    ["fleetctl list-unit-files --fields=unit,dstate", "only names and desired states"],
  ],
  options: { ...listOptions },
  flagHelp: listFlagHelp(Object.keys(columns), DEFAULT_FIELDS),
  arguments: "none",
  async run(context, { values }) {
    const names = selectColumns(columns, values.fields, DEFAULT_FIELDS, "list-unit-files");
    const { api } = context;
    const [{ unitFiles }, { units }] = await Promise.all([
      expectData(api, api.client.GET("/v1/unit-files")),
      expectData(api, api.client.GET("/v1/units")),
    ]);
    const unitsByName = new Map(units.map((unit) => [unit.name, unit]));
    // Whether a unit is global, and its description, are in its options only.
    const optionLists = await mapLimited(
      unitFiles,
      8,
      async (file) => (await getUnitFile(api, file.name))?.options ?? [],
    );
    const rows: Row[] = await Promise.all(
      unitFiles.map(async (file, index) => {
        const unit = unitsByName.get(file.name);
        const machine = unit?.machineId ? await context.machines.get(unit.machineId) : undefined;
        return { file, unit, options: optionLists[index] ?? [], machine };
      }),
    );
    if (context.out.json) {
      context.out.document(rows.map(jsonOf));
      return EXIT_OK;
    }
    context.out.raw(
      renderColumns(columns, names, rows, {
        full: values.full === true,
        noLegend: values["no-legend"] === true,
      }),
    );
    return EXIT_OK;
  },
});

function jsonOf(row: Row) {
  const global = isGlobal(row.options);
  return {
    ...row.file,
    desiredState: row.unit?.desiredState ?? "inactive",
    currentState: row.unit?.currentState ?? "inactive",
    ...(row.unit?.machineId ? { machineId: row.unit.machineId } : {}),
    global,
    ...(descriptionOf(row.options, row.file.name) === undefined
      ? {}
      : { description: descriptionOf(row.options, row.file.name) }),
  };
}
