import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import {
  FleetUnitNameParam,
  FleetUnitState,
  FleetUnitStatePage,
  fleetErrorResponse,
} from "../../../schema/fleet.ts";
import { ref } from "../../../schema/ref.ts";
import { FleetError } from "../fleet-error.ts";
import { itemName } from "../item-name.ts";
import { listPage } from "../list-page.ts";
import { onlyMethods } from "../only-methods.ts";
import type { FleetRouteContext } from "../route-context.ts";

/** Unit states as agents report them, each unit's on every machine that reports it. */
export function fleetStateRoutes({ entities, doc }: FleetRouteContext): FastifyPluginAsyncTypebox {
  return async (app) => {
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
        return listPage(
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
          response: {
            200: ref(FleetUnitState, "The unit's first state"),
            400: fleetErrorResponse(400),
            404: fleetErrorResponse(404),
          },
        },
      },
      async (request) => {
        const [state] = entities.states({ unitName: itemName(request) });
        if (!state) throw new FleetError(404, "unit state does not exist");
        return state;
      },
    );
    // A name with a slash (`/state/a/b`) is an unknown path, 404 as in fleet, and a name over
    // 1024 characters is the router's 414, as on /units/{name}: no wildcard route takes either.
    onlyMethods(app, "/state/:name", ["GET"], "only GET supported against this resource");
  };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
