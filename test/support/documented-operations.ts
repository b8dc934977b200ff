import { readFileSync } from "node:fs";
import { join } from "node:path";

/** One operation of the committed OpenAPI document, with the statuses it documents. */
export interface DocumentedOperation {
  /** "GET /v1/units/{name}" */
  key: string;
  method: string;
  path: string;
  statuses: number[];
  /** Whether a request path (as sent, percent-encoded) addresses this operation's path. */
  addresses(requestPath: string): boolean;
}

const METHODS = new Set(["get", "put", "post", "delete", "patch"]);

const document = JSON.parse(
  readFileSync(join(import.meta.dirname, "..", "..", "openapi", "openapi.json"), "utf8"),
) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };

export const documentedOperations: readonly DocumentedOperation[] = Object.entries(
  document.paths,
).flatMap(([path, item]) => {
  // A parameter is one path segment, as Fastify's router takes it.
  const pattern = new RegExp(`^${path.replace(/\{[^}]+\}/g, "[^/]+")}$`);
  return Object.entries(item)
    .filter(([method]) => METHODS.has(method))
    .map(([method, operation]) => ({
      key: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      path,
      statuses: Object.keys(operation.responses).map(Number),
      addresses: (requestPath: string) => pattern.test(requestPath),
    }));
});
