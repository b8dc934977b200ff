import { Type } from "typebox";
import { exampleAnnouncement } from "./examples.ts";
import { ref } from "./ref.ts";

export const Announcement = Type.Object(
  {
    key: Type.String({ description: "The announced etcd key, as the unit file names it" }),
    value: Type.String(),
    unit: Type.String({ description: "The unit whose loop announces it" }),
    machineId: Type.String(),
    ttlSeconds: Type.Integer(),
    remainingSeconds: Type.Integer({
      description: "Seconds until the key expires unless refreshed",
    }),
    since: Type.String({ format: "date-time" }),
  },
  { $id: "Announcement", examples: [exampleAnnouncement], additionalProperties: false },
);

export const AnnouncementList = Type.Object(
  { announcements: Type.Array(ref(Announcement)) },
  {
    $id: "AnnouncementList",
    examples: [{ announcements: [exampleAnnouncement] }],
    additionalProperties: false,
  },
);
