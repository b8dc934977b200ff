import type { FastifyRequest } from "fastify";
import { FleetError } from "./fleet-error.ts";

/**
 * The unit an item route addresses, from `:name` or its wildcard twin. fleet's item routes take
 * exactly one non-empty (decoded) path segment; anything else is an unknown path.
 */
export function itemName(request: FastifyRequest): string {
  const params = request.params as { name?: string; "*"?: string };
  const name = params.name ?? params["*"] ?? "";
  if (name === "" || name.includes("/")) throw new FleetError(404, "");
  return name;
}
