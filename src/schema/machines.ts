import { Type } from "typebox";
import { exampleDrainedMachine, exampleMachine, exampleMachineDrain } from "./examples.ts";
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

export const MachineDrain = Type.Object(
  {
    since: Type.String({
      format: "date-time",
      description: "When the drain began; draining the machine again keeps it",
    }),
    reason: Type.Optional(Type.String({ description: "Why, as the operator gave it" })),
    remainingUnits: Type.Array(Type.String(), {
      description:
        "Units still placed on the machine or still reported by its agent (being stopped), global units aside: the drain is complete, and the agent can be stopped with nothing to move, once it is empty",
    }),
  },
  {
    $id: "MachineDrain",
    examples: [exampleMachineDrain],
    description:
      "The machine is drained: its units move to other machines (global units stay), and it takes no new ones until the drain ends. It outlives the agent.",
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
    drain: Type.Optional(ref(MachineDrain)),
  },
  {
    $id: "Machine",
    examples: [exampleMachine, exampleDrainedMachine],
    additionalProperties: false,
  },
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

/** The longest reason a drain may give: it is shown in placement rejections and listings. */
export const DRAIN_REASON_MAX = 256;

export const DrainRequest = Type.Object(
  {
    reason: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: DRAIN_REASON_MAX,
        // One line: it ends up in schedule statuses and tables.
        pattern: wholeString("[^\\u0000-\\u001f\\u007f]*"),
        description:
          "Why the machine is drained, shown with the drain and in the scheduler's reasons; draining again with a reason replaces it",
      }),
    ),
  },
  {
    $id: "DrainRequest",
    examples: [{ reason: "kernel upgrade" }],
    description: "The body of a drain, which may be left out altogether",
    additionalProperties: false,
  },
);
