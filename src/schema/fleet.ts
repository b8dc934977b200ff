import { Type } from "typebox";
import { errorResponse, type ProblemStatus } from "./common.ts";
import {
  exampleFleetMachine,
  exampleFleetUnit,
  exampleFleetUnitState,
  exampleOptions,
} from "./examples.ts";
import { ref } from "./ref.ts";
import { StringEnum } from "./string-enum.ts";

/**
 * fleet's v1 API entities, field for field. Every field is optional on the wire: fleet
 * omitted empty values, and its clients rely on that.
 */

export const FleetUnitOption = Type.Object(
  {
    section: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
    value: Type.Optional(Type.String()),
  },
  { $id: "FleetUnitOption", examples: [exampleOptions[0]] },
);

export const FleetUnit = Type.Object(
  {
    currentState: Type.Optional(Type.String()),
    desiredState: Type.Optional(Type.String()),
    machineID: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
    options: Type.Optional(Type.Array(ref(FleetUnitOption))),
  },
  { $id: "FleetUnit", examples: [exampleFleetUnit] },
);

export const FleetUnitPage = Type.Object(
  {
    nextPageToken: Type.Optional(Type.String()),
    units: Type.Optional(Type.Array(ref(FleetUnit))),
  },
  { $id: "FleetUnitPage", examples: [{ units: [exampleFleetUnit] }] },
);

export const FleetUnitState = Type.Object(
  {
    hash: Type.Optional(Type.String()),
    machineID: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
    systemdActiveState: Type.Optional(Type.String()),
    systemdLoadState: Type.Optional(Type.String()),
    systemdSubState: Type.Optional(Type.String()),
  },
  { $id: "FleetUnitState", examples: [exampleFleetUnitState] },
);

export const FleetUnitStatePage = Type.Object(
  {
    nextPageToken: Type.Optional(Type.String()),
    states: Type.Optional(Type.Array(ref(FleetUnitState))),
  },
  { $id: "FleetUnitStatePage", examples: [{ states: [exampleFleetUnitState] }] },
);

export const FleetMachine = Type.Object(
  {
    id: Type.Optional(Type.String()),
    metadata: Type.Optional(Type.Record(Type.String(), Type.String())),
    primaryIP: Type.Optional(Type.String()),
  },
  { $id: "FleetMachine", examples: [exampleFleetMachine] },
);

export const FleetMachinePage = Type.Object(
  {
    machines: Type.Optional(Type.Array(ref(FleetMachine))),
    nextPageToken: Type.Optional(Type.String()),
  },
  { $id: "FleetMachinePage", examples: [{ machines: [exampleFleetMachine] }] },
);

export const FleetError = Type.Object(
  {
    error: Type.Object({ code: Type.Integer(), message: Type.String() }),
  },
  { $id: "FleetError", examples: [{ error: { code: 404, message: "unit does not exist" } }] },
);

export const FleetDiscovery = Type.Object(
  {
    kind: Type.String({ description: "discovery#restDescription" }),
    discoveryVersion: Type.String(),
    id: Type.String(),
    name: Type.String(),
    version: Type.String(),
    basePath: Type.String(),
  },
  {
    $id: "FleetDiscovery",
    examples: [
      {
        kind: "discovery#restDescription",
        discoveryVersion: "v1",
        id: "fleet:v1",
        name: "schema",
        version: "v1",
        basePath: "/fleet/v1/",
      },
    ],
    additionalProperties: true,
    description: "A Google API discovery document describing fleet's v1 API",
  },
);

/** An error answer of fleet's API: fleet's error entity, as application/json. */
export function fleetErrorResponse(status: ProblemStatus) {
  return errorResponse(status, "fleet's error entity", "application/json", ref(FleetError));
}

export const FleetMachinePatch = Type.Array(
  Type.Object({
    op: StringEnum(["add", "replace", "remove"]),
    path: Type.String({
      pattern: "^/[^/]+/metadata/[A-Za-z0-9_.-]+$",
      description: "/<machine id>/metadata/<key>",
    }),
    value: Type.Optional(
      Type.Object({ value: Type.String() }, { description: "For add and replace" }),
    ),
  }),
  {
    $id: "FleetMachinePatch",
    description:
      "fleet's metadata operations. fleet decoded the body as JSON whatever its Content-Type; an empty body is refused with fleet's decoder message, EOF.",
    examples: [
      [
        {
          op: "add",
          path: `/${exampleFleetMachine.id}/metadata/region`,
          value: { value: "eu" },
        },
      ],
    ],
  },
);
