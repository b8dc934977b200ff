import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { AnnouncementList } from "../../schema/announcements.ts";
import { problemResponse } from "../../schema/common.ts";
import { ref } from "../../schema/ref.ts";
import type { ServerContext } from "../context.ts";

export function announcementRoutes(context: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/v1/announcements",
      {
        schema: {
          operationId: "listAnnouncements",
          summary: "Keys that units announce (sidekick loops), with value and remaining TTL",
          description: "Read from etcd on each request, so the remaining TTLs are current.",
          tags: ["announcements"],
          response: { 200: ref(AnnouncementList, "The announced keys"), 503: problemResponse(503) },
        },
      },
      async () => {
        const announcements = await context.registry.listAnnouncements();
        return { announcements: announcements.sort((a, b) => a.key.localeCompare(b.key)) };
      },
    );
  };
}
