// API tokens in process, for every operation of the document: no token or a wrong one is a
// 401, a read token that writes a 403, each in its API's error format, and nothing is done.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertApiError } from "../support/api-error.ts";
import { documentedOperations } from "../support/documented-operations.ts";
import { type Answer, type InjectApp, injectApp } from "../support/inject-app.ts";
import { openEventStream } from "../support/inject-sse.ts";
import { assertRouteCoverage } from "../support/route-coverage.ts";
import { requestFor, SAMPLE_UNIT, SAMPLE_UNIT_TEXT } from "../support/sample-requests.ts";

const READ = "read-token-for-tests";
const WRITE = "write-token-for-tests";
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const UNAUTHORIZED = "a valid API token is required (Authorization: Bearer <token>)";
const READ_ONLY = "this token may only read";

/** The refusal in its API's format, with the challenge that says what would do. */
function assertRefused(answer: Answer, url: string, status: 401 | 403): void {
  assert.equal(
    answer.headers["www-authenticate"],
    status === 401 ? 'Bearer realm="flotilla"' : 'Bearer error="insufficient_scope"',
    url,
  );
  if (status === 401) assertApiError(answer, url, 401, "unauthorized", UNAUTHORIZED);
  else assertApiError(answer, url, 403, "forbidden", READ_ONLY);
}

describe("API tokens", () => {
  let api: InjectApp;
  before(async () => {
    api = await injectApp({ tokens: { read: [READ], write: [WRITE] } });
    await api.submit(SAMPLE_UNIT, SAMPLE_UNIT_TEXT);
  });
  after(() => api.close());

  const guarded = documentedOperations.filter((operation) => operation.statuses.includes(401));

  test("every operation but health and readiness needs a token: 401 without one or with a wrong one", async () => {
    assert.ok(guarded.length > 20);
    for (const operation of guarded) {
      const { method, url, options } = requestFor(operation);
      assertRefused(await api.request(method, url, options), url, 401);
      for (const authorization of ["Bearer wrong", "Basic cmVhZA==", `Bearer ${READ}x`, READ]) {
        const answer = await api.request(method, url, {
          ...options,
          headers: { ...options.headers, authorization },
        });
        assertRefused(answer, url, 401);
      }
    }
  });

  test("every write needs a write token: 403 with a read token, and nothing is written", async () => {
    const writes = documentedOperations.filter((operation) => operation.method !== "GET");
    assert.ok(writes.every((operation) => operation.statuses.includes(403)));
    for (const operation of writes) {
      const { method, url, options } = requestFor(operation);
      const answer = await api.request(method, url, {
        ...options,
        headers: { ...options.headers, ...bearer(READ) },
      });
      assertRefused(answer, url, 403);
    }
    const unit = await api.request("GET", `/v1/units/${SAMPLE_UNIT}`, { headers: bearer(READ) });
    assert.equal(unit.json.desiredState, "inactive");
    assert.equal(api.view.units.size, 1);
  });

  test("a read token reads and a write token reads and writes", async () => {
    for (const token of [READ, WRITE]) {
      const list = await api.request("GET", "/v1/units", { headers: bearer(token) });
      assert.equal(list.status, 200);
      const fleet = await api.request("GET", "/fleet/v1/units", { headers: bearer(token) });
      assert.equal(fleet.status, 200);
    }
    const written = await api.request("PUT", "/v1/unit-files/x.service", {
      body: SAMPLE_UNIT_TEXT,
      headers: { "content-type": "text/plain", ...bearer(WRITE) },
    });
    assert.equal(written.status, 201);
    const fleetWritten = await api.request("PUT", "/fleet/v1/units/x.service", {
      json: { desiredState: "loaded" },
      headers: bearer(WRITE),
    });
    assert.equal(fleetWritten.status, 204);
    const lowercase = await api.request("GET", "/v1/units", {
      headers: { authorization: `bearer ${READ}` },
    });
    assert.equal(lowercase.status, 200, "the scheme is case-insensitive");
  });

  test("a GET may pass its token as access_token (EventSource cannot set headers); a write may not", async () => {
    const read = await api.request("GET", `/v1/units?access_token=${READ}`);
    assert.equal(read.status, 200);
    const stream = await openEventStream(api, `/v1/events?access_token=${READ}`);
    assert.equal(stream.status, 200);
    stream.close();
    const refused = await api.request("GET", "/v1/events?access_token=bad");
    assertRefused(refused, "/v1/events?access_token=bad", 401);
    const url = `/v1/units/${SAMPLE_UNIT}?access_token=${WRITE}`;
    assertRefused(await api.request("PUT", url, { json: { desiredState: "loaded" } }), url, 401);
  });

  test("health, readiness and the dashboard's files stay open; the rest is closed", async () => {
    for (const path of ["/healthz", "/readyz", "/", "/dashboard/dashboard.js"]) {
      assert.equal((await api.request("GET", path)).status, 200, path);
    }
    for (const path of [
      "/metrics",
      "/openapi.json",
      "/docs",
      "/docs/static/index.html",
      "/v1/nothing",
    ]) {
      assertRefused(await api.request("GET", path), path, 401);
    }
  });
});

test("every operation and status route-coverage.ts gives this file was answered", () =>
  assertRouteCoverage("auth"));
