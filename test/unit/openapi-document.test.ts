// The committed OpenAPI document holds to what client generators need: named, simple
// schemas, examples that are true to them, and one error format per API.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { problemKinds } from "../../src/server/problems.ts";

type Json = Record<string, any>;

const document = JSON.parse(
  readFileSync(join(import.meta.dirname, "..", "..", "openapi", "openapi.json"), "utf8"),
) as Json;

interface Operation {
  method: string;
  path: string;
  operation: Json;
}

const operations: Operation[] = Object.entries<Json>(document.paths).flatMap(([path, item]) =>
  Object.entries<Json>(item).map(([method, operation]) => ({ method, path, operation })),
);

/** Every media type entry of every body, request or response. */
function bodies(): { where: string; status?: string; mediaType: string; media: Json }[] {
  return operations.flatMap(({ method, path, operation }) => [
    ...Object.entries<Json>(operation.requestBody?.content ?? {}).map(([mediaType, media]) => ({
      where: `${method.toUpperCase()} ${path} request`,
      mediaType,
      media,
    })),
    ...Object.entries<Json>(operation.responses).flatMap(([status, response]) =>
      Object.entries<Json>(response.content ?? {}).map(([mediaType, media]) => ({
        where: `${method.toUpperCase()} ${path} ${status}`,
        status,
        mediaType,
        media,
      })),
    ),
  ]);
}

function componentOf(schema: Json): string | undefined {
  return typeof schema?.$ref === "string"
    ? schema.$ref.replace("#/components/schemas/", "")
    : undefined;
}

describe("the OpenAPI document", () => {
  test("every operation has a unique operationId and a declared tag", () => {
    const declared = new Set(document.tags.map((tag: Json) => tag.name));
    const ids = operations.map(({ operation }) => operation.operationId);
    assert.equal(new Set(ids).size, ids.length, "operationIds are unique");
    for (const { method, path, operation } of operations) {
      assert.ok(operation.operationId, `${method} ${path} has an operationId`);
      assert.ok(operation.tags?.length > 0, `${method} ${path} has a tag`);
      for (const tag of operation.tags) assert.ok(declared.has(tag), `${tag} is declared`);
    }
  });

  test("no schema is a union of single values: those are plain enums", () => {
    const visit = (schema: unknown, at: string): void => {
      if (schema === null || typeof schema !== "object") return;
      const object = schema as Json;
      for (const keyword of ["anyOf", "oneOf"]) {
        const branches = object[keyword] as Json[] | undefined;
        if (!branches) continue;
        const single = branches.every(
          (branch) => "const" in branch || (Array.isArray(branch.enum) && branch.enum.length === 1),
        );
        assert.ok(!single, `${at} is an ${keyword} of single values`);
      }
      for (const [key, value] of Object.entries(object)) visit(value, `${at}/${key}`);
    };
    visit(document, "#");
  });

  test("every JSON body is a named component; text bodies are plain strings", () => {
    for (const { where, mediaType, media } of bodies()) {
      if (mediaType.startsWith("text/")) {
        assert.equal(media.schema?.type, "string", `${where} ${mediaType}`);
      } else {
        assert.ok(componentOf(media.schema), `${where} ${mediaType} names a component`);
      }
    }
  });

  test("every body has an example, and every example is valid by its schema", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema(document, "openapi");
    for (const [name, schema] of Object.entries<Json>(document.components.schemas)) {
      assert.ok(schema.examples?.length > 0, `${name} has examples`);
      const validate = ajv.compile({ $ref: `openapi#/components/schemas/${name}` });
      for (const example of schema.examples) {
        assert.ok(validate(example), `${name}'s example: ${ajv.errorsText(validate.errors)}`);
      }
    }
    for (const { where, mediaType, media } of bodies()) {
      if (componentOf(media.schema)) continue;
      assert.ok(
        media.example !== undefined || media.schema?.examples?.length > 0,
        `${where} ${mediaType} has an example`,
      );
    }
  });

  test("errors are problem documents on /v1 and fleet's error entity on /fleet/v1", () => {
    for (const { where, status, mediaType, media } of bodies()) {
      if (status === undefined || Number(status) < 400) continue;
      if (where === "GET /readyz 503") continue; // a health document, for probes
      const fleet = where.includes(" /fleet/v1");
      assert.equal(
        mediaType,
        fleet ? "application/json" : "application/problem+json",
        `${where} media type`,
      );
      assert.equal(componentOf(media.schema), fleet ? "FleetError" : "Problem", where);
    }
  });

  test("the Problem schema lists every kind of problem with its status", () => {
    const listed: string = document.components.schemas.Problem.properties.type.description;
    const byStatus = new Map<number, string[]>();
    for (const [kind, { status }] of Object.entries(problemKinds)) {
      byStatus.set(status, [...(byStatus.get(status) ?? []), kind]);
    }
    for (const [status, kinds] of byStatus) {
      assert.ok(listed.includes(`${kinds.join(", ")} (${status})`), `${kinds} (${status})`);
    }
  });

  test("every operation documents the answers of authentication and rate limits", () => {
    for (const { method, path, operation } of operations) {
      const statuses = Object.keys(operation.responses);
      const public_ = path === "/healthz" || path === "/readyz";
      for (const status of public_ ? ["429"] : ["401", "403", "429"]) {
        assert.ok(statuses.includes(status), `${method.toUpperCase()} ${path} documents ${status}`);
      }
      assert.ok(operation.responses["429"].headers?.["retry-after"], `${path} 429 Retry-After`);
    }
  });
});
