import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { freshPrefix, rawEtcd, testEtcdEndpoint } from "../support/etcd.ts";
import { http } from "../support/http.ts";
import { freePort, runFlotilla, startDaemon } from "../support/process.ts";
import { specUnit } from "../support/spec.ts";

describe("flotilla server, the process", () => {
  test("flags configure it, it serves the API, and SIGTERM stops it cleanly", async () => {
    const port = await freePort();
    const prefix = freshPrefix();
    const url = `http://127.0.0.1:${port}`;
    const server = await startDaemon(
      ["server", "--listen", `127.0.0.1:${port}`, "--etcd", testEtcdEndpoint(), "--prefix", prefix],
      { FLOTILLA_LOG_LEVEL: "warn" },
      async () => (await http("GET", `${url}/readyz`)).status === 200,
    );
    try {
      const submitted = await http("PUT", `${url}/v1/unit-files/apache@.service`, {
        body: specUnit("apache@.service"),
        headers: { "content-type": "text/plain" },
      });
      assert.equal(submitted.status, 201);
      const etcd = rawEtcd();
      try {
        const stored = await etcd.get(`${prefix}units/apache@.service`).json();
        assert.equal(
          (stored as any).hash,
          submitted.json.hash,
          "the unit lives under the configured prefix",
        );
      } finally {
        etcd.close();
      }
      const metrics = await http("GET", `${url}/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(
        metrics.text,
        /flotilla_http_requests_total\{method="PUT",route="\/v1\/unit-files\/:name",status="201"\} 1/,
      );
      assert.match(metrics.text, /flotilla_units 1/);
      assert.match(metrics.text, /^process_resident_memory_bytes [1-9]\d*$/m);
      assert.match(metrics.text, /^nodejs_heap_size_used_bytes [1-9]\d*$/m);
      const docs = await http("GET", `${url}/docs/`);
      assert.equal(docs.status, 200);
      assert.match(docs.text, /swagger/i);
    } finally {
      assert.equal(await server.stop("SIGTERM"), 0, server.output());
    }
  });

  test("the environment configures it when flags are absent", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = await startDaemon(
      ["server"],
      {
        FLOTILLA_LISTEN: `127.0.0.1:${port}`,
        FLOTILLA_ETCD: testEtcdEndpoint(),
        FLOTILLA_PREFIX: freshPrefix(),
        FLOTILLA_LOG_LEVEL: "warn",
      },
      async () => (await http("GET", `${url}/readyz`)).status === 200,
    );
    assert.equal(await server.stop("SIGINT"), 0, server.output());
  });

  test("bad flags are usage errors with exit code 2", async () => {
    const cases = [
      ["server", "--listen", "nowhere"],
      ["server", "--etcd", "127.0.0.1:2379"],
      ["server", "--prefix", "no-slash"],
      ["server", "--no-such-flag"],
      ["no-such-command"],
    ];
    for (const args of cases) {
      const result = await runFlotilla(args);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, /^flotilla: /, args.join(" "));
      assert.ok(!result.stderr.includes("    at "), "no stack trace");
    }
  });
});
