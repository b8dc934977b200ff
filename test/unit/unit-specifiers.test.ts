import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { expandSpecifiers } from "../../src/unit/specifiers.ts";

const ALL = "%n|%N|%p|%P|%i|%I|%j|%J|%f";

function expand(unitName: string, value = ALL): string[] {
  return expandSpecifiers(value, { unitName }).split("|");
}

describe("expandSpecifiers", () => {
  test("an instance", () => {
    assert.deepEqual(expand("apache@80.service"), [
      "apache@80.service",
      "apache@80",
      "apache",
      "apache",
      "80",
      "80",
      "apache",
      "apache",
      "/80",
    ]);
  });

  test("a plain unit: %p is the name without suffix, %i is empty, %f is the prefix as a path", () => {
    assert.deepEqual(expand("dev-sda1.device"), [
      "dev-sda1.device",
      "dev-sda1",
      "dev-sda1",
      "dev/sda1",
      "",
      "",
      "sda1",
      "sda1",
      "/dev/sda1",
    ]);
  });

  test("a template", () => {
    assert.deepEqual(expand("apache@.service").slice(0, 5), [
      "apache@.service",
      "apache@",
      "apache",
      "apache",
      "",
    ]);
  });

  test("unescaped forms turn '-' into '/' and \\xNN into bytes, read as UTF-8", () => {
    assert.deepEqual(expand("foo-bar@a-b\\x2dc.service", "%p|%P|%i|%I|%f|%j|%J"), [
      "foo-bar",
      "foo/bar",
      "a-b\\x2dc",
      "a/b-c",
      "/a/b-c",
      "bar",
      "bar",
    ]);
    assert.equal(expandSpecifiers("%I", { unitName: "x@caf\\xc3\\xa9.service" }), "café");
    assert.equal(expandSpecifiers("%I", { unitName: "x@a\\x2Fb.service" }), "a/b");
  });

  test("a malformed escape is kept literally", () => {
    assert.equal(expandSpecifiers("%I", { unitName: "x@a\\y\\x4.service" }), "a\\y\\x4");
  });

  test("%f of '-' is the root", () => {
    assert.equal(expandSpecifiers("%f", { unitName: "x@-.service" }), "/");
  });

  test("host values, and '' when missing", () => {
    const ctx = {
      unitName: "a.service",
      machineId: "41f4cb9a0123456789abcdef01234567",
      bootId: "b00b",
      hostname: "coreos-1.example.com",
    };
    assert.equal(
      expandSpecifiers("%m %b %H %l", ctx),
      "41f4cb9a0123456789abcdef01234567 b00b coreos-1.example.com coreos-1",
    );
    assert.equal(expandSpecifiers("[%m][%b][%H][%l]", { unitName: "a.service" }), "[][][][]");
  });

  test("%% is a percent sign and is not expanded further", () => {
    assert.equal(expandSpecifiers("100%% %%n", { unitName: "a.service" }), "100% %n");
  });

  test("unknown specifiers and a trailing % are left as written", () => {
    assert.equal(expandSpecifiers("%u %h %t %z %", { unitName: "a.service" }), "%u %h %t %z %");
  });

  test("text without specifiers is unchanged", () => {
    assert.equal(
      expandSpecifiers("/usr/bin/docker run $X", { unitName: "a.service" }),
      "/usr/bin/docker run $X",
    );
  });

  test("expansion happens once, left to right", () => {
    assert.equal(expandSpecifiers("%i%n", { unitName: "x@%n.service" }), "%nx@%n.service");
  });

  test("any name is accepted, even an invalid one", () => {
    assert.deepEqual(expand("foo", "%n|%N|%p|%i"), ["foo", "foo", "foo", ""]);
    assert.deepEqual(expand("", "%n|%N|%p|%i|%f"), ["", "", "", "", "/"]);
  });
});
