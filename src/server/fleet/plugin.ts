import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { ServerContext } from "../context.ts";
import { FleetEntities } from "./entities.ts";
import { FleetError, fleetErrorHandler, sendFleetError } from "./fleet-error.ts";
import type { FleetRouteContext } from "./route-context.ts";
import { fleetDiscoveryRoutes } from "./routes/discovery.ts";
import { fleetMachineRoutes } from "./routes/machines.ts";
import { fleetStateRoutes } from "./routes/state.ts";
import { type FleetUnitRouteOptions, fleetUnitRoutes } from "./routes/units.ts";

export interface FleetApiOptions extends FleetUnitRouteOptions {
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
  const fleet: FleetRouteContext = {
    server: context,
    entities: new FleetEntities(context.view),
    doc: (operationId, summary) => ({
      operationId: options.hidden ? `${operationId}Alpha` : operationId,
      summary,
      tags: ["fleet-v1"],
      hide: options.hidden === true,
    }),
  };

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

    // Registered after the settings above, which they inherit.
    await app.register(fleetDiscoveryRoutes(fleet));
    await app.register(fleetUnitRoutes(fleet, { stopHoldMs: options.stopHoldMs }));
    await app.register(fleetStateRoutes(fleet));
    await app.register(fleetMachineRoutes(fleet));

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
}
