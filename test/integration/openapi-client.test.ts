import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import openapiTS, { astToString } from "openapi-typescript";
import { createApiClient } from "../../src/client/api.ts";
import { http } from "../support/http.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { specUnit } from "../support/spec.ts";

describe("the OpenAPI document and the client generated from it", () => {
  let server: TestServer;
  let workDir: string;
  before(async () => {
    server = await startServer();
    workDir = await mkdtemp(join(tmpdir(), "flotilla-openapi-"));
  });
  after(async () => {
    await server.close();
    await rm(workDir, { recursive: true, force: true });
  });

  test("the server serves the committed document", async () => {
    const served = await http("GET", `${server.url}/openapi.json`);
    const committed = JSON.parse(await readFile("openapi/openapi.json", "utf8"));
    assert.deepEqual(served.json, committed);
    assert.equal(committed.openapi, "3.1.0");
    for (const [path, operations] of Object.entries<any>(committed.paths)) {
      for (const [method, operation] of Object.entries<any>(operations)) {
        assert.ok(operation.operationId, `${method} ${path} has an operationId`);
        assert.ok(operation.summary, `${method} ${path} has a summary`);
      }
    }
    assert.ok(!JSON.stringify(committed).includes("def-"), "components are named, not def-N");
    assert.deepEqual(committed.components.securitySchemes.bearerAuth, {
      type: "http",
      scheme: "bearer",
      description: "A Flotilla API token",
    });
  });

  test("the committed client types are what openapi-typescript generates from the document", async () => {
    const document = JSON.parse(await readFile("openapi/openapi.json", "utf8"));
    const generated = astToString(await openapiTS(document, { alphabetize: true }));
    const committed = await readFile("src/client/openapi.ts", "utf8");
    assert.ok(committed.endsWith(generated), "src/client/openapi.ts is stale: run npm run openapi");
  });

  test("the typed client drives the live API", async () => {
    const client = createApiClient({ endpoint: server.url });
    const submitted = await client.PUT("/v1/unit-files/{name}", {
      params: { path: { name: "apache@.service" } },
      body: specUnit("apache@.service"),
      bodySerializer: (body) => body,
      headers: { "content-type": "text/plain" },
    });
    assert.equal(submitted.response.status, 201);
    assert.equal(submitted.data?.kind, "template");

    const loaded = await client.PUT("/v1/units/{name}", {
      params: { path: { name: "apache@80.service" } },
      body: { desiredState: "loaded" },
    });
    assert.equal(loaded.response.status, 201);
    assert.equal(loaded.data?.desiredState, "loaded");
    assert.equal(loaded.data?.currentState, "inactive");

    const listed = await client.GET("/v1/units", { params: { query: { limit: "10" } } });
    assert.deepEqual(
      listed.data?.units.map((unit) => [unit.name, unit.desiredState]),
      [["apache@80.service", "loaded"]],
    );

    const missing = await client.GET("/v1/units/{name}", {
      params: { path: { name: "nothing.service" } },
    });
    assert.equal(missing.response.status, 404);
    assert.equal(missing.error?.type, "urn:flotilla:problem:unit-not-found");

    const fleet = await client.GET("/fleet/v1/units");
    assert.deepEqual(
      fleet.data?.units?.map((unit) => unit.name),
      ["apache@.service", "apache@80.service"],
    );
  });
});
