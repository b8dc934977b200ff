// fleet's v1 API over real HTTP: what only Node's own HTTP parser can show. Every status,
// body and error message of fleet's API is tested in process (test/unit/routes-fleet-*.test.ts).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { request } from "undici";
import { startServer, type TestServer } from "../support/server.ts";

describe("fleet v1 API over HTTP", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  test("repeated Content-Type lines: 415", async () => {
    // Node keeps only the first of repeated Content-Type lines; fleet counted them all.
    const response = await request(`${server.url}/fleet/v1/units/x.service?alt=json`, {
      method: "PUT",
      headers: ["content-type", "application/json", "content-type", "application/json"],
      body: JSON.stringify({
        options: [{ section: "Service", name: "ExecStart", value: "/bin/true" }],
      }),
    });
    const text = await response.body.text();
    assert.equal(response.statusCode, 415);
    assert.equal(
      text,
      JSON.stringify({ error: { code: 415, message: "expected 1 Content-Type, got 2" } }),
    );
  });
});
