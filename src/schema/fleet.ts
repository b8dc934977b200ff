import { Type } from "typebox";
import { UNIT_NAME_MAX, UNIT_NAME_PATTERN } from "../unit/name.ts";
import { KEY_NAME_CHARACTERS } from "../unit/parse.ts";
import { UNIT_STATES } from "../unit/states.ts";
import { errorResponse, type ProblemStatus } from "./common.ts";
import {
  exampleFleetMachine,
  exampleFleetUnit,
  exampleFleetUnitState,
  exampleOptions,
} from "./examples.ts";
import {
  METADATA_KEY,
  METADATA_KEY_CHARACTERS,
  METADATA_KEY_MAX,
  METADATA_KEYS_MAX,
  METADATA_VALUE_MAX,
} from "./machines.ts";
import { wholeString } from "./pattern.ts";
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

export const FleetUnitBody = Type.Object(
  {
    // fleet decoded the body into Go strings: null and "" both mean not given.
    desiredState: Type.Optional(Type.Union([StringEnum([...UNIT_STATES, ""]), Type.Null()])),
    name: Type.Optional(
      Type.Union([Type.String(), Type.Null()], { description: "If given, the name in the URL" }),
    ),
    options: Type.Optional(
      Type.Array(
        Type.Object({
          section: Type.String({ minLength: 1 }),
          name: Type.String({ pattern: wholeString(KEY_NAME_CHARACTERS) }),
          value: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        }),
      ),
    ),
  },
  {
    $id: "FleetUnitBody",
    description:
      "What fleetctl sends: options to create or replace a unit (with a desiredState, or inactive), or only a desiredState to change it. Other fields, such as currentState, are ignored.",
    examples: [
      { desiredState: "launched", options: exampleFleetUnit.options },
      { desiredState: "loaded" },
    ],
  },
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

const FleetMetadataPath = Type.String({
  pattern: wholeString(`/[^/]+/metadata/${METADATA_KEY}`),
  description: "/<machine id>/metadata/<key>",
});

export const FleetMetadataValue = Type.Object(
  { value: Type.String({ minLength: 1, maxLength: METADATA_VALUE_MAX }) },
  {
    $id: "FleetMetadataValue",
    description: "fleet's wrapping of a metadata value",
    examples: [{ value: "eu" }],
  },
);

export const FleetSetMetadata = Type.Object(
  {
    op: StringEnum(["add", "replace"]),
    path: FleetMetadataPath,
    value: ref(FleetMetadataValue),
  },
  {
    $id: "FleetSetMetadata",
    description: "Sets one metadata key of one machine",
    examples: [
      { op: "add", path: `/${exampleFleetMachine.id}/metadata/region`, value: { value: "eu" } },
    ],
  },
);

export const FleetRemoveMetadata = Type.Object(
  { op: StringEnum(["remove"]), path: FleetMetadataPath },
  {
    $id: "FleetRemoveMetadata",
    description: "Removes one metadata key of one machine",
    examples: [{ op: "remove", path: `/${exampleFleetMachine.id}/metadata/region` }],
  },
);

export const FleetMachinePatch = Type.Union(
  [Type.Array(Type.Union([ref(FleetSetMetadata), ref(FleetRemoveMetadata)])), Type.Null()],
  {
    $id: "FleetMachinePatch",
    description: `fleet's metadata operations; null is none. fleet decoded the body as JSON whatever its Content-Type, matched field names in any case and ignored others; an empty body is refused with fleet's decoder message, EOF. As on PATCH /v1/machines/{id}/metadata, a key is 1 to ${METADATA_KEY_MAX} of ${METADATA_KEY_CHARACTERS}, a value at most ${METADATA_VALUE_MAX} characters, and one request changes at most ${METADATA_KEYS_MAX} keys of one machine; a request over any of these limits is refused whole, 400.`,
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

export const FleetUnitNameParam = Type.Object({
  name: Type.String({
    maxLength: UNIT_NAME_MAX,
    pattern: UNIT_NAME_PATTERN,
    description:
      "A unit name, as on /v1. fleet's answers to another name: 404 from GET and DELETE, 400 with fleet's message from PUT.",
    // The name of the FleetUnit example, so that the two examples make one request.
    examples: ["hello.service"],
  }),
});
