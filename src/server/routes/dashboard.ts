import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { PACKAGE_ROOT } from "../../package-root.ts";

/** The dashboard's files: the sources' own where there are sources, else the bundle's copy. */
const CANDIDATE_DIRS = [
  join(PACKAGE_ROOT, "src", "server", "dashboard"),
  join(PACKAGE_ROOT, "dist", "dashboard"),
];

const ASSETS = [
  { path: "/", file: "index.html", type: "text/html; charset=utf-8" },
  { path: "/dashboard/dashboard.js", file: "dashboard.js", type: "text/javascript; charset=utf-8" },
  { path: "/dashboard/dashboard.css", file: "dashboard.css", type: "text/css; charset=utf-8" },
];

/** The page loads nothing but its own files and talks to nothing but this server. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * A static page at `/` showing machines, units and announced keys, live from /v1/events.
 * Its routes are hidden from the OpenAPI document, which describes the API only.
 */
export function dashboardRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    const dir = CANDIDATE_DIRS.find((candidate) => existsSync(join(candidate, "index.html")));
    if (dir === undefined) {
      throw new Error(`the dashboard's files are not in ${CANDIDATE_DIRS.join(" or ")}`);
    }
    for (const asset of ASSETS) {
      const body = await readFile(join(dir, asset.file));
      app.get(asset.path, { schema: { hide: true } }, async (_request, reply) =>
        reply
          .header("content-type", asset.type)
          .header("cache-control", "no-cache")
          .header("content-security-policy", CONTENT_SECURITY_POLICY)
          .header("x-content-type-options", "nosniff")
          .send(body),
      );
    }
  };
}
