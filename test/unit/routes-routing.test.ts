// Flotilla's own API around its operations, in process: methods a path does not take (405
// with Allow), paths that are no route (404), targets that are no URL (400), and HEAD of a
// GET. All are problem documents; fleet's prefix has its own (routes-fleet-routing).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type InjectApp, injectApp } from "../support/inject-app.ts";
import { assertProblem } from "../support/problem.ts";

describe("routing of /v1", () => {
  let api: InjectApp;
  before(async () => {
    api = await injectApp();
    await api.submit("hello.service", "[Service]\nExecStart=/bin/true\n");
  });
  after(() => api.close());

  test("a method a path does not take: 405 with Allow, before any body is read", async () => {
    for (const method of ["TRACE", "QUERY", "POST", "PATCH"]) {
      const response = await api.request(method, "/v1/units/hello.service");
      assertProblem(response, 405, "method-not-allowed", {
        instance: "/v1/units/hello.service",
        detail: `${method} is not allowed on /v1/units/{name}; it takes DELETE, GET, HEAD, PUT`,
      });
      assert.equal(response.headers.allow, "DELETE, GET, HEAD, PUT");
    }
    const cases = [
      ["DELETE", "/v1/units", "GET, HEAD"],
      ["GET", "/v1/plan", "POST"],
      ["PUT", "/v1/machines/m1/metadata", "PATCH"],
      ["TRACE", "/healthz", "GET, HEAD"],
    ] as const;
    for (const [method, path, allow] of cases) {
      const response = await api.request(method, path, {
        body: "{",
        headers: { "content-type": "application/json" },
      });
      assert.equal(response.status, 405, `${method} ${path}: ${response.text}`);
      assert.equal(response.json.type, "urn:flotilla:problem:method-not-allowed");
      assert.equal(response.headers.allow, allow, `${method} ${path}`);
    }
  });

  test("a path that is no route: 404 not-found, whatever the method; an empty name: 400", async () => {
    for (const method of ["GET", "TRACE", "DELETE"]) {
      assertProblem(await api.request(method, "/v1/nothing?x=1"), 404, "not-found", {
        instance: "/v1/nothing?x=1",
        detail: `no route for ${method} /v1/nothing`,
      });
    }
    // A trailing slash is the item route with an empty name.
    for (const path of ["/v1/units/", "/v1/unit-files/"]) {
      assertProblem(await api.request("GET", path), 400, "invalid-unit-name", {
        instance: path,
        detail: "unit name cannot be empty",
      });
    }
  });

  test("a target that is not a valid URL: 400", async () => {
    assertProblem(await api.request("GET", "/v1/units/%E0%A4%A"), 400, "invalid-request", {
      instance: "/v1/units/%E0%A4%A",
      detail: "the path is not a valid URL",
    });
  });

  test("HEAD of a GET answers its headers and no body", async () => {
    const head = await api.request("HEAD", "/v1/units/hello.service");
    assert.equal(head.status, 200);
    assert.equal(head.headers["content-type"], "application/json; charset=utf-8");
    assert.equal(head.text, "");
  });
});
