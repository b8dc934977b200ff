/**
 * Which in-process route test (test/unit/routes-<file>.test.ts) brings about each status that
 * openapi/openapi.json documents for each operation, and why the few that none does cannot
 * happen. test/unit/routes-coverage.test.ts holds this table to the document; each route test
 * file ends by checking, with assertRouteCoverage, that its requests really got those answers.
 */
import assert from "node:assert/strict";
import { type DocumentedOperation, documentedOperations } from "./documented-operations.ts";
import { recordedHits } from "./route-hits.ts";

export const ROUTE_TEST_FILES = [
  "units",
  "unit-files",
  "machines",
  "machines-drain",
  "backup",
  "plan",
  "rollouts",
  "events",
  "logs",
  "announcements",
  "operations",
  "fleet-units",
  "fleet-paging",
  "fleet-state",
  "fleet-machines",
  "fleet-routing",
  "auth",
  "limits",
  "availability",
] as const;

export type RouteTestFile = (typeof ROUTE_TEST_FILES)[number];

type ByStatus<T> = Partial<Record<number, T>>;

/**
 * Statuses that every operation documenting them answers for the same reason (a hook in front
 * of every route), each checked for every such operation by one file.
 */
export const SHARED_STATUSES: ByStatus<RouteTestFile> = {
  401: "auth",
  403: "auth",
  413: "limits",
  414: "limits",
  429: "limits",
  503: "availability",
};

/** What each of pause, resume, promote and abort answers of its own. */
const ROLLOUT_ACTION: ByStatus<RouteTestFile> = {
  200: "rollouts",
  400: "rollouts",
  404: "rollouts",
  409: "rollouts",
  500: "availability",
};

/** Per operation, the statuses of its own: what its resource's file checks. */
export const OWN_STATUSES: Record<string, ByStatus<RouteTestFile>> = {
  "GET /healthz": { 200: "operations" },
  "GET /readyz": { 200: "operations", 503: "operations" },
  "GET /metrics": { 200: "operations" },
  "GET /v1/unit-files": { 200: "unit-files" },
  "PUT /v1/unit-files/{name}": {
    200: "unit-files",
    201: "unit-files",
    400: "unit-files",
    409: "unit-files",
    415: "unit-files",
    500: "availability",
  },
  "GET /v1/unit-files/{name}": { 200: "unit-files", 400: "unit-files", 404: "unit-files" },
  "GET /v1/unit-files/{name}/history": {
    200: "unit-files",
    400: "unit-files",
    404: "unit-files",
  },
  "DELETE /v1/unit-files/{name}": {
    204: "unit-files",
    400: "unit-files",
    404: "unit-files",
    409: "unit-files",
    500: "availability",
  },
  "GET /v1/units": { 200: "units", 400: "units" },
  "GET /v1/units/{name}": { 200: "units", 400: "units", 404: "units" },
  "PUT /v1/units/{name}": {
    200: "units",
    201: "units",
    400: "units",
    404: "units",
    409: "units",
    415: "units",
    500: "availability",
  },
  "DELETE /v1/units/{name}": {
    204: "units",
    400: "units",
    404: "units",
    409: "units",
    500: "availability",
  },
  "GET /v1/units/{name}/logs": { 200: "logs", 400: "logs", 404: "logs", 502: "logs" },
  "GET /v1/machines": { 200: "machines" },
  "PATCH /v1/machines/{id}/metadata": {
    200: "machines",
    400: "machines",
    404: "machines",
    409: "machines",
    415: "machines",
    500: "availability",
  },
  "PUT /v1/machines/{id}/drain": {
    200: "machines-drain",
    400: "machines-drain",
    404: "machines-drain",
    409: "machines-drain",
    415: "machines-drain",
    500: "availability",
  },
  "DELETE /v1/machines/{id}/drain": {
    200: "machines-drain",
    204: "machines-drain",
    400: "machines-drain",
    404: "machines-drain",
    409: "machines-drain",
    500: "availability",
  },
  "GET /v1/backup": { 200: "backup", 500: "availability" },
  "POST /v1/restore": {
    200: "backup",
    400: "backup",
    409: "backup",
    415: "backup",
    500: "availability",
  },
  "GET /v1/events": { 200: "events", 400: "events" },
  "GET /v1/announcements": { 200: "announcements", 500: "availability" },
  "POST /v1/plan": { 200: "plan", 400: "plan", 404: "plan", 409: "plan", 415: "plan" },
  "POST /v1/rollouts": {
    201: "rollouts",
    400: "rollouts",
    404: "rollouts",
    409: "rollouts",
    415: "rollouts",
    500: "availability",
  },
  "GET /v1/rollouts": { 200: "rollouts", 400: "rollouts" },
  "GET /v1/rollouts/{id}": { 200: "rollouts", 400: "rollouts", 404: "rollouts" },
  "POST /v1/rollouts/{id}/pause": ROLLOUT_ACTION,
  "POST /v1/rollouts/{id}/resume": ROLLOUT_ACTION,
  "POST /v1/rollouts/{id}/promote": ROLLOUT_ACTION,
  "POST /v1/rollouts/{id}/abort": { ...ROLLOUT_ACTION, 415: "rollouts" },
  "POST /v1/rollouts/{id}/revert": {
    201: "rollouts",
    400: "rollouts",
    404: "rollouts",
    409: "rollouts",
    500: "availability",
  },
  "GET /fleet/v1/discovery": { 200: "fleet-routing" },
  "GET /fleet/v1/units": { 200: "fleet-units", 400: "fleet-paging" },
  "GET /fleet/v1/units/{name}": { 200: "fleet-units", 400: "fleet-units", 404: "fleet-units" },
  "PUT /fleet/v1/units/{name}": {
    201: "fleet-units",
    204: "fleet-units",
    400: "fleet-units",
    404: "fleet-units",
    409: "fleet-units",
    415: "fleet-units",
    500: "availability",
  },
  "DELETE /fleet/v1/units/{name}": {
    204: "fleet-units",
    400: "fleet-units",
    404: "fleet-units",
    409: "fleet-units",
    500: "availability",
  },
  "GET /fleet/v1/state": { 200: "fleet-state", 400: "fleet-paging" },
  "GET /fleet/v1/state/{name}": { 200: "fleet-state", 400: "fleet-state", 404: "fleet-state" },
  "GET /fleet/v1/machines": { 200: "fleet-machines", 400: "fleet-paging" },
  "PATCH /fleet/v1/machines": {
    204: "fleet-machines",
    400: "fleet-machines",
    409: "fleet-machines",
    500: "availability",
  },
};

