import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { rawEtcd } from "../support/etcd.ts";
import { http } from "../support/http.ts";
import { arbitraryOf } from "../support/schema-arbitrary.ts";
import { startServer, type TestServer } from "../support/server.ts";

interface Operation {
  method: string;
  path: string;
}

const document = JSON.parse(readFileSync("openapi/openapi.json", "utf8"));

/** Every operation in the committed OpenAPI document, event streams aside (they never end). */
function operations(): Operation[] {
  const found: Operation[] = [];
  for (const [path, methods] of Object.entries<Record<string, unknown>>(document.paths)) {
    for (const method of Object.keys(methods)) {
      if (path !== "/v1/events") found.push({ method: method.toUpperCase(), path });
    }
  }
  return found;
}

/**
 * The requests the document itself gives as examples: each operation with its parameters'
 * examples and each of its body examples, in every media type it takes.
 */
function documentedRequests(): Request[] {
  const found: Request[] = [];
  for (const { method, path } of operations()) {
    const operation = document.paths[path][method.toLowerCase()];
    const parameters: any[] = operation.parameters ?? [];
    const filled = path.replace(/\{([^}]+)\}/g, (_, name) => {
      const parameter = parameters.find((p) => p.in === "path" && p.name === name);
      return encodeURIComponent(parameter?.example ?? parameter?.schema?.examples?.[0] ?? "x");
    });
    const content = Object.entries<any>(operation.requestBody?.content ?? {});
    if (content.length === 0) found.push({ method, path: filled, contentType: "" });
    for (const [mediaType, media] of content) {
      const examples = [
        ...(media.example === undefined ? [] : [media.example]),
        ...(media.schema?.examples ?? []),
        ...(componentOf(media.schema)?.examples ?? []),
      ];
      for (const example of examples) {
        const body = typeof example === "string" ? example : JSON.stringify(example);
        found.push({ method, path: filled, contentType: mediaType, body });
      }
    }
  }
  return found;
}

function componentOf(schema: any): any {
  const name = typeof schema?.$ref === "string" ? schema.$ref.split("/").pop() : undefined;
  return name === undefined ? undefined : document.components.schemas[name];
}

const segment = fc.oneof(
  fc.constantFrom(
    "apache@80.service",
    "apache@.service",
    "a.service",
    "@x.service",
    "x",
    "",
    "%40",
    "%2F",
    "..",
    "a".repeat(300),
  ),
  fc.string({ maxLength: 40 }).map((text) => encodeURIComponent(text)),
);
const contentType = fc.constantFrom(
  "application/json",
  "text/plain",
  "application/merge-patch+json",
  "application/xml",
  "multipart/form-data",
  "",
);
const jsonish = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.constantFrom(
    '{"desiredState":"launched"}',
    '{"options":[{"section":"Service","name":"ExecStart","value":"/bin/true"}]}',
    '{"units":[]}',
    "[]",
    "null",
    "{",
  ),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    "[Service]\nExecStart=/bin/true\n",
    "[X-Fleet]\nMachineID=a\nGlobal=true\n",
    "[Unit\n",
    "\\\n\\",
  ),
);
const query = fc.oneof(
  fc.constant(""),
  fc.constantFrom(
    "?replace=true",
    "?force=yes",
    "?limit=0",
    "?limit=abc",
    "?pageToken=%%%",
    "?nextPageToken=ZAACAA==",
    "?x=1&x=2",
  ),
);

interface Request {
  method: string;
  path: string;
  contentType: string;
  body?: string;
}

/** Requests that are often valid, so that the random ones run against changing state. */
const plausible: fc.Arbitrary<Request> = fc.oneof(
  fc.record({
    method: fc.constant("PUT"),
    path: fc.constantFrom(
      "/v1/unit-files/a.service",
      "/v1/unit-files/b@.service",
      "/v1/unit-files/c.service?replace=true",
    ),
    contentType: fc.constant("text/plain"),
    body: fc.constantFrom(
      "[Service]\nExecStart=/bin/true\n",
      "[Service]\nExecStart=/bin/false\n[X-Fleet]\nConflicts=b@*.service\n",
    ),
  }),
  fc.record({
    method: fc.constant("PUT"),
    path: fc.constantFrom("/v1/units/a.service", "/v1/units/b@1.service", "/v1/units/b@2.service"),
    contentType: fc.constant("application/json"),
    body: fc.constantFrom(
      '{"desiredState":"loaded"}',
      '{"desiredState":"launched"}',
      '{"desiredState":"inactive"}',
    ),
  }),
  fc.record({
    method: fc.constant("DELETE"),
    path: fc.constantFrom(
      "/v1/units/a.service",
      "/v1/units/b@1.service",
      "/v1/unit-files/b@.service",
      "/fleet/v1/units/c.service",
    ),
    contentType: fc.constant(""),
  }),
);

