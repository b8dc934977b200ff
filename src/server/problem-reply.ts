import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { isRegistryUnavailable } from "../registry/errors.ts";
import { parseUnitName } from "../unit/name.ts";
import {
  type ProblemDetail,
  ProblemError,
  type ProblemKind,
  problemKinds,
  problemType,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
} from "./problems.ts";

export interface Problem {
  kind: ProblemKind;
  status: number;
  detail: string;
  errors?: ProblemDetail[];
}

/**
 * Classifies any error raised while serving a request. Fastify's own errors (body parsing,
 * validation, limits) are mapped by code; anything unknown is an internal error whose
 * detail is not shown to the client.
 */
export function classify(error: unknown): Problem {
  if (error instanceof ProblemError) {
    return { kind: error.kind, status: error.status, detail: error.message, errors: error.errors };
  }
  if (isRegistryUnavailable(error)) {
    return problem("registry-unavailable", "etcd did not answer; the request was not carried out");
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) {
    return {
      ...problem("invalid-request", fastifyError.message ?? "invalid request"),
      errors: fastifyError.validation.map((issue) => ({
        message: `${fastifyError.validationContext ?? "request"}${issue.instancePath} ${issue.message ?? "is invalid"}`,
        path: `${fastifyError.validationContext ?? ""}${issue.instancePath}`,
      })),
    };
  }
  switch (fastifyError.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return problem("body-too-large", fastifyError.message ?? "body too large");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_ERR_CTP_INVALID_TYPE":
      return problem("unsupported-media-type", fastifyError.message ?? "unsupported content type");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return problem("invalid-request", fastifyError.message ?? "malformed body");
  }
  if (typeof fastifyError.statusCode === "number" && fastifyError.statusCode < 500) {
    return {
      kind: "invalid-request",
      status: fastifyError.statusCode,
      detail: fastifyError.message ?? "",
    };
  }
  return problem("internal", "an internal error occurred; the server log has the details");
}

function problem(kind: ProblemKind, detail: string): Problem {
  return { kind, status: problemKinds[kind].status, detail };
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  found: Problem,
): FastifyReply {
  if (found.status === 503) reply.header("retry-after", String(UNAVAILABLE_RETRY_AFTER_SECONDS));
  return reply
    .code(found.status)
    .type("application/problem+json")
    .send({
      type: problemType(found.kind),
      title: problemKinds[found.kind].title,
      status: found.status,
      detail: found.detail,
      instance: request.url,
      ...(found.errors && found.errors.length > 0 ? { errors: found.errors } : {}),
    });
}

export function problemErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const found = unitNameProblem(error, request) ?? classify(error);
  if (found.status >= 500 && found.kind !== "registry-unavailable") {
    request.log.error({ err: error }, "request failed");
  }
  return sendProblem(request, reply, found);
}

/**
 * A unit name the route's pattern refused, explained as the name rules explain it: the
 * patterns in the document and parseUnitName accept the same names (a unit's, no template).
 */
function unitNameProblem(error: unknown, request: FastifyRequest): Problem | undefined {
  if ((error as Partial<FastifyError>).validationContext !== "params") return undefined;
  const name = (request.params as { name?: unknown } | undefined)?.name;
  if (typeof name !== "string") return undefined;
  const parsed = parseUnitName(name);
  if (!parsed.ok) return problem("invalid-unit-name", parsed.error);
  if (parsed.value.kind !== "template") return undefined;
  return problem(
    "template-not-loadable",
    `${name} is a template, not a unit: it is a unit file (/v1/unit-files/${name})`,
  );
}
