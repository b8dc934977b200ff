import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { ProblemError } from "../../control/problems.ts";
import type { DesiredState } from "../../registry/records.ts";
import {
  FleetDiscovery,
  FleetMachinePage,
  FleetMachinePatch,
  FleetUnit,
  FleetUnitBody,
  FleetUnitNameParam,
  FleetUnitPage,
  FleetUnitState,
  FleetUnitStatePage,
  fleetErrorResponse,
} from "../../schema/fleet.ts";
import { ref } from "../../schema/ref.ts";
import { unitHash } from "../../unit/hash.ts";
import { parseUnitName } from "../../unit/name.ts";
import { serializeUnitFile } from "../../unit/serialize.ts";
import { isUnitState } from "../../unit/states.ts";
import type { ServerContext } from "../context.ts";
import { decodeUnitBody } from "./decode.ts";
import { discoveryDocument } from "./discovery.ts";
import { FleetEntities } from "./entities.ts";
import { FleetError, fleetErrorHandler, sendFleetError } from "./fleet-error.ts";
import { applyMachinePatch } from "./machine-patch.ts";
import { decodePageToken, PageTokenError, slicePage } from "./paging.ts";
import { fleetUnitNameError, goQuote } from "./unit-name.ts";

/**
 * How long a stop asked through fleet's API waits for the client to read the unit once.
 * fleetctl restart sets `loaded`, then polls (every 250 ms) until it sees `launched`, then
 * sets `launched`: fleet's agent acted late enough for that first poll to see the unit still
 * running. Here the stop waits for that read, so restart returns and the unit really restarts
 * (the later launch makes its agent start it anew); a client that never reads waits this long
 * (`--fleet-stop-hold`). A fleetctl whose first poll comes later than that finds the unit
 * stopped and waits for `launched` for ever, as it would have in fleet had its agent been fast.
 */
const FLEET_STOP_HOLD_MS = 5000;

export interface FleetApiOptions {
  /** How long a held stop waits for the client's read; default 5 s. */
  stopHoldMs?: number;
  /** Serve without listing the routes in the OpenAPI document (the /v1-alpha alias). */
  hidden?: boolean;
}

/**
 * fleet's v1 HTTP API, as fleet's own fleetctl and scripts written for fleet expect it:
 * same paths, entities, page tokens, status codes and error entity.
 */
