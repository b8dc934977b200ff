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

// The limits of operator metadata, for PATCH /v1/machines/{id}/metadata (MetadataPatch) and
// fleet's PATCH /fleet/v1/machines alike. Lengths are in characters (code points), as JSON
// Schema counts them.

/** The characters of a metadata key: what MachineMetadata= can match. */
export const METADATA_KEY_CHARACTERS = "[A-Za-z0-9_.-]";
export const METADATA_KEY_MAX = 128;
/** A metadata key, not anchored. */
export const METADATA_KEY = `${METADATA_KEY_CHARACTERS}{1,${METADATA_KEY_MAX}}`;
export const METADATA_KEY_PATTERN = wholeString(METADATA_KEY);
export const METADATA_VALUE_MAX = 1024;
/** The most keys one patch may set or remove on one machine. */
export const METADATA_KEYS_MAX = 256;

export const MetadataPatch = Type.Unsafe<Record<string, string | null>>({
  $id: "MetadataPatch",
  type: "object",
  examples: [{ disk: "ssd", region: null }],
  description:
    "A JSON merge patch of the machine's metadata: a string sets a key, null removes it.",
  propertyNames: { pattern: METADATA_KEY_PATTERN },
  additionalProperties: {
    anyOf: [{ type: "string", maxLength: METADATA_VALUE_MAX }, { type: "null" }],
  },
  maxProperties: METADATA_KEYS_MAX,
});
