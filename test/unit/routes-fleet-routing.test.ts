// fleet's API around its resources, in process: the discovery document, wrong methods (405
// with Allow), unknown paths (404 with no message), which bodies are read, and the same API
// under fleet's earliest prefix, /v1-alpha.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertBare, assertFleetError } from "../support/fleet-answers.ts";
import {
  FLEETCTL_HEADERS,
  fleetctl,
  fleetctlSubmit,
  fleetUrl,
  GOODBYE,
} from "../support/fleet-client.ts";
import { type InjectApp, injectApp } from "../support/inject-app.ts";
import { assertRouteCoverage } from "../support/route-coverage.ts";

const MACHINE = "3333333333333333333333333333333c";

describe("fleet's API: discovery, methods and paths", () => {
  let api: InjectApp;
  before(async () => {
    api = await injectApp();
    await fleetctlSubmit(api, "hello.service", GOODBYE);
    await api.announceMachine(MACHINE, { metadata: { tier: "gold" } });
  });
  after(() => api.close());

  test("GET /discovery: fleet's discovery document", async () => {
    const response = await fleetctl(api, "GET", "/discovery");
    assert.equal(response.status, 200);
    assert.equal(response.headers["content-type"], "application/json");
    assert.equal(response.json.kind, "discovery#restDescription");
    assert.equal(response.json.id, "fleet:v1");
    assert.equal(response.json.name, "schema");
    assert.equal(response.json.version, "v1");
    assert.equal(response.json.basePath, "/fleet/v1/");
    assert.equal(response.json.servicePath, "fleet/v1/");
    assert.deepEqual(Object.keys(response.json.schemas).sort(), [
      "Machine",
      "MachinePage",
      "Unit",
      "UnitOption",
      "UnitPage",
      "UnitState",
      "UnitStatePage",
    ]);
    assert.deepEqual(Object.keys(response.json.resources.Units.methods).sort(), [
      "Delete",
      "Get",
      "List",
      "Set",
    ]);
  });

  test("wrong methods: 405 with fleet's messages and an Allow header", async () => {
    const cases: [string, string, string, string][] = [
      ["POST", "/units", "only GET supported against this resource", "GET"],
      ["PUT", "/units", "only GET supported against this resource", "GET"],
      ["DELETE", "/units", "only GET supported against this resource", "GET"],
      [
        "POST",
        "/units/hello.service",
        "only GET, PUT and DELETE supported against this resource",
        "GET, PUT, DELETE",
      ],
      [
        "PATCH",
        "/units/hello.service",
        "only GET, PUT and DELETE supported against this resource",
        "GET, PUT, DELETE",
      ],
      ["POST", "/state", "only GET supported against this resource", "GET"],
      ["DELETE", "/state/hello.service", "only GET supported against this resource", "GET"],
      ["POST", "/machines", "only GET and PATCH supported against this resource", "GET, PATCH"],
      ["PUT", "/machines", "only GET and PATCH supported against this resource", "GET, PATCH"],
      ["DELETE", "/machines", "only GET and PATCH supported against this resource", "GET, PATCH"],
    ];
    for (const [method, path, message, allow] of cases) {
      const response = await api.request(method, fleetUrl(path), {
        headers: FLEETCTL_HEADERS,
        ...(method === "GET" || method === "DELETE" ? {} : { body: "{}" }),
      });
      assertFleetError(response, 405, message);
      // fleet sent no Allow; HTTP asks for one, and fleetctl ignores it.
      assert.equal(response.headers.allow, allow, `${method} ${path}`);
    }
  });

  test("non-GET on /discovery: 405 with Allow (fleet answered 400)", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "TRACE"]) {
      const response = await api.request(method, fleetUrl("/discovery"), {
        ...(method === "DELETE" || method === "TRACE" ? {} : { body: "{}" }),
      });
      assertFleetError(response, 405, "only HTTP GET supported against this resource");
      assert.equal(response.headers.allow, "GET");
    }
  });

  test("HEAD is a method like any other: 405", async () => {
    for (const path of [
      "/discovery",
      "/units",
      "/units/hello.service",
      "/state",
      "/state/x.service",
      "/machines",
    ]) {
      const response = await api.request("HEAD", fleetUrl(path));
      assert.equal(response.status, 405, path);
    }
  });

  test("the prefix itself is 405; unknown paths and trailing slashes are 404 with no message", async () => {
    assertFleetError(await api.request("GET", "/fleet/v1"), 405, "");
    assertFleetError(await api.request("POST", "/fleet/v1", { body: "" }), 405, "");
    for (const path of [
      "/",
      "/units/",
      "/state/",
      "/machines/",
      "/machines/x",
      "/discovery/",
      "/units/a/b",
      "/units/a%2Fb",
      "/nothing",
    ]) {
      for (const method of ["GET", "PUT", "POST", "DELETE"]) {
        const response = await api.request(method, fleetUrl(path), {
          headers: { ...FLEETCTL_HEADERS, "content-type": "application/json" },
          ...(method === "GET" || method === "DELETE" ? {} : { body: "{}" }),
        });
        assertFleetError(response, 404, "");
      }
    }
  });

  test("bodies are read only where fleet read them", async () => {
    await fleetctlSubmit(api, "body-ignored.service", GOODBYE);
    const get = await api.request("GET", fleetUrl("/units/body-ignored.service"), {
      headers: { "content-type": "application/json" },
    });
    assert.equal(get.status, 200, get.text);
    assertBare(
      await api.request("DELETE", fleetUrl("/units/body-ignored.service"), {
        headers: { "content-type": "application/json" },
        body: "",
      }),
      204,
    );
    assertFleetError(
      await api.request("DELETE", fleetUrl("/units/body-ignored.service"), {
        headers: { "content-type": "application/json" },
        body: "{not json",
      }),
      404,
      "unit does not exist",
    );
  });

  test("/v1-alpha serves the same resources as /fleet/v1", async () => {
    const alpha = (method: string, path: string, body?: unknown) =>
      fleetctl(api, method, path, body, "/v1-alpha");
    for (const path of ["/units", "/units/hello.service", "/state", "/machines"]) {
      const [a, b] = [await alpha("GET", path), await fleetctl(api, "GET", path)];
      assert.equal(a.status, 200, path);
      assert.equal(a.text, b.text, path);
    }
    assertFleetError(await alpha("GET", "/units/nope.service"), 404, "unit does not exist");
    assertBare(await alpha("PUT", "/units/alpha.service", { options: GOODBYE }), 201);
    assertBare(await alpha("PUT", "/units/alpha.service", { desiredState: "loaded" }), 204);
    assert.equal((await fleetctl(api, "GET", "/units/alpha.service")).json.desiredState, "loaded");
    assertBare(await alpha("DELETE", "/units/alpha.service"), 204);
    assertFleetError(
      await alpha("POST", "/units", {}),
      405,
      "only GET supported against this resource",
    );
    assertFleetError(await api.request("GET", "/v1-alpha/units/"), 404, "");
    assertFleetError(await api.request("GET", "/v1-alpha"), 405, "");
    assertFleetError(
      await api.request("POST", "/v1-alpha/discovery", { body: "" }),
      405,
      "only HTTP GET supported against this resource",
    );
    const discovery = await alpha("GET", "/discovery");
    assert.equal(discovery.json.id, "fleet:v1");
    assert.equal(discovery.json.basePath, "/v1-alpha/");
    const patched = await api.request("PATCH", "/v1-alpha/machines", {
      json: [{ op: "remove", path: `/${MACHINE}/metadata/tier` }],
    });
    assert.equal(patched.status, 204);
    assert.equal((await alpha("GET", "/machines")).json.machines[0].metadata, undefined);
    assertFleetError(
      await api.request("PATCH", "/v1-alpha/machines", { json: [{ op: "x" }] }),
      400,
      "invalid op: expect add, remove, or replace",
    );
    assertFleetError(
      await alpha("GET", "/units?nextPageToken=ZAAAAA%3D%3D"),
      400,
      "token page must be greater than zero",
    );
  });
});

test("every operation and status route-coverage.ts gives this file was answered", () =>
  assertRouteCoverage("fleet-routing"));
