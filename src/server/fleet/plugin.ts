import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import { ProblemError } from "../../control/problems.ts";
import type { DesiredState } from "../../registry/records.ts";
import {
  FleetError as FleetErrorSchema,
  FleetMachinePage,
  FleetUnit,
  FleetUnitPage,
  FleetUnitState,
  FleetUnitStatePage,
} from "../../schema/fleet.ts";
import { ref } from "../../schema/ref.ts";
import { unitHash } from "../../unit/hash.ts";
import { parseUnitName } from "../../unit/name.ts";
import { serializeUnitFile } from "../../unit/serialize.ts";
import type { ServerContext } from "../context.ts";
import { discoveryDocument } from "./discovery.ts";
import { FleetEntities, type FleetUnitOptionView } from "./entities.ts";
import { FleetError, fleetErrorHandler, sendFleetError } from "./fleet-error.ts";
import { applyMachinePatch } from "./machine-patch.ts";
import { decodePageToken, PageTokenError, slicePage } from "./paging.ts";

const DESIRED_STATES: readonly string[] = ["inactive", "loaded", "launched"];
const ALL_METHODS = ["DELETE", "GET", "HEAD", "PATCH", "POST", "PUT", "OPTIONS"] as const;

export interface FleetApiOptions {
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
  const errors = { 400: ref(FleetErrorSchema), 404: ref(FleetErrorSchema) };

