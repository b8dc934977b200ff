import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { UnitFile } from "../../src/unit/model.ts";
import { lastOptionValue, optionValues } from "../../src/unit/options.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { APACHE_TEMPLATE } from "./unit-fixtures.ts";

function fileOf(text: string): UnitFile {
  const result = parseUnitFile(text);
  assert.ok(result.ok);
  return result.file;
}

describe("optionValues", () => {
  test("all values of a key in order", () => {
    assert.deepEqual(optionValues(fileOf(APACHE_TEMPLATE), "Service", "ExecStartPre"), [
      "-/usr/bin/docker kill apache%i",
      "-/usr/bin/docker rm apache%i",
      "/usr/bin/docker pull user_name/apache",
    ]);
    assert.deepEqual(optionValues(fileOf(APACHE_TEMPLATE), "Unit", "After"), [
      "etcd.service",
      "docker.service",
    ]);
  });

  test("an empty assignment resets the list so far", () => {
    const file = fileOf(
      "[Service]\nExecStartPre=a\nExecStartPre=b\nExecStartPre=\nExecStartPre=c\n",
    );
    assert.deepEqual(optionValues(file, "Service", "ExecStartPre"), ["c"]);
    assert.deepEqual(
      optionValues(fileOf("[Service]\nExecStartPre=a\nExecStartPre=\n"), "Service", "ExecStartPre"),
      [],
    );
  });

  test("section and key must both match, case-sensitively", () => {
    const file = fileOf("[Unit]\nAfter=a\n[Service]\nAfter=b\nafter=c\n");
    assert.deepEqual(optionValues(file, "Unit", "After"), ["a"]);
    assert.deepEqual(optionValues(file, "Install", "After"), []);
  });
});

describe("lastOptionValue", () => {
  test("the last assignment wins", () => {
    const file = fileOf("[Service]\nRestart=no\nRestart=always\n");
    assert.equal(lastOptionValue(file, "Service", "Restart"), "always");
  });

  test("undefined when unset or reset by an empty last assignment", () => {
    const file = fileOf("[Service]\nRestart=always\nRestart=\nType=simple\n");
    assert.equal(lastOptionValue(file, "Service", "Restart"), undefined);
    assert.equal(lastOptionValue(file, "Service", "KillMode"), undefined);
    assert.equal(lastOptionValue(file, "Service", "Type"), "simple");
  });

  test("the spec file's settings", () => {
    const file = fileOf(APACHE_TEMPLATE);
    assert.equal(lastOptionValue(file, "Service", "TimeoutStartSec"), "0");
    assert.equal(lastOptionValue(file, "Service", "KillMode"), "none");
  });
});
