import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { checkUnitFile } from "../../src/unit/validate.ts";
import { APACHE_TEMPLATE, DISCOVERY_TEMPLATE, SPEC_FILES } from "./unit-fixtures.ts";

const EXAMPLES = new URL("../../examples/", import.meta.url);

describe("the tutorial's unit files", () => {
  test("the embedded copies match the files the repository ships", () => {
    for (const [name, text] of Object.entries(SPEC_FILES)) {
      assert.equal(readFileSync(new URL(name, EXAMPLES), "utf8"), text, name);
    }
  });

  for (const [name, text] of Object.entries(SPEC_FILES)) {
    for (const unitName of [name, name.replace("@", "@80"), name.replace("@", "@9999")]) {
      test(`${name} checks clean as ${unitName}`, () => {
        const result = checkUnitFile(text, unitName);
        assert.ok(result.ok, JSON.stringify(result));
        assert.deepEqual(result.check.errors, []);
        assert.deepEqual(result.check.warnings, []);
        // Already canonical text, so fleet's hash is the SHA-1 of the file itself.
        assert.equal(result.hash, createHash("sha1").update(text).digest("hex"));
      });
    }
  }

  test("apache@80.service conflicts with every apache instance", () => {
    const result = checkUnitFile(APACHE_TEMPLATE, "apache@80.service");
    assert.ok(result.ok);
    assert.deepEqual(result.check.requirements, {
      machineOf: [],
      conflicts: ["apache@*.service"],
      metadata: [],
      global: false,
      replaces: [],
    });
  });

  test("apache-discovery@80.service follows apache@80.service", () => {
    const result = checkUnitFile(DISCOVERY_TEMPLATE, "apache-discovery@80.service");
    assert.ok(result.ok);
    assert.deepEqual(result.check.requirements, {
      machineOf: ["apache@80.service"],
      conflicts: [],
      metadata: [],
      global: false,
      replaces: [],
    });
  });

  test("an instance has the same hash as its template", () => {
    const template = checkUnitFile(APACHE_TEMPLATE, "apache@.service");
    const instance = checkUnitFile(APACHE_TEMPLATE, "apache@9999.service");
    assert.ok(template.ok && instance.ok);
    assert.equal(template.hash, instance.hash);
  });
});
