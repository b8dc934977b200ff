import { Type } from "typebox";

export const ClusterEvent = Type.Object(
  {
    revision: Type.Integer({
      description: "etcd revision; send it back as Last-Event-ID to resume",
    }),
    type: Type.Union(
      [
        Type.Literal("unit.updated"),
        Type.Literal("unit.deleted"),
        Type.Literal("unit-file.updated"),
        Type.Literal("unit-file.deleted"),
        Type.Literal("machine.updated"),
        Type.Literal("machine.deleted"),
      ],
      { description: "Also the SSE event name" },
    ),
    name: Type.String({ description: "The unit or unit file name, or the machine id" }),
    data: Type.Optional(
      Type.Unknown({ description: "The resource as GET returns it; absent for a deletion" }),
    ),
  },
  { $id: "ClusterEvent", additionalProperties: false },
);
