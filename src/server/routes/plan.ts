import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Static } from "typebox";
import { dryRun, type PlannedOutcome } from "../../scheduler/dry-run.ts";
import { problemResponse } from "../../schema/common.ts";
import { Plan, type PlannedUnit, PlanRequest } from "../../schema/plan.ts";
import { ref } from "../../schema/ref.ts";
import type { ServerContext } from "../context.ts";
import { ProblemError } from "../problems.ts";

export function planRoutes(context: ServerContext): FastifyPluginAsyncTypebox {
  const { view } = context;
  return async (app) => {
    app.post(
      "/v1/plan",
      {
        schema: {
          operationId: "plan",
          summary:
            "Dry run: where these units would be placed, and why every other machine would not do",
          description:
            "Nothing is written. The answer is what the engine would do if the units were started now, one after another in the order given, and it acted on them in one pass: the same planner runs over the same cluster state, pass after pass, until nothing moves. `moved` lists the other units the change would move (Replaces=, and their MachineOf sidekicks).",
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
        for (const name of request.body.units) {
          // A template's name is refused by the body's schema already.
          if (!view.spec(name))
            throw new ProblemError(
              "unit-not-found",
              `neither ${name} nor its template has been submitted`,
            );
        }
        const { units, moved } = dryRun(view, request.body.units, Date.now());
        return { units: units.map(plannedUnit), moved };
      },
    );
  };
}

function plannedUnit(outcome: PlannedOutcome): Static<typeof PlannedUnit> {
  const { unit, global, machineIds, alreadyPlaced, displaces, rejected, reason } = outcome;
  const where = global
    ? { machineIds }
    : machineIds[0] === undefined
      ? {}
      : { machineId: machineIds[0] };
  return {
    unit,
    ...where,
    alreadyPlaced,
    displaces,
    ...(reason === undefined ? {} : { reason }),
    rejected,
  };
}
