import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { problemResponse } from "../../schema/common.ts";
import { StreamEvent } from "../../schema/events.ts";
import { wholeString } from "../../schema/pattern.ts";
import { ref } from "../../schema/ref.ts";
import type { ServerContext } from "../context.ts";
import type { ClusterEventView } from "../event-hub.ts";
import { ProblemError } from "../problems.ts";
import type { StreamLimit } from "../rate-limit.ts";

/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

export function eventRoutes(
  context: ServerContext,
  streams: StreamLimit,
): FastifyPluginAsyncTypebox {
  const { events, view } = context;
  return async (app) => {
    app.get(
      "/v1/events",
      {
        schema: {
          operationId: "streamEvents",
          summary: "Server-Sent Events of unit, unit file and machine changes",
          description:
            "Each event's id is an etcd revision. Reconnect with Last-Event-ID (or ?after=) to resume; if that history is gone the stream starts with a `reset` event and the client should re-list.",
          tags: ["events"],
          headers: Type.Object({
            "last-event-id": Type.Optional(Type.String({ pattern: wholeString("[0-9]{1,16}") })),
          }),
          querystring: Type.Object(
            { after: Type.Optional(Type.String({ pattern: wholeString("[0-9]{1,16}") })) },
            { additionalProperties: false },
          ),
          produces: ["text/event-stream"],
          response: {
            200: {
              description:
                "An endless text/event-stream. Each event's data is a ClusterEvent named by its type; a stream that cannot resume where asked starts with a `reset` event whose data is a StreamReset.",
              content: {
                "text/event-stream": {
                  // Text, as clients read it; each event's data is a StreamEvent in JSON.
                  schema: Type.String({
                    contentSchema: ref(StreamEvent),
                    examples: [
                      'id: 1042\nevent: unit.updated\ndata: {"revision":1042,"type":"unit.updated","name":"apache@80.service"}\n\n',
                    ],
                  }),
                },
              },
            },
            400: problemResponse(400),
          },
        },
      },
      async (request, reply) => {
        const resumeFrom = request.headers["last-event-id"] ?? request.query.after;
        const after = resumeFrom === undefined ? undefined : Number(resumeFrom);
        if (after !== undefined && after > view.revision + 1_000_000_000) {
          throw new ProblemError(
            "invalid-request",
            "Last-Event-ID is not a revision this cluster has reached",
          );
        }
        const release = streams.acquire(request.ip);
        if (!release) {
          reply.header("retry-after", "5");
          throw new ProblemError(
            "too-many-requests",
            `${request.ip} already has ${streams.max} event streams open; close one first`,
          );
        }
        reply.hijack();
        const out = reply.raw;
        out.writeHead(200, {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-cache",
          connection: "keep-alive",
          "x-accel-buffering": "no",
        });
        out.write(`retry: 2000\n: flotilla events from revision ${view.revision}\n\n`);
        const send = (event: ClusterEventView) => {
          out.write(
            `id: ${event.revision}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`,
          );
        };
        const subscription = events.subscribe(send, after);
        if (!subscription.resumed) {
          out.write(`id: ${view.revision}\nevent: reset\ndata: {"revision":${view.revision}}\n\n`);
        }
        const keepalive = setInterval(() => out.write(": keepalive\n\n"), KEEPALIVE_MS);
        request.raw.on("close", () => {
          clearInterval(keepalive);
          subscription.unsubscribe();
          release();
        });
      },
    );
  };
}
