import type { FastifyRequest } from "fastify";
import { FleetError } from "./fleet-error.ts";
import { decodePageToken, PageTokenError, slicePage } from "./paging.ts";

type FleetPageKey = "units" | "states" | "machines";

/** The page of `items` a list request's token asks for, as fleet's page entity. */
export function listPage<T>(request: FastifyRequest, items: readonly T[], key: FleetPageKey) {
  const query = request.query as Record<string, string | string[] | undefined>;
  try {
    const sliced = slicePage(items, decodePageToken(query.nextPageToken));
    const listed = sliced.items.length > 0 ? sliced.items : undefined;
    // Keys in the order of fleet's structs: MachinePage lists before its token.
    return key === "machines"
      ? { machines: listed, nextPageToken: sliced.next }
      : { nextPageToken: sliced.next, [key]: listed };
  } catch (error) {
    if (error instanceof PageTokenError) throw new FleetError(400, error.message);
    throw error;
  }
}
