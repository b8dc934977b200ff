import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { FleetError } from "./fleet-error.ts";
import { itemName } from "./item-name.ts";

/**
 * fleet's answer to the methods a resource does not serve, with Allow. HEAD is one of them
 * (fleet had no implicit HEAD), which is why every GET route of fleet's API sets
 * `exposeHeadRoute: false`.
 */
export function onlyMethods(
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
      if (url.endsWith("/:name")) itemName(request);
      reply.header("allow", allowed.join(", "));
      throw new FleetError(405, message);
    },
    handler: async () => undefined,
  });
}
