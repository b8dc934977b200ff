import type { FastifyRequest } from "fastify";
import { FleetError } from "./fleet-error.ts";

/**
 * The unit an item route addresses, from `:name`. fleet's item routes take exactly one non-empty
 * (decoded) path segment; anything else (`a%2Fb`) is an unknown path.
 */
export function itemName(request: FastifyRequest): string {
  const name = (request.params as { name?: string }).name ?? "";
  if (name === "" || name.includes("/")) throw new FleetError(404, "");
  return name;
}
