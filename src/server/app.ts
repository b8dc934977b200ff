import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { TSchema } from "typebox";
import { createFastify, type HttpOptions, registerOpenApi } from "../http/fastify.ts";
import { Announcement, AnnouncementList } from "../schema/announcements.ts";
import { Backup, RestoreResult } from "../schema/backup.ts";
import { ALWAYS_SENT_HEADERS, Problem, problemResponse } from "../schema/common.ts";
import { ClusterEvent, StreamEvent, StreamReset } from "../schema/events.ts";
import * as fleetSchemas from "../schema/fleet.ts";
import { fleetErrorResponse } from "../schema/fleet.ts";
import {
  DrainRequest,
  Machine,
  MachineCapacity,
  MachineDrain,
  MachineList,
  MetadataPatch,
} from "../schema/machines.ts";
import {
  MovedUnit,
  Plan,
  PlannedReplacement,
  PlannedUnit,
  PlanRequest,
  Rejection,
  RolloutPlan,
} from "../schema/plan.ts";
import * as rolloutSchemas from "../schema/rollouts.ts";
import * as unitSchemas from "../schema/units.ts";
import { ACCESS_TOKEN_PARAMETER, type ApiTokens, authenticate, PUBLIC_PATHS } from "./auth.ts";
import type { ServerContext } from "./context.ts";
import { isFleetPath, sendFleetError } from "./fleet/fleet-error.ts";
import { fleetApi } from "./fleet/plugin.ts";
import { OptionalBodies, sentNoBody } from "./optional-body.ts";
import { problemErrorHandler, sendProblem } from "./problem-reply.ts";
import { ProblemError } from "./problems.ts";
import { type RateLimit, rateLimit, StreamLimit } from "./rate-limit.ts";
import { announcementRoutes } from "./routes/announcements.ts";
import { backupRoutes } from "./routes/backup.ts";
import { dashboardRoutes } from "./routes/dashboard.ts";
import { eventRoutes } from "./routes/events.ts";
import { Health, healthRoutes } from "./routes/health.ts";
import { logRoutes } from "./routes/logs.ts";
import { machineRoutes } from "./routes/machines.ts";
import { planRoutes } from "./routes/plan.ts";
import { rolloutRoutes } from "./routes/rollouts.ts";
import { unitFileRoutes } from "./routes/unit-files.ts";
import { unitRoutes } from "./routes/units.ts";

export interface AppOptions extends HttpOptions {
  /** API tokens; with none configured, the API is open. */
  tokens?: ApiTokens;
  rateLimit?: RateLimit;
  /** Event streams (GET /v1/events) one client may hold open at once. */
  maxEventStreams?: number;
  /** How long a stop asked through /fleet/v1 waits for the client to read the unit (fleetApi). */
  fleetStopHoldMs?: number;
}

/** Schemas shared by reference; each becomes a named OpenAPI component. */
const sharedSchemas: TSchema[] = [
  Problem,
  Health,
  ClusterEvent,
  StreamReset,
  StreamEvent,
  Announcement,
  AnnouncementList,
  PlanRequest,
  Rejection,
  PlannedUnit,
  MovedUnit,
  PlannedReplacement,
  RolloutPlan,
  Plan,
  MachineCapacity,
  MachineDrain,
  Machine,
  MachineList,
  MetadataPatch,
  DrainRequest,
  Backup,
  RestoreResult,
  ...Object.values(unitSchemas).filter((schema) => "$id" in schema),
  ...Object.values(rolloutSchemas).filter((schema) => "$id" in schema),
  ...Object.values(fleetSchemas).filter((schema) => typeof schema === "object" && "$id" in schema),
];

/** The API document's version: a change that breaks generated clients raises it (scripts/openapi-compat.ts). */
export const API_VERSION = "0.3.0";

