import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Static } from "typebox";
import { ProblemError } from "../../control/problems.ts";
import { validName } from "../../control/unit-commands.ts";
import { indexPlacements } from "../../engine/actions.ts";
import { UnitSpecs } from "../../engine/unit-specs.ts";
import type { SchedulerUnit } from "../../scheduler/cluster-index.ts";
import { planBatch } from "../../scheduler/decide.ts";
import { Problem } from "../../schema/common.ts";
import { Plan, type PlannedUnit, PlanRequest } from "../../schema/plan.ts";
import { ref } from "../../schema/ref.ts";
import type { ServerContext } from "../context.ts";

type PlannedUnitView = Static<typeof PlannedUnit>;

export function planRoutes(context: ServerContext): FastifyPluginAsyncTypebox {
  const { view } = context;
  const specs = new UnitSpecs(view);
  return async (app) => {
    app.post(
      "/v1/plan",
      {
        schema: {
          operationId: "plan",
          summary:
            "Dry run: where these units would be placed, and why every other machine would not do",
          description:
            "Nothing is written. Units are planned in the order given, each seeing the ones before it.",
          tags: ["units"],
          body: ref(PlanRequest),
          response: { 200: ref(Plan), 400: ref(Problem), 404: ref(Problem), 415: ref(Problem) },
        },
      },
      async (request) => {
        const { index, targets } = indexPlacements(view, specs);
        const planned = new Map<string, PlannedUnitView>();
        const batch: SchedulerUnit[] = [];
        for (const name of request.body.units) {
          if (validName(name).kind === "template") {
            throw new ProblemError(
              "template-not-loadable",
              `${name} is a template; plan one of its instances`,
            );
          }
          const spec = specs.of(name);
          if (!spec)
            throw new ProblemError(
              "unit-not-found",
              `neither ${name} nor its template has been submitted`,
            );
          const placedOn = targets.get(name)?.[0];
          if (placedOn)
            planned.set(name, {
              unit: name,
              machineId: placedOn,
              alreadyPlaced: true,
              displaces: [],
              rejected: [],
            });
          else batch.push(spec);
        }
        for (const { unit, decision } of planBatch(index, batch)) {
          const entry: PlannedUnitView = {
            unit,
            alreadyPlaced: false,
            displaces: [],
            rejected: "rejected" in decision ? decision.rejected : [],
          };
          if (!decision.ok) entry.reason = decision.reason;
          else if ("global" in decision) entry.machineIds = decision.machineIds;
          else {
            entry.machineId = decision.machineId;
            entry.displaces = decision.displaces;
          }
          planned.set(unit, entry);
        }
        return { units: request.body.units.map((name) => planned.get(name) as PlannedUnitView) };
      },
    );
  };
}
