import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { ref } from "../../schema/ref.ts";
import type { ServerContext } from "../context.ts";

export const Health = Type.Object(
  {
    status: Type.Union([Type.Literal("ok"), Type.Literal("unavailable")]),
    revision: Type.Optional(Type.Integer()),
    detail: Type.Optional(Type.String()),
  },
  { $id: "Health", additionalProperties: false },
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
          response: { 200: ref(Health) },
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
          response: { 200: ref(Health), 503: ref(Health) },
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
          response: { 200: Type.String({ description: "Prometheus text exposition format" }) },
        },
      },
      async (_request, reply) => {
        return reply.type("text/plain; version=0.0.4").send(metrics.render());
      },
    );
  };
}
