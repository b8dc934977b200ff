import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { DesiredState } from "../../../registry/records.ts";
import {
  FleetUnit,
  FleetUnitBody,
  FleetUnitNameParam,
  FleetUnitPage,
  fleetErrorResponse,
} from "../../../schema/fleet.ts";
import { ref } from "../../../schema/ref.ts";
import { unitHash } from "../../../unit/hash.ts";
import { parseUnitName } from "../../../unit/name.ts";
import { serializeUnitFile } from "../../../unit/serialize.ts";
import { isUnitState } from "../../../unit/states.ts";
import { ProblemError } from "../../problems.ts";
import { decodeUnitBody } from "../decode.ts";
import { FleetError } from "../fleet-error.ts";
import { itemName } from "../item-name.ts";
import { listPage } from "../list-page.ts";
import { onlyMethods } from "../only-methods.ts";
import type { FleetRouteContext } from "../route-context.ts";
import { fleetUnitNameError, goQuote } from "../unit-name.ts";

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

export interface FleetUnitRouteOptions {
  /** How long a held stop waits for the client's read; default 5 s. */
  stopHoldMs?: number;
}

export function fleetUnitRoutes(
  { server, entities, doc }: FleetRouteContext,
  options: FleetUnitRouteOptions = {},
): FastifyPluginAsyncTypebox {
  const { registry, view, unitWrites } = server;
  const errors = { 400: fleetErrorResponse(400), 404: fleetErrorResponse(404) };
  const unitBody = { content: { "application/json": { schema: ref(FleetUnitBody) } } };

  return async (app) => {
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
      async (request) => listPage(request, entities.units(), "units"),
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
          description:
            "A timer (a .timer unit) set loaded or launched, with its options or without, loads the service it starts in the same write, as PUT /v1/units/{name} does; 409, and nothing written, when neither that service nor its template has been submitted.",
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
          response: {
            204: Type.Null({ description: "Destroyed" }),
            ...errors,
            409: fleetErrorResponse(409),
          },
        },
      },
      deleteUnit,
    );

    onlyMethods(
      app,
      "/units/:name",
      ["GET", "PUT", "DELETE"],
      "only GET, PUT and DELETE supported against this resource",
    );
  };

  async function getUnit(request: FastifyRequest) {
    const name = itemName(request);
    const unit = entities.unit(name, { item: true });
    if (!unit) throw new FleetError(404, "unit does not exist");
    // The client has seen the unit still launched: a stop it asked for goes ahead now.
    if (view.units.get(name)?.stopHeldUntil)
      await view.waitFor(await unitWrites.releaseStopHold(name));
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
    const desiredState = desiredStateOf(body.desiredState);
    const existing = (await registry.getUnit(name))?.value;
    const file = {
      options: body.options.map((option) => ({
        section: option.section ?? "",
        name: option.name ?? "",
        value: option.value ?? "",
      })),
    };
    const isTemplate = parsedName.value.kind === "template";
    if (file.options.length > 0 && (!existing || unitHash(file) !== existing.hash)) {
      if (isTemplate && desiredState !== undefined && desiredState !== "inactive") {
        throw new FleetError(400, `cannot activate template ${goQuote(name)}`);
      }
      const revision = await submitAsFleet(
        name,
        serializeUnitFile(file),
        desiredState ?? "inactive",
      );
      await view.waitFor(revision);
      return reply.code(201).send();
    }
    if (!existing) throw new FleetError(409, "unit does not exist and options field empty");
    if (desiredState === undefined)
      throw new FleetError(409, "must provide DesiredState to update existing unit");
    if (isTemplate && desiredState !== "inactive")
      throw new FleetError(400, `cannot activate template ${goQuote(name)}`);
    if (!isTemplate) {
      const outcome = await unitWrites.setDesiredState(name, desiredState, {
        holdStopMs: options.stopHoldMs ?? FLEET_STOP_HOLD_MS,
      });
      await view.waitFor(outcome.revision);
    }
    return reply.code(204).send();
  }

  async function deleteUnit(request: FastifyRequest, reply: FastifyReply) {
    const name = itemName(request);
    if (!view.units.has(name) && !(await registry.getUnit(name))) {
      throw new FleetError(404, "unit does not exist");
    }
    const revision = await unitWrites.deleteUnitFile(name, true).catch((error: unknown) => {
      if (error instanceof ProblemError && error.status === 404)
        throw new FleetError(404, "unit does not exist");
      throw error;
    });
    await view.waitFor(revision);
    return reply.code(204).send();
  }

  /** Creates or replaces a unit with its desired state in one transaction, in fleet's terms. */
  async function submitAsFleet(
    name: string,
    text: string,
    desiredState: DesiredState,
  ): Promise<number> {
    try {
      return (await unitWrites.submit(name, text, { replace: true, desiredState })).revision;
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

/** The desired state a body asks for; fleet read an empty one as none. */
function desiredStateOf(value: string): DesiredState | undefined {
  if (value === "") return undefined;
  if (isUnitState(value)) return value;
  throw new FleetError(
    400,
    `invalid desiredState ${goQuote(value)}: expected inactive, loaded or launched`,
  );
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
