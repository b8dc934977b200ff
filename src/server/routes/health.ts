import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { ref } from "../../schema/ref.ts";
import { StringEnum } from "../../schema/string-enum.ts";
import type { ServerContext } from "../context.ts";

export const Health = Type.Object(
  {
    status: StringEnum(["ok", "unavailable"]),
    revision: Type.Optional(Type.Integer()),
    detail: Type.Optional(Type.String()),
  },
  { $id: "Health", examples: [{ status: "ok", revision: 1042 }], additionalProperties: false },
);

export function healthRoutes(context: ServerContext): FastifyPluginAsyncTypebox {
  const { registry, metrics } = context;
  return async (app) => {
    app.get(
      "/healthz",
      {
        schema: {
          operationId: "health",
          summary: "Liveness: the process serves HTTP",
          tags: ["operations"],
          response: { 200: ref(Health, "The server runs") },
        },
      },
      async () => ({ status: "ok" as const }),
    );

    app.get(
      "/readyz",
      {
        schema: {
          operationId: "ready",
          summary: "Readiness: etcd answers and the in-memory view is in sync",
          tags: ["operations"],
          response: {
            200: ref(Health, "Synchronised with etcd: ready to serve"),
            503: ref(Health, "Not synchronised with etcd: not ready"),
          },
        },
      },
      async (_request, reply) => {
        if (!context.isSynced()) {
          return reply
            .code(503)
            .send({ status: "unavailable", detail: "not yet synchronised with etcd" });
        }
        try {
          const revision = await registry.ping();
          return { status: "ok" as const, revision };
        } catch {
          return reply.code(503).send({ status: "unavailable", detail: "etcd is unreachable" });
        }
      },
    );

    app.get(
      "/metrics",
      {
        schema: {
          operationId: "metrics",
          summary: "Prometheus metrics",
          tags: ["operations"],
          produces: ["text/plain"],
          response: {
            200: Type.String({
              description: "Prometheus text exposition format",
              examples: ["# TYPE flotilla_units gauge\nflotilla_units 4\n"],
            }),
          },
        },
      },
      async (_request, reply) => {
        return reply.type("text/plain; version=0.0.4").send(metrics.render());
      },
    );
  };
}
