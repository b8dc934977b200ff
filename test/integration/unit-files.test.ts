// /v1/unit-files against real etcd: what only etcd's transactions can show. Validation,
// status codes and problem documents are tested in process (test/unit/routes-unit-files.test.ts).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { http } from "../support/http.ts";
import { startServer, type TestServer } from "../support/server.ts";

const text = (body: string) => ({ body, headers: { "content-type": "text/plain" } });

describe("unit files in etcd", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  test("racing submissions of different content: exactly one wins", async () => {
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        http(
          "PUT",
          `${server.url}/v1/unit-files/raced.service`,
          text(`[Service]\nExecStart=/bin/sleep ${i}\n`),
        ),
      ),
    );
    const statuses = attempts.map((response) => response.status).sort();
    assert.deepEqual(statuses, [201, ...Array(11).fill(409)]);
  });
});
