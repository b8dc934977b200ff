import { Type } from "typebox";
import { ref } from "./ref.ts";

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
  { $id: "FleetUnitOption" },
);

export const FleetUnit = Type.Object(
  {
    currentState: Type.Optional(Type.String()),
    desiredState: Type.Optional(Type.String()),
    machineID: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
    options: Type.Optional(Type.Array(ref(FleetUnitOption))),
  },
  { $id: "FleetUnit" },
);

export const FleetUnitPage = Type.Object(
  {
    nextPageToken: Type.Optional(Type.String()),
    units: Type.Optional(Type.Array(ref(FleetUnit))),
  },
  { $id: "FleetUnitPage" },
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
  { $id: "FleetUnitState" },
);

export const FleetUnitStatePage = Type.Object(
  {
    nextPageToken: Type.Optional(Type.String()),
    states: Type.Optional(Type.Array(ref(FleetUnitState))),
  },
  { $id: "FleetUnitStatePage" },
);

export const FleetMachine = Type.Object(
  {
    id: Type.Optional(Type.String()),
    metadata: Type.Optional(Type.Record(Type.String(), Type.String())),
    primaryIP: Type.Optional(Type.String()),
  },
  { $id: "FleetMachine" },
);

export const FleetMachinePage = Type.Object(
  {
    machines: Type.Optional(Type.Array(ref(FleetMachine))),
    nextPageToken: Type.Optional(Type.String()),
  },
  { $id: "FleetMachinePage" },
);

export const FleetError = Type.Object(
  {
    error: Type.Object({ code: Type.Integer(), message: Type.String() }),
  },
  { $id: "FleetError" },
);
