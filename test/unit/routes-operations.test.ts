// Health, readiness, metrics, the served OpenAPI document, its reference page and the
// dashboard's files, in process.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { GRPCUnavailableError } from "etcd3";
import { type InjectApp, injectApp } from "../support/inject-app.ts";
import { assertRouteCoverage } from "../support/route-coverage.ts";

const committed = JSON.parse(
  readFileSync(join(import.meta.dirname, "..", "..", "openapi", "openapi.json"), "utf8"),
);

describe("health, readiness and metrics", () => {
  let api: InjectApp;
  before(async () => {
    api = await injectApp({ unsynced: true });
  });
  after(() => api.close());

  test("before the view is in sync: alive, but not ready (503)", async () => {
    const health = await api.request("GET", "/healthz");
    assert.equal(health.status, 200);
    assert.deepEqual(health.json, { status: "ok" });
    const ready = await api.request("GET", "/readyz");
    assert.equal(ready.status, 503);
    assert.equal(ready.headers["content-type"], "application/json; charset=utf-8");
    assert.deepEqual(ready.json, {
      status: "unavailable",
      detail: "not yet synchronised with etcd",
    });
  });

  test("in sync: ready, at the registry's revision", async () => {
    await api.sync();
    await api.submit("ready.service", "[Service]\nExecStart=/bin/true\n");
    const ready = await api.request("GET", "/readyz");
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.json, { status: "ok", revision: await api.registry.ping() });
  });

  test("etcd unreachable: still alive, not ready (503)", async () => {
    api.failRegistry(new GRPCUnavailableError("connection refused"));
    try {
      const ready = await api.request("GET", "/readyz");
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.json, { status: "unavailable", detail: "etcd is unreachable" });
      assert.equal((await api.request("GET", "/healthz")).status, 200);
    } finally {
      api.failRegistry(undefined);
    }
  });

  test("metrics count requests by route template and status, and gauge the view", async () => {
    await api.request("GET", "/v1/units/ready.service");
    await api.request("GET", "/v1/units/missing.service");
    const metrics = await api.request("GET", "/metrics");
    assert.equal(metrics.status, 200);
    assert.equal(metrics.headers["content-type"], "text/plain; version=0.0.4");
    const lines = metrics.text.split("\n");
    for (const line of [
      "# TYPE flotilla_http_requests_total counter",
      'flotilla_http_requests_total{method="GET",route="/readyz",status="503"} 2',
      'flotilla_http_requests_total{method="GET",route="/v1/units/:name",status="200"} 1',
      'flotilla_http_requests_total{method="GET",route="/v1/units/:name",status="404"} 1',
      `flotilla_view_revision ${api.view.revision}`,
      "flotilla_units 1",
      "flotilla_machines 0",
      "flotilla_etcd_connected 1",
      "flotilla_event_subscribers 0",
    ]) {
      assert.ok(lines.includes(line), `metrics have ${line}:\n${metrics.text}`);
    }
  });

  test("metrics count the units machines report by health", async () => {
    const machineId = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f";
    await api.announceMachine(machineId);
    for (const [name, status] of [
      ["plain.service", undefined],
      ["up-1.service", "healthy"],
      ["up-2.service", "healthy"],
      ["down.service", "unhealthy"],
    ] as const) {
      await api.submit(name, "[Service]\nExecStart=/bin/true\n", "launched");
      await api.place(name, machineId);
      await api.report(
        machineId,
        name,
        status
          ? { health: { status, since: "2026-12-07T10:00:00.000Z", failures: 0, probe: "http" } }
          : {},
      );
    }
    const lines = (await api.request("GET", "/metrics")).text.split("\n");
    const health = lines.filter((line) => line.startsWith("flotilla_unit_health"));
    assert.deepEqual(health, [
      'flotilla_unit_health{status="starting"} 0',
      'flotilla_unit_health{status="healthy"} 2',
      'flotilla_unit_health{status="unhealthy"} 1',
      'flotilla_unit_health{status="none"} 1',
    ]);
    assert.ok(lines.includes("# TYPE flotilla_unit_health gauge"));
  });
});

describe("documents and pages", () => {
  let api: InjectApp;
  before(async () => {
    api = await injectApp();
  });
  after(() => api.close());

  test("the served OpenAPI document is the committed one", async () => {
    const served = await api.request("GET", "/openapi.json");
    assert.equal(served.status, 200);
    assert.deepEqual(served.json, committed);
    assert.equal(committed.openapi, "3.1.0");
    for (const [path, operations] of Object.entries<any>(committed.paths)) {
      for (const [method, operation] of Object.entries<any>(operations)) {
        assert.ok(operation.operationId, `${method} ${path} has an operationId`);
        assert.ok(operation.summary, `${method} ${path} has a summary`);
      }
    }
    assert.ok(!served.text.includes("def-"), "components are named, not def-N");
    assert.deepEqual(committed.components.securitySchemes.bearerAuth, {
      type: "http",
      scheme: "bearer",
      description: "A Flotilla API token",
    });
  });

  test("the API reference is served at /docs", async () => {
    const docs = await api.request("GET", "/docs");
    assert.equal(docs.status, 200);
    assert.match(String(docs.headers["content-type"]), /^text\/html/);
  });

  test("the dashboard's page and assets are served with a strict policy, and left out of the document", async () => {
    const files = [
      ["/", /^text\/html; charset=utf-8$/, /<table id="units">/],
      ["/dashboard/dashboard.js", /^text\/javascript; charset=utf-8$/, /EventSource/],
      ["/dashboard/dashboard.css", /^text\/css; charset=utf-8$/, /\S/],
    ] as const;
    for (const [path, type, content] of files) {
      const file = await api.request("GET", path);
      assert.equal(file.status, 200, path);
      assert.match(String(file.headers["content-type"]), type, path);
      assert.match(file.text, content, path);
      assert.equal(file.headers["cache-control"], "no-cache");
      assert.equal(file.headers["x-content-type-options"], "nosniff");
      assert.match(String(file.headers["content-security-policy"]), /^default-src 'none'; /);
    }
    assert.deepEqual(
      Object.keys(committed.paths).filter((path) => path === "/" || path.startsWith("/dashboard")),
      [],
    );
  });
});

test("every operation and status route-coverage.ts gives this file was answered", () =>
  assertRouteCoverage("operations"));
