import { Type } from "typebox";
import { RUNNABLE_UNIT_NAME_PATTERN, UNIT_NAME_MAX } from "../unit/name.ts";
import { exampleMovedUnit, examplePlannedUnit } from "./examples.ts";
import { ref } from "./ref.ts";

export const PlanRequest = Type.Object(
  {
    units: Type.Array(
      Type.String({ maxLength: UNIT_NAME_MAX, pattern: RUNNABLE_UNIT_NAME_PATTERN }),
      {
        minItems: 1,
        maxItems: 1000,
        description:
          "Submitted units, or instances of submitted templates, in the order they would be started",
      },
    ),
  },
  {
    $id: "PlanRequest",
    examples: [{ units: ["apache@9999.service", "apache-discovery@9999.service"] }],
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

export const Plan = Type.Object(
  {
    units: Type.Array(ref(PlannedUnit), { description: "One entry per unit asked for, in order" }),
    moved: Type.Array(ref(MovedUnit), {
      description: "Other units the change would move: Replaces= and what it strands",
    }),
  },
  {
    $id: "Plan",
    examples: [{ units: [examplePlannedUnit], moved: [exampleMovedUnit] }],
    additionalProperties: false,
  },
);
