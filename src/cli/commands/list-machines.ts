import type { Machine } from "../api-types.ts";
import {
  type Columns,
  listFlagHelp,
  listOptions,
  renderColumns,
  selectColumns,
} from "../columns.ts";
import { defineCommand } from "../command.ts";
import { EXIT_OK } from "../errors.ts";
import { drainSummary } from "../machine-drains.ts";
import { machineIdLegend } from "../machines.ts";

const columns: Columns<Machine> = {
  machine: (machine, full) => machineIdLegend(machine.id, full),
  ip: (machine) => machine.publicIP,
  // fleetctl's form: keys sorted, `k=v` joined by commas.
  metadata: (machine) =>
    Object.keys(machine.metadata)
      .sort()
      .map((key) => `${key}=${machine.metadata[key]}`)
      .join(","),
  // Flotilla's own, so not among fleetctl's default columns.
  drain: drainSummary,
};

const DEFAULT_FIELDS = "machine,ip,metadata";

export const listMachinesCommand = defineCommand({
  name: "list-machines",
  summary: "Enumerate the machines in the cluster",
  usage: "[--no-legend] [-l|--full] [--fields=LIST]",
  description: `Lists the machines whose agents are present. The drain column (not shown by
default, as fleetctl did not have it) says whether a machine is drained: 'draining: N units
left' while its units are still leaving it, 'drained' once none is, '-' when not drained.
With -o json, the machines as the API shows them (GET /v1/machines).`,
  examples: [
    ["fleetctl list-machines", "every machine, its address and metadata"],
    ["fleetctl list-machines -l --no-legend", "full machine ids, for scripts"],
    ["fleetctl list-machines --fields=machine,ip,drain", "which machines are drained, and how far"],
  ],
  options: { ...listOptions },
  flagHelp: listFlagHelp(Object.keys(columns), DEFAULT_FIELDS),
  arguments: "none",
  async run(context, { values }) {
    const names = selectColumns(columns, values.fields, DEFAULT_FIELDS, "list-machines");
    const machines = await context.machines.list();
    if (context.out.json) {
      context.out.document(machines);
      return EXIT_OK;
    }
    context.out.raw(
      renderColumns(columns, names, machines, {
        full: values.full === true,
        noLegend: values["no-legend"] === true,
      }),
    );
    return EXIT_OK;
  },
});
