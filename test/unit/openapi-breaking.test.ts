import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { allowsBreakingChanges, breakingChanges } from "../../scripts/lib/openapi-breaking.ts";

type Json = Record<string, any>;

/** A document with one operation, PUT /v1/units/{name}, and a Unit component. */
function document(change: (doc: Json) => void = () => {}): Json {
  const doc: Json = {
    openapi: "3.1.0",
    info: { version: "0.2.0" },
    paths: {
      "/v1/units/{name}": {
        put: {
          parameters: [
            {
              in: "path",
              name: "name",
              required: true,
              schema: { type: "string", maxLength: 256 },
            },
            { in: "query", name: "force", schema: { type: "string", enum: ["true", "false"] } },
          ],
          requestBody: {
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: { desiredState: { type: "string", enum: ["loaded", "launched"] } },
                  additionalProperties: false,
                },
              },
            },
          },
          responses: {
            200: {
              content: { "application/json": { schema: { $ref: "#/components/schemas/Unit" } } },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        Unit: {
          type: "object",
          required: ["name", "state"],
          properties: {
            name: { type: "string" },
            state: { type: "string", enum: ["inactive", "launched"] },
            note: { type: "string" },
          },
        },
      },
    },
  };
  change(doc);
  return doc;
}

const put = (doc: Json) => doc.paths["/v1/units/{name}"].put;
const body = (doc: Json) => put(doc).requestBody.content["application/json"].schema;

describe("breaking changes between two API documents", () => {
  test("the same document, and compatible growth, break nothing", () => {
    assert.deepEqual(breakingChanges(document(), document()), []);
    const grown = document((doc) => {
      doc.paths["/v1/machines"] = { get: { responses: {} } };
      body(doc).properties.desiredState.enum.push("inactive");
      doc.components.schemas.Unit.properties.extra = { type: "string" };
      doc.components.schemas.Unit.required.push("note");
      put(doc).parameters[0].schema.maxLength = 512;
      put(doc).parameters.push({ in: "query", name: "dryRun", schema: { type: "string" } });
    });
    assert.deepEqual(breakingChanges(document(), grown), []);
  });

  test("what a generated client relied on is reported", () => {
    const cases: [string, (doc: Json) => void, RegExp][] = [
      [
        "removed operation",
        (doc) => delete doc.paths["/v1/units/{name}"].put,
        /operation was removed/,
      ],
      [
        "tighter limit",
        (doc) => (put(doc).parameters[0].schema.maxLength = 100),
        /maxLength 256 became 100/,
      ],
      [
        "new pattern",
        (doc) => (put(doc).parameters[0].schema.pattern = "^a"),
        /pattern none became/,
      ],
      [
        "removed parameter",
        (doc) => put(doc).parameters.pop(),
        /parameter query force was removed/,
      ],
      [
        "new required parameter",
        (doc) => put(doc).parameters.push({ in: "query", name: "x", required: true }),
        /query x became required/,
      ],
      [
        "fewer request values",
        (doc) => body(doc).properties.desiredState.enum.pop(),
        /accepts fewer values/,
      ],
      [
        "new required field",
        (doc) => (body(doc).required = ["desiredState"]),
        /desiredState became required/,
      ],
      [
        "removed media type",
        (doc) => (put(doc).requestBody.content = { "text/plain": { schema: { type: "string" } } }),
        /no longer takes application\/json/,
      ],
      [
        "removed success status",
        (doc) => delete put(doc).responses[200],
        /200 is no longer answered/,
      ],
      [
        "a response field no longer sent",
        (doc) => (doc.components.schemas.Unit.required = ["name"]),
        /state is no longer always sent/,
      ],
      [
        "a removed response field",
        (doc) => delete doc.components.schemas.Unit.properties.note,
        /property note was removed/,
      ],
      [
        "a new response value",
        (doc) => doc.components.schemas.Unit.properties.state.enum.push("failed"),
        /values clients do not know/,
      ],
      [
        "another type",
        (doc) => (doc.components.schemas.Unit.properties.name = { type: "integer" }),
        /type "string" became "integer"/,
      ],
    ];
    for (const [label, change, expected] of cases) {
      const found = breakingChanges(document(), document(change));
      assert.ok(
        found.some((line) => expected.test(line)),
        `${label}: ${found.join("; ")}`,
      );
    }
  });

  test("a breaking change needs a new major version, or a new minor one before 1.0", () => {
    assert.equal(allowsBreakingChanges("0.2.0", "0.2.1"), false);
    assert.equal(allowsBreakingChanges("0.2.0", "0.3.0"), true);
    assert.equal(allowsBreakingChanges("1.4.0", "1.5.0"), false);
    assert.equal(allowsBreakingChanges("1.4.0", "2.0.0"), true);
    assert.equal(allowsBreakingChanges("1.4.0", "0.9.0"), false);
  });
});
