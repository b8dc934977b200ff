import { Type } from "typebox";
import { exampleMachine } from "./examples.ts";
import { wholeString } from "./pattern.ts";
import { ref } from "./ref.ts";

export const MachineCapacity = Type.Object(
  {
    cpus: Type.Integer({ minimum: 1, description: "CPUs the agent's machine has" }),
    memoryBytes: Type.Integer({ minimum: 0, description: "Memory the agent's machine has" }),
  },
  {
    $id: "MachineCapacity",
    examples: [exampleMachine.capacity],
    description: "What the machine offers, as its agent measured it at start",
    additionalProperties: false,
  },
);

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
    capacity: Type.Optional(ref(MachineCapacity)),
  },
  { $id: "Machine", examples: [exampleMachine], additionalProperties: false },
);

export const MachineList = Type.Object(
  { machines: Type.Array(ref(Machine)) },
  { $id: "MachineList", examples: [{ machines: [exampleMachine] }], additionalProperties: false },
);

/** A metadata key: what MachineMetadata= can match. */
export const METADATA_KEY_PATTERN = wholeString("[A-Za-z0-9_.-]{1,128}");

export const MetadataPatch = Type.Unsafe<Record<string, string | null>>({
  $id: "MetadataPatch",
  type: "object",
  examples: [{ disk: "ssd", region: null }],
  description:
    "A JSON merge patch of the machine's metadata: a string sets a key, null removes it.",
  propertyNames: { pattern: METADATA_KEY_PATTERN },
  additionalProperties: { anyOf: [{ type: "string", maxLength: 1024 }, { type: "null" }] },
  maxProperties: 256,
});