export function fleetApi(
  context: ServerContext,
  options: FleetApiOptions = {},
): FastifyPluginAsyncTypebox {
  const { view, commands } = context;
  const entities = new FleetEntities(view);
  const doc = (operationId: string, summary: string) => ({
    operationId: options.hidden ? `${operationId}Alpha` : operationId,
    summary,
    tags: ["fleet-v1"],
    hide: options.hidden === true,
  });
  const errors = { 400: fleetErrorResponse(400), 404: fleetErrorResponse(404) };
  const unitBody = { content: { "application/json": { schema: ref(FleetUnitBody) } } };

  return async (app) => {
    app.setErrorHandler(fleetErrorHandler);
    app.setNotFoundHandler((_request, reply) => sendFleetError(reply, 404, ""));
    // fleet decoded bodies itself, only where it read them and whatever their Content-Type:
    // PUT /units checks that itself (415), PATCH /machines never did, and nothing else looks
    // at a body, so a DELETE with an empty JSON body is fine. The schemas only document them.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => {
      done(null, body);
    });
    app.setValidatorCompiler(() => () => true);
    // Entities go out with their keys in the order of fleet's Go structs, as they are built
    // (UnitOption is name, section, value); the schemas' property order is a different one.
    app.setSerializerCompiler(() => (data) => JSON.stringify(data));
    // fleet's Content-Type was exactly application/json, with no charset.
    app.addHook("onSend", async (_request, reply, payload) => {
      const type = reply.getHeader("content-type");
      if (typeof type === "string" && type.startsWith("application/json;")) {
        reply.header("content-type", "application/json");
      }
      return payload;
    });

    app.get(
      "/discovery",
      {
        exposeHeadRoute: false,
        schema: {
          ...doc("fleetDiscovery", "fleet's API discovery document"),
          response: { 200: ref(FleetDiscovery, "The discovery document") },
        },
      },
      async (request, reply) => reply.type("application/json").send(discoveryDocument(request)),
    );
    // fleet answered 400 here; 405 and Allow are what HTTP, and clients generated from the
    // document, expect, and no fleet client relied on the 400.
    onlyMethods(app, "/discovery", ["GET"], "only HTTP GET supported against this resource");

    app.get(
      "/units",
      {
        exposeHeadRoute: false,
        schema: {
          ...doc("fleetListUnits", "List units (fleet)"),
          querystring: Type.Object({}, { additionalProperties: true }),
          response: { 200: ref(FleetUnitPage, "A page of units"), 400: fleetErrorResponse(400) },
        },
      },
      async (request) => page(request, entities.units(), "units"),
    );
    onlyMethods(app, "/units", ["GET"], "only GET supported against this resource");

    app.get(
      "/units/:name",
      {
        exposeHeadRoute: false,
        schema: {
          ...doc("fleetGetUnit", "A unit (fleet)"),
          params: FleetUnitNameParam,
          response: { 200: ref(FleetUnit, "The unit"), ...errors },
        },
      },
      getUnit,
    );

    app.put(
      "/units/:name",
      {
        schema: {
          ...doc("fleetSetUnit", "Create, replace or change the desired state of a unit (fleet)"),
          params: FleetUnitNameParam,
          body: unitBody,
          response: {
            201: Type.Null({ description: "Created or replaced" }),
            204: Type.Null({ description: "Desired state changed" }),
            ...errors,
            409: fleetErrorResponse(409),
            415: fleetErrorResponse(415),
          },
        },
      },
      putUnit,
    );

    app.delete(
      "/units/:name",
      {
        schema: {
          ...doc("fleetDestroyUnit", "Destroy a unit (fleet)"),
          params: FleetUnitNameParam,
          response: { 204: Type.Null({ description: "Destroyed" }), ...errors },
        },
      },
      deleteUnit,
    );

    async function getUnit(request: FastifyRequest) {
      const name = itemName(request);
      const unit = entities.unit(name, { item: true });
      if (!unit) throw new FleetError(404, "unit does not exist");
      // The client has seen the unit still launched: a stop it asked for goes ahead now.
      if (view.units.get(name)?.stopHeldUntil)
        await view.waitFor(await commands.releaseStopHold(name));
      return unit;
    }

    async function putUnit(request: FastifyRequest, reply: FastifyReply) {
      const name = itemName(request);
      requireJson(request);
      const body = decodeUnitBody(request.body);
      const bodyName = body.name !== "" ? body.name : name;
      if (bodyName !== name) {
        throw new FleetError(
          400,
          `name in URL ${goQuote(name)} differs from unit name in request body ${goQuote(bodyName)}`,
        );
      }
      const nameError = fleetUnitNameError(name);
      if (nameError !== undefined) throw new FleetError(400, nameError);
      const parsedName = parseUnitName(name);
      if (!parsedName.ok) throw new FleetError(400, parsedName.error);
      const { desiredState } = body;
      if (desiredState !== "" && !isUnitState(desiredState)) {
        throw new FleetError(
          400,
          `invalid desiredState ${goQuote(desiredState)}: expected inactive, loaded or launched`,
        );
      }
      const existing = (await context.registry.getUnit(name))?.value;
      const file = {
        options: body.options.map((option) => ({
          section: option.section ?? "",
          name: option.name ?? "",
          value: option.value ?? "",
        })),
      };
      const isTemplate = parsedName.value.kind === "template";
      if (file.options.length > 0 && (!existing || unitHash(file) !== existing.hash)) {
        if (isTemplate && desiredState !== "" && desiredState !== "inactive") {
          throw new FleetError(400, `cannot activate template ${goQuote(name)}`);
        }
        const revision = await submitAsFleet(
          name,
          serializeUnitFile(file),
          (desiredState || "inactive") as DesiredState,
        );
        await view.waitFor(revision);
        return reply.code(201).send();
      }
      if (!existing) throw new FleetError(409, "unit does not exist and options field empty");
      if (desiredState === "")
        throw new FleetError(409, "must provide DesiredState to update existing unit");
      if (isTemplate && desiredState !== "inactive")
        throw new FleetError(400, `cannot activate template ${goQuote(name)}`);
      if (!isTemplate) {
        const outcome = await commands.setDesiredState(name, desiredState as DesiredState, {
          holdStopMs: options.stopHoldMs ?? FLEET_STOP_HOLD_MS,
        });
        await view.waitFor(outcome.revision);
      }
      return reply.code(204).send();
    }

    async function deleteUnit(request: FastifyRequest, reply: FastifyReply) {
      const name = itemName(request);
      if (!view.units.has(name) && !(await context.registry.getUnit(name))) {
        throw new FleetError(404, "unit does not exist");
      }
      const revision = await commands.deleteUnitFile(name, true).catch((error: unknown) => {
        if (error instanceof ProblemError && error.status === 404)
          throw new FleetError(404, "unit does not exist");
        throw error;
      });
      await view.waitFor(revision);
      return reply.code(204).send();
    }

    onlyMethods(
      app,
      "/units/:name",
      ["GET", "PUT", "DELETE"],
      "only GET, PUT and DELETE supported against this resource",
    );

    app.get(
      "/state",
      {
        exposeHeadRoute: false,
        schema: {
          ...doc("fleetListUnitStates", "Unit states as agents report them (fleet)"),
          querystring: Type.Object({}, { additionalProperties: true }),
          response: {
            200: ref(FleetUnitStatePage, "A page of unit states"),
            400: fleetErrorResponse(400),
          },
        },
      },
      async (request) => {
        const query = request.query as Record<string, string | string[] | undefined>;
        return page(
          request,
          entities.states({ machineId: first(query.machineID), unitName: first(query.unitName) }),
          "states",
        );
      },
    );
    onlyMethods(app, "/state", ["GET"], "only GET supported against this resource");

    app.get(
      "/state/:name",
      {
        exposeHeadRoute: false,
        schema: {
          ...doc("fleetGetUnitState", "The state of one unit (fleet)"),
          params: FleetUnitNameParam,
          response: { 200: ref(FleetUnitState, "The unit's first state"), ...errors },
        },
      },
      getState,
    );
    app.get("/state/*", { schema: { hide: true }, exposeHeadRoute: false }, getState);
    for (const url of ["/state/:name", "/state/*"]) {
      onlyMethods(app, url, ["GET"], "only GET supported against this resource");
    }

    async function getState(request: FastifyRequest) {
      const [state] = entities.states({ unitName: itemName(request) });
      if (!state) throw new FleetError(404, "unit state does not exist");
      return state;
    }

    app.get(
      "/machines",
      {
        exposeHeadRoute: false,
        schema: {
          ...doc("fleetListMachines", "List machines (fleet)"),
          querystring: Type.Object({}, { additionalProperties: true }),
          response: {
            200: ref(FleetMachinePage, "A page of machines"),
            400: fleetErrorResponse(400),
          },
        },
      },
      async (request) => page(request, entities.machines(), "machines"),
    );
    app.patch(
      "/machines",
      {
        schema: {
          ...doc(
            "fleetPatchMachines",
            "Change machine metadata with JSON-patch operations (fleet)",
          ),
          body: { content: { "application/json": { schema: ref(FleetMachinePatch) } } },
          response: { 204: Type.Null({ description: "Applied" }), 400: fleetErrorResponse(400) },
        },
      },
      async (request, reply) => {
        const revision = await applyMachinePatch(context.registry, request.body);
        await view.waitFor(revision);
        // fleet's 204 here named a JSON body it never sent; undefined keeps Fastify from
        // serialising `null` (and then dropping the header).
        return (reply as FastifyReply).code(204).header("content-type", "application/json").send();
      },
    );
    onlyMethods(
      app,
      "/machines",
      ["GET", "PATCH"],
      "only GET and PATCH supported against this resource",
    );

    app.route({
      method: app.supportedMethods,
      url: "/",
      // Only the prefix itself (`/fleet/v1`): `/fleet/v1/` is an unknown path to fleet.
      prefixTrailingSlash: "no-slash",
      schema: { hide: true },
      onRequest: async () => {
        throw new FleetError(405, "");
      },
      handler: async () => undefined,
    });
  };

  /** Creates or replaces a unit with its desired state in one transaction, in fleet's terms. */
  async function submitAsFleet(
    name: string,
    text: string,
    desiredState: DesiredState,
  ): Promise<number> {
    try {
      return (await commands.submit(name, text, { replace: true, desiredState })).revision;
    } catch (error) {
      if (
        error instanceof ProblemError &&
        (error.kind === "invalid-unit-file" || error.kind === "invalid-unit-name")
      ) {
        const details = error.errors?.map((detail) => detail.message).join("; ");
        throw new FleetError(400, details || error.message);
      }
      throw error;
    }
  }
}