describe("every route, fed generated bad input", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    await http("PUT", `${server.url}/v1/unit-files/apache@.service`, {
      body: "[Service]\nExecStart=/bin/sleep 1\n[X-Fleet]\nConflicts=apache@*.service\n",
      headers: { "content-type": "text/plain" },
    });
  });
  after(() => server.close());

  let accepted = 0;

  test("never answers 5xx and never crashes", async () => {
    const all = operations();
    assert.ok(all.length > 20);
    const random: fc.Arbitrary<Request> = fc
      .tuple(fc.constantFrom(...all), segment, query, contentType, jsonish)
      .map(([operation, name, search, type, body]) => ({
        method: operation.method,
        path: `${operation.path.replace(/\{[^}]+\}/g, name)}${search}`,
        contentType: type,
        body: operation.method === "GET" || operation.method === "DELETE" ? undefined : body,
      }));
    const examples = documentedRequests();
    assert.ok(examples.length >= all.length, "every operation has an example request");
    const request = fc.oneof(
      { arbitrary: random, weight: 4 },
      { arbitrary: plausible, weight: 1 },
      { arbitrary: fc.constantFrom(...examples), weight: 1 },
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, contentType: type, body }) => {
        const response = await http(method, `${server.url}${path}`, {
          ...(body === undefined ? {} : { body }),
          headers: body !== undefined && type ? { "content-type": type } : {},
        });
        if (method !== "GET" && response.status >= 200 && response.status < 300) accepted++;
        assert.ok(
          response.status < 500,
          `${method} ${path} (${type}) ${JSON.stringify(body)}: ${response.status} ${response.text.slice(0, 300)}`,
        );
      }),
      // A fixed seed: every run sends the same requests, so a failure is reproducible.
      { numRuns: 800, seed: 20261207 },
    );
    assert.equal((await http("GET", `${server.url}/healthz`)).status, 200);
    assert.ok(
      accepted > 0,
      "some generated writes were valid, so the etcd check below is not vacuous",
    );
  });

  test("requests valid by the document's schemas get documented answers, never a 5xx", async () => {
    // The contract check of the server (test/support/server.ts) holds every answer to the document.
    const requests = operations().map(({ method, path }) => {
      const operation = document.paths[path][method.toLowerCase()];
      const parameters: any[] = operation.parameters ?? [];
      const inPath = parameters.filter((parameter) => parameter.in === "path");
      const inQuery = parameters.filter(
        (parameter) => parameter.in === "query" && parameter.name !== "access_token",
      );
      const content = Object.entries<any>(operation.requestBody?.content ?? {});
      return fc.record({
        method: fc.constant(method),
        path: fc
          .tuple(
            fc.tuple(...inPath.map((parameter) => arbitraryOf(parameter.schema, document))),
            fc.record<Record<string, unknown>>(
              Object.fromEntries(
                inQuery.map((parameter) => [
                  parameter.name,
                  arbitraryOf(parameter.schema, document),
                ]),
              ),
              { requiredKeys: inQuery.filter((p) => p.required).map((p) => p.name) },
            ),
          )
          .map(([values, query]) => {
            let index = 0;
            const filled = path.replace(/\{[^}]+\}/g, () =>
              encodeURIComponent(String(values[index++])),
            );
            const search = new URLSearchParams(query as Record<string, string>).toString();
            return search === "" ? filled : `${filled}?${search}`;
          }),
        body:
          content.length === 0
            ? fc.constant(undefined)
            : fc.oneof(
                ...content.map(([mediaType, media]) =>
                  arbitraryOf(media.schema, document).map((value) => ({
                    mediaType,
                    text:
                      typeof value === "string" && !mediaType.includes("json")
                        ? value
                        : JSON.stringify(value),
                  })),
                ),
              ),
      });
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(...requests), async ({ method, path, body }) => {
        const response = await http(method, `${server.url}${path}`, {
          ...(body ? { body: body.text, headers: { "content-type": body.mediaType } } : {}),
        });
        assert.ok(
          response.status < 500,
          `${method} ${path} ${JSON.stringify(body)}: ${response.status} ${response.text.slice(0, 300)}`,
        );
      }),
      { numRuns: 400, seed: 20261207 },
    );
  });

  test("what was accepted is whole in etcd: no unit without content, no stray reference", async () => {
    const etcd = rawEtcd();
    try {
      const entries = await etcd.getAll().prefix(server.prefix).strings();
      const keys = Object.keys(entries).map((key) => key.slice(server.prefix.length));
      const units = keys.filter((key) => key.startsWith("units/"));
      assert.ok(units.length > 0 || accepted === 0, "accepted writes left units behind");
      for (const key of units) {
        const unit = JSON.parse(entries[server.prefix + key] as string);
        assert.ok(keys.includes(`unit-files/${unit.hash}`), `${key} has its content`);
        assert.ok(
          keys.includes(`unit-file-refs/${unit.hash}/${unit.name}`),
          `${key} has its reference`,
        );
      }
      for (const key of keys.filter((candidate) => candidate.startsWith("unit-file-refs/"))) {
        const [, hash, name = ""] = key.split("/");
        // A rollout keeps the contents it replaces and puts in, under a name no unit has.
        const owner = name.startsWith("rollout:")
          ? `rollouts/${name.slice("rollout:".length)}`
          : `units/${name}`;
        assert.ok(keys.includes(owner), `${key} belongs to a unit or a rollout`);
        assert.ok(keys.includes(`unit-files/${hash}`), `${key} has content`);
      }
    } finally {
      etcd.close();
    }
  });
});
