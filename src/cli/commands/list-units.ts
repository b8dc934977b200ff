import { expectData } from "../api.ts";
import type { Machine, Unit } from "../api-types.ts";
import {
  type Columns,
  listFlagHelp,
  listOptions,
  renderColumns,
  selectColumns,
} from "../columns.ts";
import { defineCommand } from "../command.ts";
import { EXIT_OK } from "../errors.ts";
import { machineLegend } from "../machines.ts";
import { healthStatusOf } from "../unit-states.ts";

/** One row per unit and machine it is on; a global unit has several. */
interface Row {
  unit: Unit;
  machineId: string;
  machine: Machine | undefined;
}

const columns: Columns<Row> = {
  unit: (row) => row.unit.name,
  machine: (row, full) => machineLegend(row.machineId, row.machine, full),
  active: (row) => row.unit.activeState ?? "",
  sub: (row) => row.unit.subState ?? "",
  load: (row) => row.unit.loadState ?? "",
  hash: (row, full) => (full ? row.unit.hash : row.unit.shortHash),
  health: (row) => healthStatusOf(row.unit),
  next: (row) => elapseTime(row.unit.timer?.nextElapse),
  last: (row) => elapseTime(row.unit.timer?.lastTrigger),
};

// fleetctl's columns: scripts split its table by position. HEALTH is there for --fields;
// NEXT and LAST are added when timers are listed, which fleet never ran.
const DEFAULT_FIELDS = "unit,machine,active,sub";
const TIMER_FIELDS = `${DEFAULT_FIELDS},next,last`;

export const listUnitsCommand = defineCommand({
  name: "list-units",
  summary: "List the current state of units in the cluster",
  usage: "[--no-legend] [-l|--full] [--fields=LIST]",
  description: `Lists the units placed on machines, with the state their machines report.
--fields=unit,machine,active,sub,health adds each unit's health (starting, healthy,
unhealthy, or none: see [X-Health]). When timers are listed, NEXT and LAST say when each
timer elapses next and last elapsed (in UTC). With -o json, the units as the API shows them
(GET /v1/units), placed ones only.`,
  examples: [
    ["fleetctl list-units", "units and where they run"],
    ["fleetctl list-units --fields=unit,machine,active,health", "with their health"],
    ["fleetctl list-units -o json", "the API's view, as JSON"],
  ],
  options: { ...listOptions },
  flagHelp: listFlagHelp(Object.keys(columns), DEFAULT_FIELDS),
  arguments: "none",
  async run(context, { values }) {
    const chosen = selectColumns(columns, values.fields, DEFAULT_FIELDS, "list-units");
    const { api } = context;
    const { units } = await expectData(api, api.client.GET("/v1/units"));
    const placed = units.filter((unit) => unitMachines(unit).length > 0);
    const timers = placed.some((unit) => unit.name.endsWith(".timer"));
    const names = values.fields === undefined && timers ? TIMER_FIELDS.split(",") : chosen;
    if (context.out.json) {
      context.out.document(placed);
      return EXIT_OK;
    }
    // Addresses only decorate the machine column: without them, ids still identify machines.
    const known = placed.length > 0 ? await context.machines.list().catch(() => []) : [];
    const machines = new Map(known.map((machine) => [machine.id, machine]));
    const rows = placed.flatMap((unit) =>
      unitMachines(unit).map((machineId) => ({
        unit,
        machineId,
        machine: machines.get(machineId),
      })),
    );
    context.out.raw(
      renderColumns(columns, names, rows, {
        full: values.full === true,
        noLegend: values["no-legend"] === true,
      }),
    );
    return EXIT_OK;
  },
});

function unitMachines(unit: Unit): string[] {
  return unit.machineId ? [unit.machineId] : (unit.machineIds ?? []);
}

/** systemctl list-timers' form, in UTC: `Tue 2026-12-08 02:00:00 UTC`; "-" when none. */
function elapseTime(iso: string | undefined): string {
  if (iso === undefined) return "-";
  const at = new Date(iso);
  const weekday = at.toLocaleDateString("en-US", { weekday: "short", timeZone: "UTC" });
  return `${weekday} ${at.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
