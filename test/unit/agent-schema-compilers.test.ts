import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sharedSchemaCompilers } from "../../src/agent/schema-compilers.ts";

type Compile = (route: { schema: unknown; httpPart?: string; httpStatus?: string }) => unknown;
const options = { customOptions: { coerceTypes: false, allErrors: true } };
const build = (factory: unknown, externals: object): Compile =>
  (factory as (externals: object, options: object) => Compile)(externals, options);

describe("schema compilers shared by agent APIs", () => {
  const schema = () => ({
    type: "object",
    properties: { name: { type: "string" } },
    required: ["name"],
  });

  test("equal schemas of two instances get one validator, which still validates", () => {
    const first = build(sharedSchemaCompilers.buildValidator, {});
    const second = build(sharedSchemaCompilers.buildValidator, {});
    const validate = first({ schema: schema(), httpPart: "body" }) as (data: unknown) => boolean;
    assert.equal(second({ schema: schema(), httpPart: "body" }), validate);
    assert.equal(validate({ name: "a.service" }), true);
    assert.equal(validate({}), false);
  });

  test("a different schema, part or set of shared schemas gets its own", () => {
    const compile = build(sharedSchemaCompilers.buildValidator, {});
    const body = compile({ schema: schema(), httpPart: "body" });
    assert.notEqual(compile({ schema: { type: "string" }, httpPart: "body" }), body);
    assert.notEqual(compile({ schema: schema(), httpPart: "params" }), body);
    const withExternal = build(sharedSchemaCompilers.buildValidator, {
      Other: { $id: "Other", type: "string" },
    });
    assert.notEqual(withExternal({ schema: schema(), httpPart: "body" }), body);
  });

  test("serializers are shared per schema and status", () => {
    const first = build(sharedSchemaCompilers.buildSerializer, {});
    const second = build(sharedSchemaCompilers.buildSerializer, {});
    const serialize = first({ schema: schema(), httpStatus: "200" }) as (data: unknown) => string;
    assert.equal(second({ schema: schema(), httpStatus: "200" }), serialize);
    assert.notEqual(second({ schema: schema(), httpStatus: "201" }), serialize);
    assert.equal(serialize({ name: "a.service", extra: 1 }), '{"name":"a.service"}');
  });
});
