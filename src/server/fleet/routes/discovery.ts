import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { FleetDiscovery } from "../../../schema/fleet.ts";
import { ref } from "../../../schema/ref.ts";
import { discoveryDocument } from "../discovery.ts";
import { onlyMethods } from "../only-methods.ts";
import type { FleetRouteContext } from "../route-context.ts";

export function fleetDiscoveryRoutes({ doc }: FleetRouteContext): FastifyPluginAsyncTypebox {
  return async (app) => {
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
  };
}
