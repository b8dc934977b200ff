// Limits in process, for every operation of the document that has them: a client over its
// request rate (429 with Retry-After), a body over the limit (413), a path segment over
// 1024 characters (414), each in its API's error format.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertApiError } from "../support/api-error.ts";
import {
  type DocumentedOperation,
  documentedOperations,
} from "../support/documented-operations.ts";
import { type InjectApp, injectApp, type RequestOptions } from "../support/inject-app.ts";
import { assertProblem } from "../support/problem.ts";
import { assertRouteCoverage, unreachable } from "../support/route-coverage.ts";
import { requestFor, SAMPLE_UNIT, SAMPLE_UNIT_TEXT } from "../support/sample-requests.ts";

const documenting = (status: number): DocumentedOperation[] =>
  documentedOperations.filter((operation) => operation.statuses.includes(status));

describe("request rate", () => {
  let api: InjectApp;
  before(async () => {
    // A bucket of one that refills once in 1000 s: after one request, a client is refused.
    api = await injectApp({ rateLimit: { perSecond: 0.001, burst: 1 } });
  });
  after(() => api.close());

  /** A request from its own client address, so that each test has its own bucket. */
  const from = (client: string, method: string, url: string, options: RequestOptions = {}) =>
    api.request(method, url, { ...options, remoteAddress: client });

  test("a client over its rate gets 429 with Retry-After on every operation", async () => {
    const client = "198.51.100.7";
    assert.equal((await from(client, "GET", "/healthz")).status, 200, "the burst is served");
    const limited = documenting(429);
    assert.equal(limited.length, documentedOperations.length);
    for (const operation of limited) {
      const { method, url, options } = requestFor(operation);
      const answer = await from(client, method, url, options);
      assertApiError(
        answer,
        url,
        429,
        "too-many-requests",
        /^more than 0\.001 requests per second from 198\.51\.100\.7; retry in [1-9]\d* s$/,
      );
      assert.match(String(answer.headers["retry-after"]), /^[1-9]\d*$/);
      const said = answer.json.error?.message ?? answer.json.detail;
      assert.ok(said.endsWith(`retry in ${answer.headers["retry-after"]} s`), "the delay is said");
    }
  });

  test("each client has its own bucket", async () => {
    assert.equal((await from("198.51.100.8", "GET", "/v1/units")).status, 200);
    assert.equal((await from("198.51.100.8", "GET", "/v1/units")).status, 429);
    assert.equal((await from("198.51.100.9", "GET", "/v1/units")).status, 200);
  });
});

describe("body and target sizes", () => {
  let api: InjectApp;
  before(async () => {
    api = await injectApp({ bodyLimit: 64 });
    await api.submit(SAMPLE_UNIT, SAMPLE_UNIT_TEXT);
  });
  after(() => api.close());

  test("a body over the limit is a 413 on every operation that takes a body", async () => {
    const padding = "x".repeat(100);
    const bodies: Record<string, { body: string; type: string }> = {
      "PUT /v1/unit-files/{name}": {
        body: `[Service]\nExecStart=/bin/true ${padding}\n`,
        type: "text/plain",
      },
      "PUT /v1/units/{name}": {
        body: `{"desiredState":"loaded","x":"${padding}"}`,
        type: "application/json",
      },
      "PATCH /v1/machines/{id}/metadata": {
        body: `{"role":"${padding}"}`,
        type: "application/json",
      },
      "PUT /v1/machines/{id}/drain": {
        body: `{"reason":"${padding}"}`,
        type: "application/json",
      },
      "POST /v1/plan": { body: `{"units":["${padding}.service"]}`, type: "application/json" },
      "PUT /fleet/v1/units/{name}": {
        body: `{"options":[],"x":"${padding}"}`,
        type: "application/json",
      },
      "PATCH /fleet/v1/machines": {
        body: `[{"op":"add","x":"${padding}"}]`,
        type: "application/json",
      },
      "POST /v1/rollouts": {
        body: `{"target":"${SAMPLE_UNIT}","text":"${padding}"}`,
        type: "application/json",
      },
      "POST /v1/rollouts/{id}/abort": { body: `{"reason":"${padding}"}`, type: "application/json" },
      // A restore takes 512 times the limit.
      "POST /v1/restore": { body: `{"keys":"${"x".repeat(64 * 512)}"}`, type: "application/json" },
    };
    const takingBodies = documenting(413);
    assert.deepEqual(
      takingBodies.map((operation) => operation.key).sort(),
      Object.keys(bodies).sort(),
    );
    for (const operation of takingBodies) {
      const { method, url } = requestFor(operation);
      const { body, type } = bodies[operation.key] as { body: string; type: string };
      const answer = await api.request(method, url, { body, headers: { "content-type": type } });
      assertApiError(answer, url, 413, "body-too-large", "Request body is too large");
    }
    assert.equal(api.view.units.size, 1, "nothing was written");
  });

  test("what is wrong with the path or query is said before the body is looked at", async () => {
    const url = "/v1/unit-files/bad%20name.service";
    const answer = await api.request("PUT", url, {
      body: "x".repeat(1000),
      headers: { "content-type": "text/plain" },
    });
    assertProblem(answer, 400, "invalid-unit-name", {
      instance: url,
      detail:
        'invalid character U+0020 in unit name "bad name.service"; allowed are letters, digits and : - _ . \\ @',
    });
  });

  test("a path segment over 1024 characters is a 414 on every operation with a parameter", async () => {
    const withParameter = documenting(414).filter((operation) => !unreachable(operation, 414));
    assert.ok(withParameter.length > 10);
    for (const segment of ["a".repeat(1100), "%F0%9F%98%80".repeat(513)]) {
      for (const operation of withParameter) {
        const { method, url, options } = requestFor(operation, segment);
        assertApiError(
          await api.request(method, url, options),
          url,
          414,
          "uri-too-long",
          "a path segment is longer than 1024 characters",
        );
      }
    }
  });
});

test("every operation and status route-coverage.ts gives this file was answered", () =>
  assertRouteCoverage("limits"));
