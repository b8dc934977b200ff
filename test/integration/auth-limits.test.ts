import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { http } from "../support/http.ts";
import { runFlotilla } from "../support/process.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { readEvents } from "../support/sse.ts";

const READ = "read-token-for-tests";
const WRITE = "write-token-for-tests";
const unitText = {
  body: "[Service]\nExecStart=/bin/true\n",
  headers: { "content-type": "text/plain" },
};
const as = (token: string, extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${token}`,
  ...extra,
});

describe("API tokens", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ app: { tokens: { read: [READ], write: [WRITE] } } });
  });
  after(() => server.close());

  test("reads need a read or write token; writes need a write token", async () => {
    const anonymous = await http("GET", `${server.url}/v1/units`);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.json.type, "urn:flotilla:problem:unauthorized");
    assert.match(String(anonymous.headers["www-authenticate"]), /^Bearer/);
    assert.equal(
      (await http("GET", `${server.url}/v1/units`, { headers: as("wrong") })).status,
      401,
    );
    assert.equal((await http("GET", `${server.url}/v1/units`, { headers: as(READ) })).status, 200);
    assert.equal((await http("GET", `${server.url}/v1/units`, { headers: as(WRITE) })).status, 200);

    const readOnly = await http("PUT", `${server.url}/v1/unit-files/x.service`, {
      ...unitText,
      headers: as(READ, unitText.headers),
    });
    assert.equal(readOnly.status, 403);
    assert.equal(readOnly.json.type, "urn:flotilla:problem:forbidden");
    const noToken = await http("PUT", `${server.url}/v1/unit-files/x.service`, unitText);
    assert.equal(noToken.status, 401);
    assert.equal(
      (await http("GET", `${server.url}/v1/unit-files/x.service`, { headers: as(READ) })).status,
      404,
      "nothing was written",
    );
    const written = await http("PUT", `${server.url}/v1/unit-files/x.service`, {
      ...unitText,
      headers: as(WRITE, unitText.headers),
    });
    assert.equal(written.status, 201);
  });

  test("fleet's API is protected alike, answering in fleet's error format", async () => {
    const refused = await http("PUT", `${server.url}/fleet/v1/units/y.service`, {
      json: { desiredState: "loaded" },
      headers: as(READ),
    });
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.json, { error: { code: 403, message: "this token may only read" } });
    assert.equal((await http("DELETE", `${server.url}/fleet/v1/units/x.service`)).status, 401);
    assert.equal(
      (await http("GET", `${server.url}/fleet/v1/units`, { headers: as(READ) })).status,
      200,
    );
  });

  test("health and readiness stay open; events take the token as a query parameter", async () => {
    assert.equal((await http("GET", `${server.url}/healthz`)).status, 200);
    assert.equal((await http("GET", `${server.url}/readyz`)).status, 200);
    assert.equal((await http("GET", `${server.url}/metrics`)).status, 401);
    const stream = await readEvents(`${server.url}/v1/events?access_token=${READ}`);
    stream.close();
  });
});

describe("limits", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      app: { rateLimit: { perSecond: 5, burst: 5 }, maxEventStreams: 2 },
    });
  });
  after(() => server.close());

  test("a client over its request rate gets 429 with Retry-After", async () => {
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof http>> | undefined;
    for (let i = 0; i < 20 && !limited; i++) {
      const response = await http("GET", `${server.url}/v1/units`);
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    assert.ok(limited, `no 429 among ${statuses.join(",")}`);
    assert.equal(limited.json.type, "urn:flotilla:problem:too-many-requests");
    assert.match(String(limited.headers["retry-after"]), /^[1-9]\d*$/);
  });

  test("event streams per client are limited", async () => {
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const first = await readEvents(`${server.url}/v1/events`);
    const second = await readEvents(`${server.url}/v1/events`);
    try {
      const third = await http("GET", `${server.url}/v1/events`);
      assert.equal(third.status, 429);
    } finally {
      first.close();
      second.close();
    }
  });

  test("a server on a public address refuses to start without tokens unless told", async () => {
    const refused = await runFlotilla(["server", "--listen", "0.0.0.0:0"], {
      FLOTILLA_ETCD: "http://127.0.0.1:1",
    });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /refusing to serve an unauthenticated API on 0\.0\.0\.0:0/);
  });
});