type FleetPageKey = "units" | "states" | "machines";

function page<T>(request: FastifyRequest, items: readonly T[], key: FleetPageKey) {
  const query = request.query as Record<string, string | string[] | undefined>;
  try {
    const sliced = slicePage(items, decodePageToken(query.nextPageToken));
    const listed = sliced.items.length > 0 ? sliced.items : undefined;
    // Keys in the order of fleet's structs: MachinePage lists before its token.
    return key === "machines"
      ? { machines: listed, nextPageToken: sliced.next }
      : { nextPageToken: sliced.next, [key]: listed };
  } catch (error) {
    if (error instanceof PageTokenError) throw new FleetError(400, error.message);
    throw error;
  }
}

/**
 * The unit an item route addresses, from `:name` or its wildcard twin. fleet's item routes take
 * exactly one non-empty (decoded) path segment; anything else is an unknown path.
 */
function itemName(request: FastifyRequest): string {
  const params = request.params as { name?: string; "*"?: string };
  const name = params.name ?? params["*"] ?? "";
  if (name === "" || name.includes("/")) throw new FleetError(404, "");
  return name;
}

function requireJson(request: FastifyRequest): void {
  // Node keeps only the first of repeated Content-Type lines; fleet counted them all.
  const raw = request.raw.rawHeaders;
  const values = raw.filter((_, i) => i % 2 === 1 && raw[i - 1]?.toLowerCase() === "content-type");
  if (values.length !== 1)
    throw new FleetError(415, `expected 1 Content-Type, got ${values.length}`);
  const mediaType = (values[0] ?? "").split(";")[0]?.trim();
  if (mediaType !== "application/json")
    throw new FleetError(415, "only acceptable Content-Type is application/json");
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * fleet's answer to the methods a resource does not serve, with Allow. HEAD is one of them
 * (fleet had no implicit HEAD), which is why every GET route here sets `exposeHeadRoute: false`.
 */
function onlyMethods(
  app: Parameters<FastifyPluginAsyncTypebox>[0],
  url: string,
  allowed: readonly string[],
  message: string,
): void {
  const others = app.supportedMethods.filter((method) => !allowed.includes(method));
  app.route({
    method: others,
    url,
    schema: { hide: true },
    // Before any body is read: a QUERY without a Content-Type is still the wrong method.
    onRequest: async (request, reply) => {
      // fleet matched the item before the method: `/units/a%2Fb` is 404 whatever the method.
      if (url.endsWith("/:name") || url.endsWith("/*")) itemName(request);
      reply.header("allow", allowed.join(", "));
      throw new FleetError(405, message);
    },
    handler: async () => undefined,
  });
}
