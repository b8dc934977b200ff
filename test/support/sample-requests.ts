import type { DocumentedOperation } from "./documented-operations.ts";
import type { RequestOptions } from "./inject-app.ts";

/** The unit, machine and announcement that requestFor's requests address. */
export const SAMPLE_UNIT = "sample.service";
export const SAMPLE_MACHINE = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";
export const SAMPLE_UNIT_TEXT = "[Service]\nExecStart=/bin/true\n";

const plainText = (body: string): RequestOptions => ({
  body,
  headers: { "content-type": "text/plain" },
});

/**
 * For each operation, a request that is right in every way a hook in front of the routes
 * looks at (path, query, body and its type): what a test of such a hook (tokens, limits,
 * availability) sends to every operation. Its body is small and fills in SAMPLE_UNIT.
 */
const SAMPLES: Record<string, RequestOptions> = {
  "GET /healthz": {},
  "GET /readyz": {},
  "GET /metrics": {},
  "GET /v1/unit-files": {},
  "PUT /v1/unit-files/{name}": plainText(SAMPLE_UNIT_TEXT),
  "GET /v1/unit-files/{name}": {},
  "DELETE /v1/unit-files/{name}": {},
  "GET /v1/units": {},
  "GET /v1/units/{name}": {},
  "PUT /v1/units/{name}": { json: { desiredState: "loaded" } },
  "DELETE /v1/units/{name}": {},
  "GET /v1/units/{name}/logs": {},
  "GET /v1/machines": {},
  "PATCH /v1/machines/{id}/metadata": { json: { role: "web" } },
  "GET /v1/events": {},
  "GET /v1/announcements": {},
  "POST /v1/plan": { json: { units: [SAMPLE_UNIT] } },
  "GET /fleet/v1/discovery": {},
  "GET /fleet/v1/units": {},
  "GET /fleet/v1/units/{name}": {},
  "PUT /fleet/v1/units/{name}": {
    json: { options: [{ section: "Service", name: "ExecStart", value: "/bin/false" }] },
  },
  "DELETE /fleet/v1/units/{name}": {},
  "GET /fleet/v1/state": {},
  "GET /fleet/v1/state/{name}": {},
  "GET /fleet/v1/machines": {},
  "PATCH /fleet/v1/machines": {
    json: [{ op: "add", path: `/${SAMPLE_MACHINE}/metadata/role`, value: { value: "web" } }],
  },
};

export interface SampleRequest {
  method: string;
  url: string;
  options: RequestOptions;
}

/** A valid request of `operation`; `parameter` replaces the path's parameter when given. */
export function requestFor(operation: DocumentedOperation, parameter?: string): SampleRequest {
  const options = SAMPLES[operation.key];
  if (!options) throw new Error(`sample-requests.ts has no request for ${operation.key}`);
  const url = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    parameter !== undefined ? parameter : name === "id" ? SAMPLE_MACHINE : SAMPLE_UNIT,
  );
  return { method: operation.method, url, options };
}
