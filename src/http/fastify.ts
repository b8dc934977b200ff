import swagger, { type FastifyDynamicSwaggerOptions } from "@fastify/swagger";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyServerOptions } from "fastify";
import type { TlsFiles } from "../config/tls.ts";

/** What the control plane's API and the agent's are both configured with. */
export interface HttpOptions {
  logger?: FastifyServerOptions["logger"];
  /** Largest request body in bytes; a unit file is far smaller. */
  bodyLimit?: number;
  /** Serve HTTPS with this certificate and key; with a CA, only to clients it signed. */
  tls?: TlsFiles;
}

export type TypedFastify = ReturnType<typeof createFastify>;

/**
 * A Fastify instance as both of Flotilla's APIs run one, with TypeBox types for the routes;
 * `own` holds what only one of them needs.
 */
export function createFastify(options: HttpOptions, own: FastifyServerOptions = {}) {
  return Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 512 * 1024,
    // Validation must not rewrite input: no coercion, no silently dropped fields.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true } },
    return503OnClosing: true,
    // Unit names may be 256 characters, percent-encoded to three times that.
    routerOptions: { maxParamLength: 1024 },
    // Event streams and idle keep-alive connections must not hold a shutdown open.
    forceCloseConnections: true,
    ...own,
    // Fastify's types tie the instance to the server kind; the routes do not depend on it.
    ...((options.tls ? { https: httpsOptions(options.tls) } : {}) as object),
  }).withTypeProvider<TypeBoxTypeProvider>();
}

/**
 * Serves the API's OpenAPI 3.1 document, built from its routes' schemas. A schema added by
 * `$id` becomes a component of that name, so clients generated from the document name their
 * types after it.
 */
export async function registerOpenApi(
  app: TypedFastify,
  document: NonNullable<FastifyDynamicSwaggerOptions["openapi"]>,
  transformObject?: FastifyDynamicSwaggerOptions["transformObject"],
): Promise<void> {
  await app.register(swagger, {
    openapi: { openapi: "3.1.0", ...document },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === "string" ? json.$id : `def-${i}`,
    },
    ...(transformObject ? { transformObject } : {}),
  });
}

/**
 * With a client CA the TLS handshake itself refuses a caller without a certificate it signed,
 * before any request is read: unauthenticated clients never reach the API's parser.
 */
function httpsOptions(tls: TlsFiles) {
  const { cert, key, ca } = tls;
  return ca === undefined
    ? { cert, key }
    : { cert, key, ca, requestCert: true, rejectUnauthorized: true };
}
