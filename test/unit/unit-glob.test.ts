import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { globMatch, isValidGlob } from "../../src/unit/glob.ts";

// Cases with the outcomes of Go's path.Match (fleet's matcher); "bad" means ErrBadPattern.
const CASES: [string, string, boolean | "bad"][] = [
  ["abc", "abc", true],
  ["*", "abc", true],
  ["*c", "abc", true],
  ["a*", "a", true],
  ["a*", "abc", true],
  ["a*", "ab/c", false],
  ["a*/b", "abc/b", true],
  ["a*/b", "a/c/b", false],
  ["a*b*c*d*e*/f", "axbxcxdxe/f", true],
  ["a*b*c*d*e*/f", "axbxcxdxexxx/f", true],
  ["a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false],
  ["a*b*c*d*e*/f", "axbxcxdxexxx/fff", false],
  ["a*b?c*x", "abxbbxdbxebxczzx", true],
  ["a*b?c*x", "abxbbxdbxebxczzy", false],
  ["ab[c]", "abc", true],
  ["ab[b-d]", "abc", true],
  ["ab[e-g]", "abc", false],
  ["ab[^c]", "abc", false],
  ["ab[^b-d]", "abc", false],
  ["ab[^e-g]", "abc", true],
  ["a\\*b", "a*b", true],
  ["a\\*b", "ab", false],
  ["a?b", "a☺b", true],
  ["a[^a]b", "a☺b", true],
  ["a???b", "a☺b", false],
  ["[a-ζ]*", "α", true],
  ["*[a-ζ]", "A", false],
  ["a?b", "a/b", false],
  ["a*b", "a/b", false],
  ["[\\]a]", "]", true],
  ["[\\-]", "-", true],
  ["[x\\-]", "x", true],
  ["[x\\-]", "-", true],
  ["[x\\-]", "z", false],
  ["[\\-x]", "-", true],
  ["[z-a]", "m", false],
  ["*x", "xxx", true],
  ["[]a]", "]", "bad"],
  ["[-]", "-", "bad"],
  ["[x-]", "x", "bad"],
  ["[-x]", "x", "bad"],
  ["\\", "a", "bad"],
  ["[a-b-c]", "a", "bad"],
  ["[", "a", "bad"],
  ["[^", "a", "bad"],
  ["[^bc", "a", "bad"],
  ["a[", "a", "bad"],
  ["a/b[", "x", "bad"],
];

describe("globMatch (Go path.Match semantics)", () => {
  for (const [pattern, name, expected] of CASES) {
    test(`${JSON.stringify(pattern)} vs ${JSON.stringify(name)} → ${expected}`, () => {
      assert.equal(globMatch(pattern, name), expected === true);
      assert.equal(isValidGlob(pattern), expected !== "bad");
    });
  }

  test("fleet conflict patterns", () => {
    assert.ok(globMatch("apache@*.service", "apache@80.service"));
    assert.ok(globMatch("apache@*.service", "apache@.service"));
    assert.ok(!globMatch("apache@*.service", "apache-discovery@80.service"));
  });

  test("many stars stay fast", () => {
    const started = Date.now();
    assert.equal(globMatch(`${"*a".repeat(40)}b`, "a".repeat(256)), false);
    assert.ok(Date.now() - started < 1000);
  });
});
