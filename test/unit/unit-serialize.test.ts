import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shortHash, unitHash } from "../../src/unit/hash.ts";
import type { UnitFile } from "../../src/unit/model.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { serializeUnitFile, serializeWithLines } from "../../src/unit/serialize.ts";
import { APACHE_TEMPLATE, DISCOVERY_TEMPLATE } from "./unit-fixtures.ts";

function fileOf(text: string): UnitFile {
  const result = parseUnitFile(text);
  assert.ok(result.ok, JSON.stringify(result));
  return result.file;
}

describe("serializeUnitFile", () => {
  test("groups sections in order of first appearance, one blank line between, final newline", () => {
    const file: UnitFile = {
      options: [
        { section: "Unit", name: "Description", value: "Foo" },
        { section: "Service", name: "ExecStart", value: "X" },
        { section: "Unit", name: "BindsTo", value: "b" },
      ],
    };
    assert.equal(
      serializeUnitFile(file),
      "[Unit]\nDescription=Foo\nBindsTo=b\n\n[Service]\nExecStart=X\n",
    );
  });

  test("no options serialize to the empty string", () => {
    assert.equal(serializeUnitFile({ options: [] }), "");
  });

  test("empty values are written as Key=", () => {
    const file = fileOf("[Service]\nExecStartPre=\n");
    assert.equal(serializeUnitFile(file), "[Service]\nExecStartPre=\n");
  });

  test("the spec files are already canonical", () => {
    assert.equal(serializeUnitFile(fileOf(APACHE_TEMPLATE)), APACHE_TEMPLATE);
    assert.equal(serializeUnitFile(fileOf(DISCOVERY_TEMPLATE)), DISCOVERY_TEMPLATE);
  });

  test("comments, spacing and continuations are normalised away", () => {
    const text = "# c\n[Unit]\n  Description = a \\\n b\n\n\n[Service]\nExecStart=/bin/true\n";
    assert.equal(
      serializeUnitFile(fileOf(text)),
      "[Unit]\nDescription=a   b\n\n[Service]\nExecStart=/bin/true\n",
    );
  });

  test("a value ending in an odd run of backslashes gets one blank so it does not continue", () => {
    const file: UnitFile = { options: [{ section: "A", name: "k", value: "x\\" }] };
    const text = serializeUnitFile(file);
    assert.equal(text, "[A]\nk=x\\ \n");
    assert.deepEqual(fileOf(text), file);
    const even: UnitFile = { options: [{ section: "A", name: "k", value: "x\\\\" }] };
    assert.equal(serializeUnitFile(even), "[A]\nk=x\\\\\n");
    assert.deepEqual(fileOf(serializeUnitFile(even)), even);
    const lone: UnitFile = {
      options: [
        { section: "A", name: "k", value: "\\" },
        { section: "A", name: "j", value: "1" },
      ],
    };
    assert.deepEqual(fileOf(serializeUnitFile(lone)), lone);
  });

  test("serializeWithLines gives each option's line in the canonical text", () => {
    const file: UnitFile = {
      options: [
        { section: "Unit", name: "A", value: "1" },
        { section: "Service", name: "B", value: "2" },
        { section: "Unit", name: "C", value: "3" },
      ],
    };
    const { text, lines } = serializeWithLines(file);
    assert.equal(text, "[Unit]\nA=1\nC=3\n\n[Service]\nB=2\n");
    assert.deepEqual(lines, [2, 6, 3]);
  });
});

describe("unitHash", () => {
  test("fleet's test vector", () => {
    const hash = unitHash(fileOf("[Service]\nExecStart=/bin/sleep 100\n"));
    assert.equal(hash, "1c6fb6f3684bafb0c173d8b8b957ceff031180c1");
    assert.equal(shortHash(hash), "1c6fb6f");
  });

  test("the empty file hashes the empty string", () => {
    assert.equal(unitHash({ options: [] }), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  });

  test("comments, blank lines, spacing and split sections do not change the hash", () => {
    const plain = unitHash(fileOf("[Unit]\nA=1\nB=2\n\n[Service]\nC=3\n"));
    assert.equal(unitHash(fileOf("# x\n[Unit]\n A = 1 \n[Service]\nC=3\n[Unit]\nB=2\n\n")), plain);
  });

  test("order within a section and section order do change it", () => {
    const a = unitHash(fileOf("[Unit]\nA=1\nB=2\n"));
    assert.notEqual(unitHash(fileOf("[Unit]\nB=2\nA=1\n")), a);
    assert.notEqual(
      unitHash(fileOf("[A]\nk=1\n[B]\nk=1\n")),
      unitHash(fileOf("[B]\nk=1\n[A]\nk=1\n")),
    );
  });

  test("the hash is 40 lowercase hex digits of the UTF-8 bytes", () => {
    const hash = unitHash(fileOf("[Unit]\nDescription=café ☃\n"));
    assert.match(hash, /^[0-9a-f]{40}$/);
  });
});
