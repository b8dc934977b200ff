import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Static } from "typebox";
import { ProblemError } from "../../control/problems.ts";
import { validName } from "../../control/unit-commands.ts";
import { indexPlacements } from "../../engine/actions.ts";
import { UnitSpecs } from "../../engine/unit-specs.ts";
import type { ClusterIndex, SchedulerUnit } from "../../scheduler/cluster-index.ts";
import { checkPlacement, decide, decideGlobal, orderBatch } from "../../scheduler/decide.ts";
import { problemResponse } from "../../schema/common.ts";
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
          response: {
            200: ref(Plan, "Where each unit would go, and why not elsewhere"),
            400: problemResponse(400),
            404: problemResponse(404),
            415: problemResponse(415),
          },
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
        // Decided one by one, in the engine's order, so that each placement can be explained
        // against the cluster as it stood just before it.
        for (const spec of orderBatch(batch)) {
          const entry: PlannedUnitView = {
            unit: spec.name,
            alreadyPlaced: false,
            displaces: [],
            rejected: [],
          };
          if (spec.requirements.global) {
            const placement = decideGlobal(index, spec);
            entry.machineIds = placement.machineIds;
            entry.rejected = placement.rejected;
            for (const machineId of placement.machineIds) index.place(spec, machineId);
          } else {
            const decision = decide(index, spec);
            if (!decision.ok) {
              entry.reason = decision.reason;
              entry.rejected = decision.rejected;
            } else {
              entry.machineId = decision.machineId;
              entry.displaces = decision.displaces;
              entry.rejected = explainOthers(index, spec, decision.machineId);
              index.place(spec, decision.machineId);
            }
          }
          planned.set(spec.name, entry);
        }
        return { units: request.body.units.map((name) => planned.get(name) as PlannedUnitView) };
      },
    );
  };
}

/** Why each machine but the chosen one was not chosen: a constraint, or a heavier load. */
function explainOthers(index: ClusterIndex, unit: SchedulerUnit, chosen: string) {
  const chosenLoad = index.load(chosen);
  return index
    .machines()
    .filter((machine) => machine.id !== chosen)
    .map((machine) => ({
      machineId: machine.id,
      reason:
        checkPlacement(index, unit, machine.id) ??
        (index.load(machine.id) > chosenLoad
          ? `more loaded: ${index.load(machine.id)} units against ${chosenLoad}`
          : `as loaded as ${chosen.slice(0, 8)}, which sorts first`),
    }));
}
