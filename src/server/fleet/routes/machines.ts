import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import { FleetMachinePage, FleetMachinePatch, fleetErrorResponse } from "../../../schema/fleet.ts";
import { ref } from "../../../schema/ref.ts";
import { listPage } from "../list-page.ts";
import { applyMachinePatch } from "../machine-patch.ts";
import { onlyMethods } from "../only-methods.ts";
import type { FleetRouteContext } from "../route-context.ts";

export function fleetMachineRoutes({
  server,
  entities,
  doc,
}: FleetRouteContext): FastifyPluginAsyncTypebox {
  const { registry, view } = server;
  return async (app) => {
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
      async (request) => listPage(request, entities.machines(), "machines"),
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
          response: {
            204: Type.Null({ description: "Applied" }),
            400: fleetErrorResponse(400),
            409: fleetErrorResponse(409),
          },
        },
      },
      async (request, reply) => {
        const revision = await applyMachinePatch(registry, request.body);
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
  };
}
