import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { classify } from "../problem-reply.ts";
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from "../problems.ts";

/** An error as fleet's API reported it: a status and a message, nothing else. */
export class FleetError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Paths of fleet's API, whose errors are fleet's error entity rather than problem documents. */
export function isFleetPath(path: string): boolean {
  return path.startsWith("/fleet/v1") || path.startsWith("/v1-alpha");
}

/**
 * Sends fleet's error entity with fleet's exact Content-Type, `application/json`. Fastify adds
 * `; charset=utf-8` to a JSON type unless the reply has a serializer of its own; fleet's routes
 * also strip it in an onSend hook, but the router's own errors (a path segment too long, a path
 * that is not a URL) are answered before any of fleet's routes, and so without that hook.
 */
export function sendFleetError(reply: FastifyReply, status: number, message: string): FastifyReply {
  if (status === 503) reply.header("retry-after", String(UNAVAILABLE_RETRY_AFTER_SECONDS));
  return reply
    .code(status)
    .type("application/json")
    .serializer(JSON.stringify)
    .send({ error: { code: status, message } });
}

/** Maps any error in fleet's routes to fleet's error entity and status codes. */
export function fleetErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof FleetError) return sendFleetError(reply, error.status, error.message);
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_ERR_CTP_INVALID_TYPE":
      return sendFleetError(reply, 415, "only acceptable Content-Type is application/json");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return sendFleetError(reply, 400, "unable to decode body: EOF");
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return sendFleetError(reply, 400, `unable to decode body: ${fastifyError.message ?? ""}`);
  }
  if (fastifyError.validation) {
    return sendFleetError(reply, 400, `unable to decode body: ${fastifyError.message ?? ""}`);
  }
  const problem = classify(error);
  if (problem.kind === "registry-unavailable") {
    return sendFleetError(reply, 503, "fleet server unable to communicate with etcd");
  }
  if (problem.status >= 500) {
    request.log.error({ err: error }, "fleet API request failed");
    return sendFleetError(reply, 500, "");
  }
  return sendFleetError(reply, problem.status, problem.detail);
}
