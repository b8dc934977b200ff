import { Type } from "typebox";
import { exampleEvent } from "./examples.ts";
import { ref } from "./ref.ts";
import { StringEnum } from "./string-enum.ts";

export const ClusterEvent = Type.Object(
  {
    revision: Type.Integer({
      description: "etcd revision; send it back as Last-Event-ID to resume",
    }),
    type: StringEnum(
      [
        "unit.updated",
        "unit.deleted",
        "unit-file.updated",
        "unit-file.deleted",
        "machine.updated",
        "machine.deleted",
        "rollout.updated",
      ],
      { description: "Also the SSE event name" },
    ),
    name: Type.String({
      description: "The unit or unit file name, the machine id, or the rollout id",
    }),
    data: Type.Optional(
      Type.Unknown({ description: "The resource as GET returns it; absent for a deletion" }),
    ),
  },
  { $id: "ClusterEvent", examples: [exampleEvent], additionalProperties: false },
);

export const StreamReset = Type.Object(
  {
    revision: Type.Integer({ description: "The etcd revision the stream continues from" }),
  },
  {
    $id: "StreamReset",
    description:
      "The data of a `reset` event: the history asked for (Last-Event-ID or ?after=) is gone, so the client should list again, then apply the events that follow.",
    additionalProperties: false,
    examples: [{ revision: 1042 }],
  },
);

export const StreamEvent = Type.Union([ref(ClusterEvent), ref(StreamReset)], {
  $id: "StreamEvent",
  description: "The data of one event of the stream: a change, or a reset",
  examples: [exampleEvent, { revision: 1042 }],
});
