import { Type } from "typebox";
import { exampleMachine } from "./examples.ts";
import { ref } from "./ref.ts";

export const Machine = Type.Object(
  {
    id: Type.String(),
    shortId: Type.String({ description: "The first 8 characters of id, as fleetctl shows it" }),
    publicIP: Type.String(),
    privateIP: Type.String(),
    metadata: Type.Record(Type.String(), Type.String()),
    agentURL: Type.String(),
    version: Type.String(),
    units: Type.Array(Type.String(), { description: "Units placed on this machine" }),
    startedAt: Type.String({ format: "date-time" }),
    heartbeatAt: Type.String({ format: "date-time" }),
  },
  { $id: "Machine", examples: [exampleMachine], additionalProperties: false },
);

export const MachineList = Type.Object(
  { machines: Type.Array(ref(Machine)) },
  { $id: "MachineList", examples: [{ machines: [exampleMachine] }], additionalProperties: false },
);

export const MetadataPatch = Type.Unsafe<Record<string, string | null>>(
  Type.Object(
    {},
    {
      $id: "MetadataPatch",
      examples: [{ disk: "ssd", region: null }],
      description:
        "A JSON merge patch of the machine's metadata: a string sets a key, null removes it.",
      patternProperties: {
        "^[A-Za-z0-9_.-]{1,128}$": Type.Union([Type.String({ maxLength: 1024 }), Type.Null()]),
      },
      additionalProperties: false,
      maxProperties: 256,
    },
  ),
);