export async function buildApp(
  context: ServerContext,
  options: AppOptions = {},
): Promise<FastifyInstance> {
  const app = createFastify(options, {
    // Errors of the router itself (a malformed or overlong path) in the API's error format.
    frameworkErrors: (error, request, reply) => {
      const tooLong = error.code === "FST_ERR_MAX_PARAM_LENGTH";
      const detail = tooLong
        ? "a path segment is longer than 1024 characters"
        : "the path is not a valid URL";
      if (isFleetPath(request.url)) return sendFleetError(reply, tooLong ? 414 : 400, detail);
      return sendProblem(request, reply, {
        kind: tooLong ? "uri-too-long" : "invalid-request",
        status: tooLong ? 414 : 400,
        detail,
      });
    },
  });

  // Before any plugin registers, so that every route (the API reference's too) answers errors
  // as problem documents.
  app.setErrorHandler(problemErrorHandler);
  for (const schema of sharedSchemas) app.addSchema(schema);

  // Filled in as routes register, read when the document is built.
  const optionalBodies = new OptionalBodies();
  await registerOpenApi(
    app,
    {
      info: {
        title: "Flotilla",
        version: API_VERSION,
        license: { name: "Apache-2.0", identifier: "Apache-2.0" },
        description:
          "Flotilla's control plane: unit files, units and machines of a cluster, kept in etcd. fleet's own v1 API is served under /fleet/v1. Served beside this document, and left out of it so that a generated client gets one method per operation: /v1-alpha/*, the same fleet API under the prefix of fleet's earliest fleetctl; the dashboard at /, this document at /openapi.json and its reference at /docs. Any other method on a documented path is answered 405 with an Allow header (fleet's error entity under /fleet/v1).",
      },
      servers: [{ url: "http://127.0.0.1:7600", description: "flotilla server's default address" }],
      components: {
        securitySchemes: {
          bearerAuth: { type: "http", scheme: "bearer", description: "A Flotilla API token" },
        },
      },
      security: [{}, { bearerAuth: [] }],
      tags: [
        { name: "unit-files", description: "Submitted unit files and templates" },
        { name: "units", description: "Units and their desired and current state" },
        { name: "machines", description: "Machines whose agents are present" },
        { name: "events", description: "Live changes" },
        { name: "announcements", description: "Keys announced by units' sidekick loops" },
        { name: "rollouts", description: "Rolling replacements of units' content, health-checked" },
        { name: "backup", description: "Backing the cluster's desired state up, and restoring it" },
        { name: "fleet-v1", description: "fleet's v1 API, wire-compatible" },
        { name: "operations", description: "Health, readiness and metrics" },
      ],
    },
    (documents) =>
      "openapiObject" in documents
        ? optionalBodies.apply(requireAlwaysSentHeaders(documents.openapiObject))
        : documents.swaggerObject,
  );
  await app.register(swaggerUi, { routePrefix: "/docs" });

  app.addContentTypeParser(
    ["application/merge-patch+json"],
    { parseAs: "string" },
    app.getDefaultJsonParser("error", "error"),
  );

  // The methods each path takes, to answer the others with 405 once every route is known.
  const methodsByUrl = new Map<string, Set<string>>();
  app.addHook("onRoute", (route) => {
    // The hooks below may answer any documented route; the document says so once here.
    const responses = route.schema?.response as Record<string, unknown> | undefined;
    if (responses && !route.schema?.hide) {
      const fleet = isFleetPath(route.url);
      const error = fleet ? fleetErrorResponse : problemResponse;
      if (!PUBLIC_PATHS.has(route.url)) {
        responses[401] ??= error(401);
        responses[403] ??= error(403);
      }
      responses[429] ??= error(429);
      if (route.url.includes("/:")) responses[414] ??= error(414);
      if (route.schema?.body) responses[413] ??= error(413);
      responses[500] ??= error(500);
      if (isApiPath(route.url)) responses[503] ??= error(503);
    }
    if (!isFleetPath(route.url)) {
      const methods = methodsByUrl.get(route.url) ?? new Set<string>();
      for (const method of [route.method].flat()) methods.add(method);
      methodsByUrl.set(route.url, methods);
    }
    const query = route.schema?.querystring as { properties?: Record<string, unknown> } | undefined;
    if (query?.properties && route.method === "GET")
      query.properties.access_token ??= ACCESS_TOKEN_PARAMETER;
    // A body of a type the route does not take would otherwise reach it unvalidated (or fail
    // validation as a 400): refuse it with 415. fleet's routes check their own content type.
    const body = route.schema?.body as { content?: Record<string, unknown> } | undefined;
    if (!body || !route.url.startsWith("/v1/")) return;
    const accepted = body.content ? Object.keys(body.content) : ["application/json"];
    const optional = route.config?.optionalBody === true;
    if (optional) optionalBodies.add(route.method, route.url);
    const existing = route.preValidation;
    route.preValidation = [
      ...(Array.isArray(existing) ? existing : existing ? [existing] : []),
      requireMediaType(accepted, optional),
    ];
  });

  app.setNotFoundHandler((request) => {
    throw new ProblemError(
      "not-found",
      `no route for ${request.method} ${request.url.split("?")[0]}`,
    );
  });

  app.addHook("onRequest", rateLimit(options.rateLimit ?? { perSecond: 0, burst: 0 }));
  app.addHook("onRequest", authenticate(options.tokens ?? { read: [], write: [] }));
  app.addHook("preParsing", validateAddress);
  app.addHook("onResponse", async (request, reply) => {
    context.metrics.countRequest(
      request.method,
      request.routeOptions.url ?? "unmatched",
      reply.statusCode,
    );
  });
  // Until the view holds a snapshot every answer would be wrong, so the API waits for it.
  app.addHook("onRequest", async (request) => {
    const path = request.url;
    if (context.isSynced() || !isApiPath(path)) return;
    throw new ProblemError("registry-unavailable", "not yet synchronised with etcd; retry shortly");
  });

  await app.register(healthRoutes(context));
  await app.register(unitFileRoutes(context));
  await app.register(unitRoutes(context));
  await app.register(logRoutes(context));
  await app.register(machineRoutes(context));
  await app.register(eventRoutes(context, new StreamLimit(options.maxEventStreams ?? 16)));
  await app.register(announcementRoutes(context));
  await app.register(planRoutes(context));
  await app.register(rolloutRoutes(context));
  await app.register(backupRoutes(context));
  await app.register(dashboardRoutes());
  const stopHoldMs = options.fleetStopHoldMs;
  await app.register(fleetApi(context, { stopHoldMs }), { prefix: "/fleet/v1" });
  await app.register(fleetApi(context, { hidden: true, stopHoldMs }), { prefix: "/v1-alpha" });

  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  // A copy: the 405 routes added here pass through onRoute too (each Allow is set by then).
  for (const [url, methods] of [...methodsByUrl]) methodNotAllowed(app, url, methods);
  return app;
}

