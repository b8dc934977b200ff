import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { http } from "../support/http.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { specUnit } from "../support/spec.ts";

describe("units", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    for (const name of ["apache@.service", "apache-discovery@.service"] as const) {
      const response = await http("PUT", `${server.url}/v1/unit-files/${name}`, {
        body: specUnit(name),
        headers: { "content-type": "text/plain" },
      });
      assert.equal(response.status, 201);
    }
  });
  after(() => server.close());

  test("loading an instance creates it from its template (the README's curl walk-through)", async () => {
    const loaded = await http("PUT", `${server.url}/v1/units/apache@80.service`, {
      json: { desiredState: "loaded" },
    });
    assert.equal(loaded.status, 201, loaded.text);
    const template = await http("GET", `${server.url}/v1/unit-files/apache@.service`);
    assert.equal(loaded.json.hash, template.json.hash, "an instance takes its template's content");
    assert.equal(loaded.json.template, "apache@.service");

    const list = await http("GET", `${server.url}/v1/units`);
    assert.equal(list.status, 200);
    const unit = list.json.units.find((candidate: any) => candidate.name === "apache@80.service");
    assert.equal(unit.desiredState, "loaded");
    assert.equal(unit.currentState, "inactive");
    assert.equal(unit.kind, "instance");
    assert.equal(unit.machineId, undefined);
    assert.match(unit.reason, /waiting to be placed/);
    assert.ok(
      !list.json.units.some((candidate: any) => candidate.name === "apache@.service"),
      "templates are unit files, not units",
    );
  });

  test("changing the desired state is idempotent", async () => {
    const launched = await http("PUT", `${server.url}/v1/units/apache@80.service`, {
      json: { desiredState: "launched" },
    });
    assert.equal(launched.status, 200);
    assert.equal(launched.json.desiredState, "launched");
    const again = await http("PUT", `${server.url}/v1/units/apache@80.service`, {
      json: { desiredState: "launched" },
    });
    assert.equal(again.status, 200);
    assert.equal(again.json.updatedAt, launched.json.updatedAt);
  });

  test("a plain submitted unit is a unit with desired state inactive", async () => {
    await http("PUT", `${server.url}/v1/unit-files/hello.service`, {
      body: "[Service]\nExecStart=/bin/sleep 1000\n",
      headers: { "content-type": "text/plain" },
    });
    const unit = await http("GET", `${server.url}/v1/units/hello.service`);
    assert.equal(unit.status, 200);
    assert.equal(unit.json.kind, "unit");
    assert.equal(unit.json.desiredState, "inactive");
    assert.equal(unit.json.reason, undefined);
  });

  test("bad requests get clear errors and change nothing", async () => {
    const cases: [string, string, Parameters<typeof http>[2], number, string][] = [
      [
        "template loaded",
        "/v1/units/apache@.service",
        { json: { desiredState: "loaded" } },
        400,
        "template-not-loadable",
      ],
      [
        "unknown unit",
        "/v1/units/nothing.service",
        { json: { desiredState: "loaded" } },
        404,
        "unit-not-found",
      ],
      [
        "instance without template",
        "/v1/units/nginx@1.service",
        { json: { desiredState: "loaded" } },
        404,
        "unit-not-found",
      ],
      [
        "bad state",
        "/v1/units/hello.service",
        { json: { desiredState: "running" } },
        400,
        "invalid-request",
      ],
      [
        "misspelled field",
        "/v1/units/hello.service",
        { json: { desiredstate: "loaded" } },
        400,
        "invalid-request",
      ],
      [
        "extra field",
        "/v1/units/hello.service",
        { json: { desiredState: "loaded", machine: "x" } },
        400,
        "invalid-request",
      ],
      [
        "number for a string",
        "/v1/units/hello.service",
        { json: { desiredState: 1 } },
        400,
        "invalid-request",
      ],
      [
        "bad name",
        "/v1/units/hello",
        { json: { desiredState: "loaded" } },
        400,
        "invalid-unit-name",
      ],
      [
        "text body",
        "/v1/units/hello.service",
        { body: "loaded", headers: { "content-type": "text/plain" } },
        415,
        "unsupported-media-type",
      ],
    ];
    for (const [label, path, options, status, kind] of cases) {
      const response = await http("PUT", `${server.url}${path}`, options);
      assert.equal(response.status, status, `${label}: ${response.text}`);
      assert.equal(response.json.type, `urn:flotilla:problem:${kind}`, label);
    }
    const hello = await http("GET", `${server.url}/v1/units/hello.service`);
    assert.equal(hello.json.desiredState, "inactive");
    const nginx = await http("GET", `${server.url}/v1/units/nginx@1.service`);
    assert.equal(nginx.status, 404);
    const template = await http("GET", `${server.url}/v1/units/apache@.service`);
    assert.equal(template.status, 400, "a template is a unit file, not a unit");
    assert.equal(template.json.type, "urn:flotilla:problem:template-not-loadable");
    assert.match(template.json.detail, /\/v1\/unit-files\/apache@\.service/);
    for (const [method, path] of [
      ["GET", "/v1/units/bad%20name.service"],
      ["DELETE", "/v1/units/bad%20name.service"],
      ["GET", "/v1/unit-files/no-suffix"],
      ["DELETE", "/v1/unit-files/no-suffix"],
    ]) {
      const response = await http(method as string, `${server.url}${path}`);
      assert.equal(response.status, 400, `${method} ${path}`);
      assert.equal(response.json.type, "urn:flotilla:problem:invalid-unit-name");
    }
    const badResume = await http("GET", `${server.url}/v1/events`, {
      headers: { "last-event-id": "yesterday" },
    });
    assert.equal(badResume.status, 400);
    const noRoute = await http("GET", `${server.url}/v1/nothing`);
    assert.equal(noRoute.status, 404);
    assert.equal(noRoute.json.type, "urn:flotilla:problem:not-found");
  });

  test("routing errors are problem documents: 405 with Allow, 414, 404", async () => {
    for (const method of ["TRACE", "QUERY", "POST", "PATCH"]) {
      const response = await http(method, `${server.url}/v1/units/hello.service`);
      assert.equal(response.status, 405, `${method}: ${response.text}`);
      assert.equal(response.json.type, "urn:flotilla:problem:method-not-allowed");
      assert.equal(response.headers.allow, "DELETE, GET, HEAD, PUT");
      assert.match(response.json.detail, /^\w+ is not allowed on \/v1\/units\/\{name\}/);
    }
    const trace = await http("TRACE", `${server.url}/healthz`);
    assert.equal(trace.status, 405);
    for (const name of ["a".repeat(1100), "%F0%9F%98%80".repeat(513)]) {
      const response = await http("GET", `${server.url}/v1/units/${name}`);
      assert.equal(response.status, 414, response.text);
      assert.equal(response.headers["content-type"], "application/problem+json; charset=utf-8");
      assert.equal(response.json.type, "urn:flotilla:problem:uri-too-long");
    }
    const fleet = await http("GET", `${server.url}/fleet/v1/units/${"a".repeat(1100)}`);
    assert.equal(fleet.status, 414);
    assert.deepEqual(fleet.json.error.code, 414);
    const noRoute = await http("TRACE", `${server.url}/v1/nothing`);
    assert.equal(noRoute.status, 404);
    assert.equal(noRoute.json.type, "urn:flotilla:problem:not-found");
  });

  test("destroying a unit removes it and its content when unused", async () => {
    const destroyed = await http("DELETE", `${server.url}/v1/units/hello.service`);
    assert.equal(destroyed.status, 204);
    assert.equal((await http("GET", `${server.url}/v1/units/hello.service`)).status, 404);
    assert.equal((await http("GET", `${server.url}/v1/unit-files/hello.service`)).status, 404);
    assert.equal((await http("DELETE", `${server.url}/v1/units/hello.service`)).status, 404);
    const hashes = [...server.controlPlane.view.unitTexts.keys()];
    const used = new Set([...server.controlPlane.view.units.values()].map((unit) => unit.hash));
    assert.deepEqual(
      hashes.filter((hash) => !used.has(hash)),
      [],
      "no orphaned unit text stays in etcd",
    );
  });

  test("units are paged in name order", async () => {
    for (let i = 0; i < 7; i++) {
      const response = await http(
        "PUT",
        `${server.url}/v1/units/apache-discovery@${9000 + i}.service`,
        {
          json: { desiredState: "loaded" },
        },
      );
      assert.equal(response.status, 201);
    }
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query = token ? `limit=3&pageToken=${token}` : "limit=3";
      const page = await http("GET", `${server.url}/v1/units?${query}`);
      assert.equal(page.status, 200, page.text);
      assert.ok(page.json.units.length <= 3);
      names.push(...page.json.units.map((unit: any) => unit.name));
      token = page.json.nextPageToken;
      pages++;
    } while (token);
    const all = await http("GET", `${server.url}/v1/units`);
    assert.deepEqual(
      names,
      all.json.units.map((unit: any) => unit.name),
    );
    assert.deepEqual(names, [...names].sort());
    assert.equal(pages, Math.ceil(names.length / 3));
    const bad = await http("GET", `${server.url}/v1/units?pageToken=***`);
    assert.equal(bad.status, 400);
    const badLimit = await http("GET", `${server.url}/v1/units?limit=0`);
    assert.equal(badLimit.status, 400);
  });
});
