import { expectData } from "../api.ts";
import type { PlannedUnit } from "../api-types.ts";
import { defineCommand } from "../command.ts";
import { EXIT_OK } from "../errors.ts";
import type { MachineBook } from "../machines.ts";
import { tabulate } from "../table.ts";
import { unitNameOf } from "../unit-names.ts";

export const planCommand = defineCommand({
  name: "plan",
  summary: "Show where units would be placed, and why other machines would not do",
  usage: "[--no-legend] [-l|--full] UNIT...",
  description: `A dry run of the scheduler for submitted units (or instances of submitted
templates), taken in the order given: nothing changes. For each unit, the machine it would
run on, then every other machine with the reason it was rejected; last, the units not named
that would move (displaced by Replaces=, with the sidekicks that follow them). With -o json,
the API's plan (POST /v1/plan).`,
  examples: [
    [
      "fleetctl plan apache@81.service apache@82.service",
      "where they would go, and why not elsewhere",
    ],
  ],
  options: { full: { type: "boolean", short: "l" }, "no-legend": { type: "boolean" } },
  flagHelp: [
    ["-l, --full", "Do not ellipsize machine ids"],
    ["--no-legend", "Do not print the column headers"],
  ],
  arguments: "units",
  async run(context, { values, positionals }) {
    const { api } = context;
    const plan = await expectData(
      api,
      api.client.POST("/v1/plan", { body: { units: positionals.map(unitNameOf) } }),
    );
    if (context.out.json) {
      context.out.document(plan);
      return EXIT_OK;
    }
    const full = values.full === true;
    const rows: string[][] = values["no-legend"] ? [] : [["UNIT", "MACHINE", "RESULT"]];
    for (const planned of plan.units) {
      rows.push(...(await rowsOf(planned, context.machines, full)));
    }
    for (const moved of plan.moved) {
      const from = moved.from ? ` from ${await context.machines.legend(moved.from, full)}` : "";
      rows.push(
        moved.machineId
          ? [
              moved.unit,
              await context.machines.legend(moved.machineId, full),
              `would move here${from}`,
            ]
          : [moved.unit, "-", `would leave${from} and wait: ${moved.reason ?? "no machine fits"}`],
      );
    }
    context.out.raw(tabulate(rows));
    return EXIT_OK;
  },
});

async function rowsOf(planned: PlannedUnit, machines: MachineBook, full: boolean) {
  const { unit } = planned;
  const chosen = planned.machineId ? [planned.machineId] : (planned.machineIds ?? []);
  const displaces =
    planned.displaces.length > 0 ? ` (displacing ${planned.displaces.join(", ")})` : "";
  const verdict = planned.alreadyPlaced ? "already runs here" : `would run here${displaces}`;
  const rows: string[][] = [];
  for (const id of chosen) rows.push([unit, await machines.legend(id, full), verdict]);
  if (chosen.length === 0) {
    rows.push([unit, "-", `no machine fits: ${planned.reason ?? "unknown"}`]);
  }
  for (const rejection of planned.rejected) {
    rows.push([unit, await machines.legend(rejection.machineId, full), rejection.reason]);
  }
  return rows;
}
