import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import { Type } from "typebox";
import { createFastify, type HttpOptions, registerOpenApi } from "../http/fastify.ts";
import * as agentSchemas from "../schema/agent.ts";
import {
  AgentProblem,
  AgentUnit,
  AgentUnitBatch,
  AgentUnitBatchResult,
  AgentUnitList,
  AgentUnitRequest,
  LogQuery,
} from "../schema/agent.ts";
import { UnitFileNameParam } from "../schema/common.ts";
import { ref } from "../schema/ref.ts";
import { parseUnitName } from "../unit/name.ts";
import { sharedSchemaCompilers } from "./schema-compilers.ts";
import { type UnitManager, UnitRequestError } from "./unit-manager.ts";

export interface AgentApiOptions extends Omit<HttpOptions, "bodyLimit"> {
  manager: UnitManager;
  token?: string;
  machineId: string;
}

const FOLLOW_KEEPALIVE_MS = 15_000;

/**
 * The agent's HTTP API, called by the control plane; authenticated by a shared bearer token and,
 * with a client CA, by the control plane's certificate as well.
 */
export async function buildAgentApi(options: AgentApiOptions): Promise<FastifyInstance> {
  const { manager } = options;
  const app = createFastify(options, {
    schemaController: { compilersFactory: sharedSchemaCompilers },
  });

  for (const schema of Object.values(agentSchemas)) {
    if ("$id" in schema) app.addSchema(schema);
  }
  await registerOpenApi(app, {
    info: {
      title: "Flotilla agent",
      version: "0.1.0",
      description:
        "The node agent's API: the control plane tells a machine which units to load, start and stop.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: "http://127.0.0.1:7601", description: "flotilla agent's default address" }],
    components: { securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } } },
    security: [{ bearerAuth: [] }],
  });

  const problem = (reply: FastifyReply, status: number, kind: string, detail: string) =>
    reply
      .code(status)
      .type("application/problem+json")
      .send({
        type: `urn:flotilla:problem:${kind}`,
        title: kind.replace(/-/g, " "),
        status,
        detail,
      });

  app.setErrorHandler(
    (error: { statusCode?: number; message: string; validation?: unknown }, request, reply) => {
      if (error instanceof UnitRequestError)
        return problem(reply, error.status, "invalid-unit", error.message);
      if (error.validation || (error.statusCode && error.statusCode < 500)) {
        return problem(reply, error.statusCode ?? 400, "invalid-request", error.message);
      }
      request.log.error({ err: error }, "agent request failed");
      return problem(
        reply,
        500,
        "internal",
        "an internal error occurred; the agent's log has the details",
      );
    },
  );
  app.setNotFoundHandler((request, reply) =>
    problem(reply, 404, "not-found", `no route for ${request.method} ${request.url}`),
  );

  const expected = options.token === undefined ? undefined : Buffer.from(`Bearer ${options.token}`);
  app.addHook("onRequest", async (request, reply) => {
    if (expected === undefined || !request.url.startsWith("/v1/")) return;
    const given = Buffer.from(request.headers.authorization ?? "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return problem(reply, 401, "unauthorized", "a valid bearer token is required");
    }
  });

  const errors = { 400: ref(AgentProblem), 401: ref(AgentProblem), 404: ref(AgentProblem) };
  const apply: UnitManager["apply"] = async (name, request, text) => {
    const parsed = parseUnitName(name);
    if (!parsed.ok || parsed.value.kind === "template") {
      throw new UnitRequestError(
        400,
        parsed.ok ? `${name} is a template and cannot run` : parsed.error,
      );
    }
    return manager.apply(name, request, text);
  };

  app.get(
    "/healthz",
    {
      schema: {
        operationId: "agentHealth",
        summary: "Liveness",
        security: [],
        response: { 200: Type.Object({ machineId: Type.String() }) },
      },
    },
    async () => ({ machineId: options.machineId }),
  );

  app.put(
    "/v1/units/:name",
    {
      schema: {
        operationId: "applyUnit",
        summary: "Load, launch or unload a unit on this machine; idempotent",
        description:
          "Returns once the unit is loaded; starting continues in the background and is reported in etcd.",
        params: UnitFileNameParam,
        body: ref(AgentUnitRequest),
        response: { 200: ref(AgentUnit), ...errors, 422: ref(AgentProblem) },
      },
    },
    async (request) => {
      const { text, ...wish } = request.body;
      return apply(request.params.name, wish, text);
    },
  );

  app.post(
    "/v1/units",
    {
      schema: {
        operationId: "applyUnits",
        summary: "Load, launch or unload several units on this machine at once; idempotent",
        description:
          "Each unit as PUT /v1/units/{name} would take it, with its own outcome; the call fails as a whole only when the request does.",
        body: ref(AgentUnitBatch),
        response: {
          200: ref(AgentUnitBatchResult),
          400: ref(AgentProblem),
          401: ref(AgentProblem),
        },
      },
    },
    async (request) => {
      const { units, texts } = request.body;
      const results = await Promise.all(
        units.map(async ({ name, ...wish }) => {
          try {
            const unit = await apply(name, wish, texts?.[wish.hash]);
            return { name, status: 200, unit };
          } catch (error) {
            if (error instanceof UnitRequestError)
              return { name, status: error.status, detail: error.message };
            request.log.error({ err: error, unit: name }, "applying a unit failed");
            return { name, status: 500, detail: (error as Error).message };
          }
        }),
      );
      return { results };
    },
  );

  app.get(
    "/v1/units",
    {
      schema: {
        operationId: "listAgentUnits",
        summary: "Units on this machine",
        response: { 200: ref(AgentUnitList), 401: ref(AgentProblem) },
      },
    },
    async () => ({ units: manager.list() }),
  );

  app.get(
    "/v1/units/:name",
    {
      schema: {
        operationId: "getAgentUnit",
        summary: "One unit on this machine",
        params: UnitFileNameParam,
        response: { 200: ref(AgentUnit), ...errors },
      },
    },
    async (request, reply) => {
      const unit = manager.view(request.params.name);
      return (
        unit ??
        problem(
          reply,
          404,
          "unit-not-found",
          `${request.params.name} is not loaded on this machine`,
        )
      );
    },
  );

  app.get(
    "/v1/units/:name/logs",
    {
      schema: {
        operationId: "unitLogs",
        summary: "A unit's recent output; with follow=true, streamed as it comes",
        params: UnitFileNameParam,
        querystring: LogQuery,
        response: {
          200: { description: "Log lines", content: { "text/plain": { schema: Type.String() } } },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const log = manager.log(request.params.name);
      if (!log)
        return problem(
          reply,
          404,
          "unit-not-found",
          `${request.params.name} has no log on this machine`,
        );
      const { since, until } = request.query;
      const lines = log.tail(Number(request.query.lines ?? 100), {
        ...(since !== undefined ? { since: new Date(since).toISOString() } : {}),
        ...(until !== undefined ? { until: new Date(until).toISOString() } : {}),
      });
      if (request.query.follow !== "true") {
        return reply
          .type("text/plain; charset=utf-8")
          .send(lines.map((line) => `${line}\n`).join(""));
      }
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, {
        "content-type": "text/plain; charset=utf-8",
        "cache-control": "no-cache",
      });
      for (const line of lines) out.write(`${line}\n`);
      const stop = log.follow((line) => out.write(`${line}\n`));
      const keepalive = setInterval(() => out.write(""), FOLLOW_KEEPALIVE_MS);
      request.raw.on("close", () => {
        clearInterval(keepalive);
        stop();
      });
    },
  );

  return app;
}
