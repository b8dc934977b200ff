import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Static } from "typebox";
import type { AddedCanary } from "../../rollout/canaries.ts";
import { newRollout } from "../../rollout/create.ts";
import { previewRollout } from "../../rollout/preview.ts";
import { dryRun, type PlannedOutcome } from "../../scheduler/dry-run.ts";
import { problemResponse } from "../../schema/common.ts";
import { Plan, type PlannedUnit, PlanRequest, type RolloutPlan } from "../../schema/plan.ts";
import { ref } from "../../schema/ref.ts";
import type { ServerContext } from "../context.ts";
import { ProblemError } from "../problems.ts";
import { type RolloutRequest, refuseOverlap } from "../writes/rollouts.ts";

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
            "Nothing is written. The answer is what the engine would do if the units were started now, one after another in the order given, and it acted on them in one pass: the same planner runs over the same cluster state, pass after pass, until nothing moves. `moved` lists the other units the change would move (Replaces=, and their MachineOf sidekicks). With `rollout` instead of `units`, the rollout POST /v1/rollouts would start: which instances it would replace, where they run, in what order and in which waves; it is checked as that request would be (400, 404, 409).",
          tags: ["units"],
          body: ref(PlanRequest),
          response: {
            200: ref(Plan, "Where each unit would go, and why not elsewhere"),
            400: problemResponse(400),
            404: problemResponse(404),
            409: problemResponse(409),
            415: problemResponse(415),
          },
        },
      },
      async (request) => {
        const { units: names, rollout } = request.body;
        if ((names === undefined) === (rollout === undefined))
          throw new ProblemError(
            "invalid-request",
            "give either units (to start) or rollout (to preview), not both nor neither",
          );
        if (rollout) return { units: [], moved: [], rollout: rolloutPlan(context, rollout) };
        for (const name of names ?? []) {
          // A template's name is refused by the body's schema already.
          if (!view.spec(name))
            throw new ProblemError(
              "unit-not-found",
              `neither ${name} nor its template has been submitted`,
            );
        }
        const { units, moved } = dryRun(view, names ?? [], Date.now());
        return { units: units.map(plannedUnit), moved };
      },
    );
  };
}

/** What POST /v1/rollouts would do with `request`, or the problem it would answer. */
function rolloutPlan(context: ServerContext, request: RolloutRequest): Static<typeof RolloutPlan> {
  const { view, rolloutWrites } = context;
  const prepared = rolloutWrites.prepare(request);
  refuseOverlap(prepared, [...view.rollouts.values()]);
  const rollout = newRollout({
    id: "preview",
    target: prepared.target,
    toHash: prepared.hash,
    instances: prepared.instances,
    addedCanaries: prepared.addedCanaries,
    options: prepared.options,
    now: Date.now(),
  });
  const canaryMachines = plannedCanaries(context, prepared.addedCanaries);
  const instances = previewRollout(rollout, (name) => {
    const unit = view.units.get(name);
    if (!unit) {
      const canary = canaryMachines.get(name);
      return canary && { desiredState: "launched", ...canary };
    }
    const machineId = view.placements.get(name)?.machineId;
    return { desiredState: unit.desiredState, ...(machineId ? { machineId } : {}) };
  });
  return {
    target: prepared.target,
    toHash: prepared.hash,
    ...(prepared.template ? { template: prepared.template.value.name } : {}),
    options: prepared.options,
    instances,
  };
}

/**
 * Where the engine would place the canaries to add (the rollout adds them only where it can),
 * by the template's [X-Fleet] as it is now: the new content's takes effect as it begins.
 */
function plannedCanaries(
  context: ServerContext,
  canaries: readonly AddedCanary[],
): Map<string, { machineId?: string }> {
  const where = new Map<string, { machineId?: string }>();
  if (canaries.length === 0) return where;
  const names = canaries.flatMap((canary) => [
    canary.name,
    ...canary.companions.map((companion) => companion.name),
  ]);
  const { units } = dryRun(context.view, names, Date.now());
  for (const canary of canaries) {
    const machineId = units.find((unit) => unit.unit === canary.name)?.machineIds[0];
    where.set(canary.name, machineId === undefined ? {} : { machineId });
  }
  return where;
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
