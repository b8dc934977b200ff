import { Type } from "typebox";
import { RUNNABLE_UNIT_NAME_PATTERN, UNIT_NAME_MAX } from "../unit/name.ts";
import {
  exampleMovedUnit,
  examplePlannedReplacement,
  examplePlannedUnit,
  exampleRolloutPlan,
} from "./examples.ts";
import { ref } from "./ref.ts";
import { RolloutOptions, RolloutRequest } from "./rollouts.ts";
import { StringEnum } from "./string-enum.ts";

export const PlanRequest = Type.Object(
  {
    units: Type.Optional(
      Type.Array(Type.String({ maxLength: UNIT_NAME_MAX, pattern: RUNNABLE_UNIT_NAME_PATTERN }), {
        minItems: 1,
        maxItems: 1000,
        description:
          "Submitted units, or instances of submitted templates, in the order they would be started",
      }),
    ),
    rollout: Type.Optional(
      ref(RolloutRequest, "A rollout, as POST /v1/rollouts would take it: its order and waves"),
    ),
  },
  {
    $id: "PlanRequest",
    description: "Either units to start, or a rollout to preview",
    examples: [
      { units: ["apache@9999.service", "apache-discovery@9999.service"] },
      { rollout: { target: "apache@.service", text: "[Service]\nExecStart=/bin/httpd -f\n" } },
    ],
    additionalProperties: false,
  },
);

export const Rejection = Type.Object(
  { machineId: Type.String(), reason: Type.String() },
  { $id: "Rejection", examples: examplePlannedUnit.rejected, additionalProperties: false },
);

export const PlannedUnit = Type.Object(
  {
    unit: Type.String(),
    machineId: Type.Optional(Type.String({ description: "Where it would run" })),
    machineIds: Type.Optional(
      Type.Array(Type.String(), { description: "For a global unit: every machine" }),
    ),
    alreadyPlaced: Type.Boolean({ description: "True when the unit already runs there" }),
    displaces: Type.Array(Type.String(), {
      description: "Units it would move elsewhere (Replaces=)",
    }),
    reason: Type.Optional(Type.String({ description: "Why no machine fits" })),
    rejected: Type.Array(ref(Rejection), { description: "Every other machine, and why not" }),
  },
  { $id: "PlannedUnit", examples: [examplePlannedUnit], additionalProperties: false },
);

export const MovedUnit = Type.Object(
  {
    unit: Type.String(),
    from: Type.Optional(Type.String({ description: "The machine it leaves; absent: it waited" })),
    machineId: Type.Optional(
      Type.String({ description: "The machine it goes to; absent: it waits (then `reason`)" }),
    ),
    reason: Type.Optional(Type.String({ description: "Why no machine would take it" })),
  },
  {
    $id: "MovedUnit",
    description: "A unit not asked for that the change would place, move or leave waiting",
    examples: [exampleMovedUnit],
    additionalProperties: false,
  },
);

export const PlannedReplacement = Type.Object(
  {
    name: Type.String(),
    machineId: Type.Optional(
      Type.String({ description: "Where it runs now; for a canary to add, where it would go" }),
    ),
    change: StringEnum(["add", "replace", "restart-free", "unchanged"], {
      description:
        "add: a canary started beside the old instances, with its sidekicks, and destroyed once they are replaced; replace: drained, replaced and checked; restart-free: not running, its content changes at once; unchanged: already on the new content",
    }),
    order: Type.Optional(
      Type.Integer({ minimum: 1, description: "Its turn among those replaced" }),
    ),
    wave: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: "Replaced together with the others of its wave, maxParallel at a time",
      }),
    ),
    canary: Type.Boolean(),
  },
  { $id: "PlannedReplacement", additionalProperties: false, examples: [examplePlannedReplacement] },
);

export const RolloutPlan = Type.Object(
  {
    target: Type.String(),
    toHash: Type.String({ description: "SHA-1 of the new content" }),
    template: Type.Optional(
      Type.String({ description: "The template whose content would change at once" }),
    ),
    options: ref(RolloutOptions),
    instances: Type.Array(ref(PlannedReplacement), { description: "In the order of the rollout" }),
  },
  {
    $id: "RolloutPlan",
    additionalProperties: false,
    examples: [exampleRolloutPlan],
  },
);

export const Plan = Type.Object(
  {
    units: Type.Array(ref(PlannedUnit), { description: "One entry per unit asked for, in order" }),
    moved: Type.Array(ref(MovedUnit), {
      description: "Other units the change would move: Replaces= and what it strands",
    }),
    rollout: Type.Optional(ref(RolloutPlan, "The rollout asked for, previewed")),
  },
  {
    $id: "Plan",
    examples: [{ units: [examplePlannedUnit], moved: [exampleMovedUnit] }],
    additionalProperties: false,
  },
);