const SERVED_FROM_MEMORY = "it reads the in-memory view alone, which has nothing to fail";

/** Documented statuses no request can bring about, and why; the rest must be checked. */
export function unreachable(operation: DocumentedOperation, status: number): string | undefined {
  if (status === 403 && operation.method === "GET") {
    return "a read needs only a read token, and every token may read";
  }
  if (status !== 500 || OWN_STATUSES[operation.key]?.[500] !== undefined) return undefined;
  const reasons: Record<string, string> = {
    "GET /healthz": "it answers a constant",
    "GET /readyz": "a ping that fails is its 503",
    "GET /metrics": "it renders counters kept in memory",
    "GET /v1/units/{name}/logs": "every failure of the agent's answer is its 502",
    "POST /v1/plan": "it plans over the in-memory view alone, which has nothing to fail",
  };
  return reasons[operation.key] ?? (operation.method === "GET" ? SERVED_FROM_MEMORY : undefined);
}

/** The statuses `file` must have brought about, as "GET /v1/units 200". */
export function expectedAnswers(
  file: RouteTestFile,
): { operation: DocumentedOperation; status: number }[] {
  return documentedOperations.flatMap((operation) =>
    operation.statuses
      .filter((status) => {
        const own = OWN_STATUSES[operation.key]?.[status];
        if (own !== undefined) return own === file;
        return SHARED_STATUSES[status] === file && unreachable(operation, status) === undefined;
      })
      .map((status) => ({ operation, status })),
  );
}

/** Fails unless this process's requests got every answer the table gives `file`. */
export function assertRouteCoverage(file: RouteTestFile): void {
  const hits = recordedHits();
  const missing = expectedAnswers(file)
    .filter(
      ({ operation, status }) =>
        !hits.some(
          (hit) =>
            hit.method === operation.method &&
            hit.status === status &&
            operation.addresses(hit.path),
        ),
    )
    .map(({ operation, status }) => `${operation.key} ${status}`);
  assert.deepEqual(missing, [], `answers route-coverage.ts expects of routes-${file}.test.ts`);
}
