import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  parseUnitName,
  RUNNABLE_UNIT_NAME_PATTERN,
  UNIT_NAME_MAX,
  UNIT_NAME_PATTERN,
  UNIT_TYPES,
  type UnitName,
} from "../../src/unit/name.ts";

function ok(name: string): UnitName {
  const result = parseUnitName(name);
  assert.ok(result.ok, `${name}: ${JSON.stringify(result)}`);
  return result.value;
}

function error(name: string): string {
  const result = parseUnitName(name);
  assert.equal(result.ok, false, `${name} should be rejected`);
  return result.ok ? "" : result.error;
}

describe("parseUnitName: kinds", () => {
  test("a template", () => {
    assert.deepEqual(ok("apache@.service"), {
      name: "apache@.service",
      prefix: "apache",
      instance: "",
      suffix: ".service",
      kind: "template",
    });
  });

  test("an instance names its template", () => {
    assert.deepEqual(ok("apache@80.service"), {
      name: "apache@80.service",
      prefix: "apache",
      instance: "80",
      suffix: ".service",
      kind: "instance",
      template: "apache@.service",
    });
  });

  test("a plain unit", () => {
    assert.deepEqual(ok("etcd.service"), {
      name: "etcd.service",
      prefix: "etcd",
      instance: "",
      suffix: ".service",
      kind: "unit",
    });
  });

  test("fleet's name table", () => {
    const rows: [string, string, string, string | undefined][] = [
      ["foo@bar@baz.service", "foo", "bar@baz", "foo@.service"],
      ["foo.1@.service", "foo.1", "", undefined],
      ["foo.1@2.service", "foo.1", "2", "foo.1@.service"],
      ["ssh@1.socket", "ssh", "1", "ssh@.socket"],
      ["yo.yo.service", "yo.yo", "", undefined],
    ];
    for (const [name, prefix, instance, template] of rows) {
      const value = ok(name);
      assert.deepEqual(
        [value.prefix, value.instance, value.template],
        [prefix, instance, template],
        name,
      );
    }
  });

  test("every unit type fleet knows", () => {
    for (const type of [
      "automount",
      "busname",
      "device",
      "mount",
      "path",
      "scope",
      "service",
      "slice",
      "snapshot",
      "socket",
      "swap",
      "target",
      "timer",
    ]) {
      assert.equal(ok(`x.${type}`).suffix, `.${type}`);
    }
  });

  test("allowed characters include : - _ . \\ and several @", () => {
    ok("hello:world.service");
    ok("a-b_c.d\\x2d@e@f.service");
    ok("yes@no\\.service");
  });

  test("256 characters is the limit", () => {
    ok(`${"a".repeat(248)}.service`);
    assert.equal(error(`${"a".repeat(249)}.service`), "unit name exceeds maximum length (256)");
  });
});

describe("parseUnitName: errors", () => {
  test("empty", () => {
    assert.equal(error(""), "unit name cannot be empty");
  });

  test("no type suffix", () => {
    assert.equal(
      error("foo"),
      'unit name "foo" must contain "." followed by a unit type, as in "foo.service"',
    );
    assert.equal(error("foo."), 'unit name "foo." cannot end in "."');
  });

  test("unknown type (case-sensitive)", () => {
    assert.match(error("foo.servICE"), /^invalid unit type "servICE" in unit name "foo.servICE"/);
    assert.match(error("foo.link"), /^invalid unit type "link"/);
  });

  test("templates only of path, service, socket, target and timer; checked before characters", () => {
    assert.match(error("foo@.mount"), /^invalid unit type for template: "mount"/);
    assert.match(error("dog=woof@.mount"), /^invalid unit type for template: "mount"/);
    assert.match(error("@this.mount"), /^invalid unit type for template: "mount"/);
  });

  test("invalid characters", () => {
    assert.match(error("a b.service"), /^invalid character U\+0020 in unit name "a b.service"/);
    assert.match(error("a/b.service"), /^invalid character '\/' in unit name/);
    assert.match(error("café.service"), /^invalid character 'é'/);
    assert.match(error("dog=woof.service"), /^invalid character '='/);
  });

  test("starting with '@'", () => {
    assert.equal(error("@foo.service"), 'unit name "@foo.service" cannot start with "@"');
    assert.equal(error("@.service"), 'unit name "@.service" cannot start with "@"');
  });

  test("nothing before the suffix", () => {
    assert.equal(error(".service"), 'unit name ".service" has nothing before its type suffix');
  });
});

describe("the documented unit name patterns", () => {
  const pattern = new RegExp(UNIT_NAME_PATTERN, "u");
  const runnable = new RegExp(RUNNABLE_UNIT_NAME_PATTERN, "u");
  const documented = (name: string) => name.length <= UNIT_NAME_MAX && pattern.test(name);

  test("accept exactly the names parseUnitName accepts (a unit's: not a template's)", () => {
    const character = fc.constantFrom(..."aZ09:_.@\\-é /%\n".split(""), "😀");
    const suffix = fc.constantFrom(...UNIT_TYPES.map((type) => `.${type}`), ".", ".x", "");
    const name = fc.oneof(
      fc
        .tuple(fc.array(character, { maxLength: 12 }), suffix)
        .map(([chars, end]) => chars.join("") + end),
      fc.tuple(fc.nat({ max: 300 }), suffix).map(([length, end]) => "a".repeat(length) + end),
    );
    fc.assert(
      fc.property(name, (candidate) => {
        const parsed = parseUnitName(candidate);
        assert.equal(documented(candidate), parsed.ok, JSON.stringify(candidate));
        const isUnit = parsed.ok && parsed.value.kind !== "template";
        assert.equal(documented(candidate) && runnable.test(candidate), isUnit, candidate);
      }),
      { numRuns: 5000, seed: 7 },
    );
  });
});
