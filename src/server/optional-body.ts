import type { FastifyRequest } from "fastify";

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * The route's JSON body may be left out altogether (`curl -X PUT URL`), and then stands
     * for `{}`. Fastify would otherwise validate the missing body as null, and the document
     * would mark it required.
     */
    optionalBody?: boolean;
  }
}

/** The route config of a route whose body may be left out. */
export const OPTIONAL_BODY = { optionalBody: true } as const;

/** Whether the request came with no body at all: nothing to read, and no type. */
export function sentNoBody(request: FastifyRequest): boolean {
  const { headers } = request;
  return (
    request.body === undefined &&
    headers["content-type"] === undefined &&
    headers["transfer-encoding"] === undefined &&
    (headers["content-length"] === undefined || headers["content-length"] === "0")
  );
}

/** The operations, as "put /v1/machines/{id}/drain", whose body the document marks optional. */
export class OptionalBodies {
  private readonly operations = new Set<string>();

  add(method: string | readonly string[], url: string): void {
    const path = url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    for (const one of [method].flat()) this.operations.add(`${one.toLowerCase()} ${path}`);
  }

  /** Marks each such operation's request body as not required in an OpenAPI document. */
  apply<T>(document: T): T {
    const paths = (document as { paths?: Record<string, Record<string, BodyOperation>> }).paths;
    for (const [path, operations] of Object.entries(paths ?? {})) {
      for (const [method, operation] of Object.entries(operations)) {
        if (this.operations.has(`${method} ${path}`) && operation.requestBody)
          operation.requestBody.required = false;
      }
    }
    return document;
  }
}

interface BodyOperation {
  requestBody?: { required?: boolean };
}