  return async (app) => {
    app.setErrorHandler(fleetErrorHandler);
    app.setNotFoundHandler((_request, reply) => sendFleetError(reply, 404, ""));

    app.get(
      "/discovery",
      { schema: { ...doc("fleetDiscovery", "fleet's API discovery document") } },
      async (request, reply) => reply.type("application/json").send(discoveryDocument(request)),
    );
    onlyMethods(app, "/discovery", ["GET"], 400, "only HTTP GET supported against this resource");

    app.get(
      "/units",
      {
        schema: {
          ...doc("fleetListUnits", "List units (fleet)"),
          querystring: Type.Object({}, { additionalProperties: true }),
          response: { 200: ref(FleetUnitPage), 400: ref(FleetErrorSchema) },
        },
      },
      async (request) => page(request, entities.units(), "units"),
    );
    onlyMethods(app, "/units", ["GET"], 405, "only GET supported against this resource");

    app.get(
      "/units/:name",
      {
        schema: {
          ...doc("fleetGetUnit", "A unit (fleet)"),
          params: Type.Object({ name: Type.String() }),
          response: { 200: ref(FleetUnit), ...errors },
        },
      },
      async (request) => {
        const unit = entities.unit(itemName(request.params.name));
        if (!unit) throw new FleetError(404, "unit does not exist");
        return unit;
      },
    );

    app.put(
      "/units/:name",
      {
        schema: {
          ...doc("fleetSetUnit", "Create, replace or change the desired state of a unit (fleet)"),
          params: Type.Object({ name: Type.String() }),
          body: { content: { "application/json": { schema: ref(FleetUnit) } } },
          response: {
            201: Type.Null({ description: "Created or replaced" }),
            204: Type.Null({ description: "Desired state changed" }),
            ...errors,
            409: ref(FleetErrorSchema),
            415: ref(FleetErrorSchema),
          },
        },
      },
      async (request, reply) => {
        requireJson(request);
        const name = itemName(request.params.name);
        const body = normalise(request.body);
        const bodyName = typeof body.name === "string" && body.name !== "" ? body.name : name;
        if (bodyName !== name) {
          throw new FleetError(
            400,
            `name in URL ${goQuote(name)} differs from unit name in request body ${goQuote(bodyName)}`,
          );
        }
        const parsedName = parseUnitName(name);
        if (!parsedName.ok) throw new FleetError(400, parsedName.error);
        const desiredState = typeof body.desiredState === "string" ? body.desiredState : "";
        if (desiredState !== "" && !DESIRED_STATES.includes(desiredState)) {
          throw new FleetError(
            400,
            `invalid desiredState ${goQuote(desiredState)}: expected inactive, loaded or launched`,
          );
        }
        const unitOptions = Array.isArray(body.options)
          ? (body.options as FleetUnitOptionView[])
          : [];
        const existing = (await context.registry.getUnit(name))?.value;
        const file = {
          options: unitOptions.map((option) => ({
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
          return reply.code(201).send(null);
        }
        if (!existing) throw new FleetError(409, "unit does not exist and options field empty");
        if (desiredState === "")
          throw new FleetError(409, "must provide DesiredState to update existing unit");
        if (isTemplate && desiredState !== "inactive")
          throw new FleetError(400, `cannot activate template ${goQuote(name)}`);
        if (!isTemplate) {
          const outcome = await commands.setDesiredState(name, desiredState as DesiredState);
          await view.waitFor(outcome.revision);
        }
        return reply.code(204).send(null);
      },
    );

    app.delete(
      "/units/:name",
      {
        schema: {
          ...doc("fleetDestroyUnit", "Destroy a unit (fleet)"),
          params: Type.Object({ name: Type.String() }),
          response: { 204: Type.Null({ description: "Destroyed" }), ...errors },
        },
      },
      async (request, reply) => {
        const name = itemName(request.params.name);
        if (!view.units.has(name) && !(await context.registry.getUnit(name))) {
          throw new FleetError(404, "unit does not exist");
        }
        const revision = await commands.deleteUnitFile(name, true).catch((error: unknown) => {
          if (error instanceof ProblemError && error.status === 404)
            throw new FleetError(404, "unit does not exist");
          throw error;
        });
        await view.waitFor(revision);
        return reply.code(204).send(null);
      },
    );
    onlyMethods(
      app,
      "/units/:name",
      ["GET", "PUT", "DELETE"],
      405,
      "only GET, PUT and DELETE supported against this resource",
    );

    app.get(
      "/state",
      {
        schema: {
          ...doc("fleetListUnitStates", "Unit states as agents report them (fleet)"),
          querystring: Type.Object({}, { additionalProperties: true }),
          response: { 200: ref(FleetUnitStatePage), 400: ref(FleetErrorSchema) },
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
    onlyMethods(app, "/state", ["GET"], 405, "only GET supported against this resource");

    app.get(
      "/state/:name",
      {
        schema: {
          ...doc("fleetGetUnitState", "The state of one unit (fleet)"),
          params: Type.Object({ name: Type.String() }),
          response: { 200: ref(FleetUnitState), ...errors },
        },
      },
      async (request) => {
        const [state] = entities.states({ unitName: itemName(request.params.name) });
        if (!state) throw new FleetError(404, "unit state does not exist");
        return state;
      },
    );
    onlyMethods(app, "/state/:name", ["GET"], 405, "only GET supported against this resource");

    app.get(
      "/machines",
      {
        schema: {
          ...doc("fleetListMachines", "List machines (fleet)"),
          querystring: Type.Object({}, { additionalProperties: true }),
          response: { 200: ref(FleetMachinePage), 400: ref(FleetErrorSchema) },
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
          description:
            'fleet\'s format: [{"op":"add|replace|remove","path":"/<id>/metadata/<key>","value":{"value":"..."}}]',
          response: { 204: Type.Null({ description: "Applied" }), 400: ref(FleetErrorSchema) },
        },
      },
      async (request, reply) => {
        const revision = await applyMachinePatch(context.registry, request.body);
        await view.waitFor(revision);
        return reply.code(204).type("application/json").send(null);
      },
    );
    onlyMethods(
      app,
      "/machines",
      ["GET", "PATCH"],
      405,
      "only GET and PATCH supported against this resource",
    );

    app.route({
      method: [...ALL_METHODS],
      url: "/",
      schema: { hide: true },
      handler: (_request, reply) => sendFleetError(reply, 405, ""),
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
    const result: Record<string, unknown> = {};
    if (sliced.next) result.nextPageToken = sliced.next;
    if (sliced.items.length > 0) result[key] = sliced.items;
    return result;
  } catch (error) {
    if (error instanceof PageTokenError) throw new FleetError(400, error.message);
    throw error;
  }
}

/** fleet's item routes take exactly one path segment. */
function itemName(name: string): string {
  if (name === "" || name.includes("/")) throw new FleetError(404, "");
  return name;
}

function requireJson(request: FastifyRequest): void {
  const header = request.headers["content-type"];
  const values = header === undefined ? [] : [header];
  if (values.length !== 1)
    throw new FleetError(415, `expected 1 Content-Type, got ${values.length}`);
  const mediaType = (values[0] ?? "").split(";")[0]?.trim();
  if (mediaType !== "application/json")
    throw new FleetError(415, "only acceptable Content-Type is application/json");
}

/** fleet decoded JSON with Go's case-insensitive field matching. */
function normalise(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new FleetError(400, "unable to decode body: expected a JSON object");
  }
  const known = ["name", "options", "desiredState", "currentState", "machineID"];
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const canonical = known.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
    if (canonical && !(canonical in result && canonical !== key)) result[canonical] = value;
  }
  return result;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Go's %q for the plain names these messages quote. */
function goQuote(text: string): string {
  return JSON.stringify(text);
}

function onlyMethods(
  app: Parameters<FastifyPluginAsyncTypebox>[0],
  url: string,
  allowed: readonly string[],
  status: number,
  message: string,
): void {
  const others = ALL_METHODS.filter(
    (method) => !allowed.includes(method) && !(method === "HEAD" && allowed.includes("GET")),
  );
  app.route({
    method: others,
    url,
    schema: { hide: true },
    handler: (_request, reply) => sendFleetError(reply, status, message),
  });
}
