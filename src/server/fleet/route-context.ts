import type { ServerContext } from "../context.ts";
import type { FleetEntities } from "./entities.ts";

interface FleetOperationDoc {
  operationId: string;
  summary: string;
  tags: string[];
  hide: boolean;
}

/** What fleet's route modules share: one set of entities and one way to document operations. */
export interface FleetRouteContext {
  server: ServerContext;
  entities: FleetEntities;
  /** The same API is served again, hidden from the document, under fleet's earliest prefix. */
  doc(operationId: string, summary: string): FleetOperationDoc;
}
