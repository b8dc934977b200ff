import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { isFleetPath, sendFleetError } from "./fleet/fleet-error.ts";
import { ProblemError } from "./problems.ts";

export interface ApiTokens {
  read: readonly string[];
  /** A write token may also read. */
  write: readonly string[];
}

type Scope = "read" | "write";

/** Paths anyone may reach: liveness and readiness, for load balancers and orchestrators. */
export const PUBLIC_PATHS = new Set(["/healthz", "/readyz"]);

/** The dashboard's page and scripts hold no cluster data; its API calls carry the token. */
function isDashboardAsset(path: string): boolean {
  return path === "/" || path.startsWith("/dashboard/");
}

/**
 * Bearer-token authentication with two scopes. Every mutating request needs a write token;
 * every other request a read or write token; nothing is required when no token is
 * configured. Tokens are compared through their SHA-256 digests in constant time, so
 * neither their contents nor their lengths leak through timing.
 */
export function authenticate(tokens: ApiTokens) {
  const digest = (token: string) => createHash("sha256").update(token).digest();
  const read = tokens.read.map(digest);
  const write = tokens.write.map(digest);
  const enabled = read.length + write.length > 0;
  const matches = (candidates: Buffer[], given: Buffer) =>
    candidates.reduce((found, candidate) => timingSafeEqual(candidate, given) || found, false);

  return async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split("?")[0] ?? "";
    if (!enabled || PUBLIC_PATHS.has(path) || isDashboardAsset(path)) return;
    const needed: Scope = ["GET", "HEAD", "OPTIONS"].includes(request.method) ? "read" : "write";
    const token = bearerToken(request);
    const given = token === undefined ? undefined : digest(token);
    const granted: Scope | undefined =
      given === undefined
        ? undefined
        : matches(write, given)
          ? "write"
          : matches(read, given)
            ? "read"
            : undefined;
    if (granted === "write" || granted === needed) return;
    const status = granted === undefined ? 401 : 403;
    const message =
      status === 401
        ? "a valid API token is required (Authorization: Bearer <token>)"
        : "this token may only read";
    reply.header(
      "www-authenticate",
      status === 401 ? 'Bearer realm="flotilla"' : 'Bearer error="insufficient_scope"',
    );
    if (isFleetPath(path)) return sendFleetError(reply, status, message);
    throw new ProblemError(status === 401 ? "unauthorized" : "forbidden", message);
  };
}

/**
 * The Authorization header's bearer token, or for GET an access_token query parameter
 * (a browser's EventSource cannot set headers).
 */
function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.toLowerCase().startsWith("bearer ")) return header.slice(7).trim();
  const fromQuery = (request.query as Record<string, unknown> | undefined)?.access_token;
  return request.method === "GET" && typeof fromQuery === "string" ? fromQuery : undefined;
}

/** The query parameter every GET route accepts besides its own. */
export const ACCESS_TOKEN_PARAMETER = {
  type: "string",
  description: "The API token, for clients that cannot send an Authorization header",
} as const;