/**
 * Refuses a request whose path parameters or query are wrong before its body is read: that
 * is what is wrong with it, however large the body (Fastify validates them after parsing it).
 */
async function validateAddress(
  request: FastifyRequest,
  _reply: unknown,
  payload: NodeJS.ReadableStream,
): Promise<NodeJS.ReadableStream> {
  for (const [part, value] of [
    ["params", request.params],
    ["querystring", request.query],
  ] as const) {
    const validate = request.getValidationFunction(part);
    if (!validate || validate(value)) continue;
    const issues = validate.errors ?? [];
    throw Object.assign(
      new Error(issues.map((issue) => `${part}${issue.instancePath} ${issue.message}`).join(", ")),
      { statusCode: 400, validation: issues, validationContext: part },
    );
  }
  return payload;
}

/**
 * Answers the methods a path does not take with 405 and an Allow header, before any body is
 * read (a QUERY without a Content-Type is still the wrong method).
 */
function methodNotAllowed(app: FastifyInstance, url: string, methods: ReadonlySet<string>): void {
  const others = app.supportedMethods.filter(
    (method) => !methods.has(method) && !(method === "HEAD" && methods.has("GET")),
  );
  if (others.length === 0) return;
  const allow = [...methods].sort().join(", ");
  app.route({
    method: others,
    url,
    schema: { hide: true },
    onRequest: async (request, reply) => {
      reply.header("allow", allow);
      throw new ProblemError(
        "method-not-allowed",
        `${request.method} is not allowed on ${url.replace(/:([a-z]+)/gi, "{$1}")}; it takes ${allow}`,
      );
    },
    handler: async () => undefined,
  });
}

/**
 * Refuses a body whose media type is not one of `accepted` (a JSON route also takes +json
 * types). A route whose body is optional takes a request without one as `{}`.
 */
function requireMediaType(accepted: readonly string[], optional: boolean) {
  const takesJson = accepted.includes("application/json") && accepted.length === 1;
  return async (request: FastifyRequest): Promise<void> => {
    if (optional && sentNoBody(request)) {
      request.body = {};
      return;
    }
    const mediaType =
      (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (accepted.includes(mediaType) || (takesJson && mediaType.endsWith("+json"))) return;
    const given = mediaType === "" ? "a body without a content type" : mediaType;
    throw new ProblemError(
      "unsupported-media-type",
      `this resource takes ${accepted.join(" or ")}, not ${given}`,
    );
  };
}

function isApiPath(path: string): boolean {
  return path.startsWith("/v1/") || isFleetPath(path);
}

/** Marks the response headers that every answer of their status carries as required. */
function requireAlwaysSentHeaders<T>(document: T): T {
  const paths = (document as { paths?: Record<string, Record<string, OperationObject>> }).paths;
  for (const operations of Object.values(paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const response of Object.values(operation.responses ?? {})) {
        for (const [name, header] of Object.entries(response.headers ?? {})) {
          if (ALWAYS_SENT_HEADERS.has(name)) header.required = true;
        }
      }
    }
  }
  return document;
}

interface OperationObject {
  responses?: Record<string, { headers?: Record<string, { required?: boolean }> }>;
}
