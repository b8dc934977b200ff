import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { problemResponse, UnitNameParam } from "../../schema/common.ts";
import { ref } from "../../schema/ref.ts";
import { SetDesiredStateBody, Unit, UnitList, UnitListQuery } from "../../schema/units.ts";
import type { ServerContext } from "../context.ts";
import { presentUnit, type UnitView } from "../entities.ts";
import { ProblemError } from "../problems.ts";
import { validName } from "../unit-name.ts";

export function unitRoutes(context: ServerContext): FastifyPluginAsyncTypebox {
  const { view, unitWrites } = context;
  const present = (name: string): UnitView => {
    const unit = presentUnit(view, name);
    if (!unit) throw new ProblemError("unit-not-found", `unit ${name} does not exist`);
    return unit;
  };

  return async (app) => {
    app.get(
      "/v1/units",
      {
        schema: {
          operationId: "listUnits",
          summary: "List units (templates excluded) in name order, optionally paged",
          tags: ["units"],
          querystring: UnitListQuery,
          response: { 200: ref(UnitList, "The units, by name"), 400: problemResponse(400) },
        },
      },
      async (request) => {
        const { limit, pageToken, machineId } = request.query;
        const pageSize =
          limit === undefined ? Number.POSITIVE_INFINITY : Math.min(Number(limit), 10_000);
        const after = pageToken === undefined ? undefined : decodePageToken(pageToken);
        const candidates =
          machineId === undefined
            ? view.unitNames.after(after)
            : [...view.placedOn(machineId)]
                .sort()
                .filter((name) => after === undefined || name > after);
        const units: UnitView[] = [];
        for (const name of candidates) {
          const unit = presentUnit(view, name);
          if (!unit) continue;
          if (units.length === pageSize) {
            const last = units.at(-1) as UnitView;
            return { units, nextPageToken: encodePageToken(last.name) };
          }
          units.push(unit);
        }
        return { units };
      },
    );

    app.get(
      "/v1/units/:name",
      {
        schema: {
          operationId: "getUnit",
          summary: "A unit: desired and current state, machine, and why it is not running",
          tags: ["units"],
          params: UnitNameParam,
          response: {
            200: ref(Unit, "The unit"),
            400: problemResponse(400),
            404: problemResponse(404),
          },
        },
      },
      async (request) => {
        validName(request.params.name);
        return present(request.params.name);
      },
    );

    app.put(
      "/v1/units/:name",
      {
        schema: {
          operationId: "setUnitDesiredState",
          summary: "Load, launch or deactivate a unit; an instance is created from its template",
          description:
            "Loading or launching a timer (a .timer unit) loads the service it starts (its Unit=, by default the service of the timer's name) in the same write, creating that instance from its template when needed; a service already loaded or launched is left as it is. 409 timer-unit-not-found, and nothing written, when neither the service nor its template has been submitted. Setting a timer inactive leaves its service as it is.",
          tags: ["units"],
          params: UnitNameParam,
          body: ref(SetDesiredStateBody),
          response: {
            200: ref(Unit, "The unit's desired state was set (or already was)"),
            201: ref(Unit, "The instance was created from its template with this desired state"),
            400: problemResponse(400),
            404: problemResponse(404),
            409: problemResponse(409),
            415: problemResponse(415),
            503: problemResponse(503),
          },
        },
      },
      async (request, reply) => {
        const { name } = request.params;
        const outcome = await unitWrites.setDesiredState(name, request.body.desiredState);
        await view.waitFor(outcome.revision);
        return reply.code(outcome.created ? 201 : 200).send(present(name));
      },
    );

    app.delete(
      "/v1/units/:name",
      {
        schema: {
          operationId: "destroyUnit",
          summary: "Destroy a unit: stop it, unplace it, and delete it",
          tags: ["units"],
          params: UnitNameParam,
          response: {
            204: Type.Null({ description: "Destroyed" }),
            400: problemResponse(400),
            404: problemResponse(404),
            409: problemResponse(409),
            503: problemResponse(503),
          },
        },
      },
      async (request, reply) => {
        const revision = await unitWrites.destroyUnit(request.params.name);
        await view.waitFor(revision);
        return reply.code(204).send(null);
      },
    );
  };
}

function encodePageToken(lastName: string): string {
  return Buffer.from(lastName).toString("base64url");
}

function decodePageToken(token: string): string {
  const name = Buffer.from(token, "base64url").toString();
  if (name === "" || Buffer.from(name).toString("base64url") !== token) {
    throw new ProblemError("invalid-request", "pageToken is not one this API issued");
  }
  return name;
}
