import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { globMatch, isValidGlob } from "../../src/unit/glob.ts";
import { unitHash } from "../../src/unit/hash.ts";
import type { Located, UnitFile, UnitOption } from "../../src/unit/model.ts";
import { parseUnitName } from "../../src/unit/name.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { serializeUnitFile } from "../../src/unit/serialize.ts";
import { expandSpecifiers } from "../../src/unit/specifiers.ts";
import { lineCount } from "../../src/unit/text.ts";
import { checkUnitFile } from "../../src/unit/validate.ts";
import { fleetRequirements } from "../../src/unit/xfleet.ts";

const RUNS = { numRuns: 1000 };

// Characters that exercise every branch of the syntax, plus some that must pass through untouched.
const SYNTAX_CHARS = [
  "[",
  "]",
  "=",
  "\\",
  "\n",
  "\r",
  "\r\n",
  "#",
  ";",
  " ",
  "\t",
  '"',
  "'",
  "%",
  "@",
  ".",
  "-",
  "*",
  "a",
  "X",
  "0",
  "é",
  "😀",
  "\u0000",
  "\uFEFF",
  "\ud800",
  "\u00a0",
  "\v",
];

const syntaxSoup = fc.string({ unit: fc.constantFrom(...SYNTAX_CHARS), maxLength: 80 });

const lineLike = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        "[Unit]",
        "[Service]",
        "[X-Fleet]",
        "[Socket]",
        "[X-Mine]",
        "[Bogus]",
        "",
        "# c",
      ),
      fc
        .tuple(
          fc.constantFrom(
            "Description",
            "ExecStart",
            "ExecStartPre",
            "Conflicts",
            "X-Conflicts",
            "MachineOf",
            "MachineID",
            "Global",
            "Replaces",
            "MachineMetadata",
            "Foo",
            "X-Foo",
          ),
          syntaxSoup,
        )
        .map(([k, v]) => `${k}=${v}`),
      syntaxSoup,
    ),
    { maxLength: 12 },
  )
  .map((lines) => lines.join("\n"));

const anyText = fc.oneof(
  syntaxSoup,
  lineLike,
  fc.string({ unit: "binary", maxLength: 120 }),
  fc.string({ maxLength: 120 }),
);

function assertLinesWithin(text: string, located: Located[]): void {
  const count = lineCount(text);
  for (const { line, message } of located) {
    assert.ok(
      Number.isInteger(line) && line >= 1 && line <= count,
      `line ${line} of ${count}: ${message}`,
    );
    assert.ok(message.length > 0);
  }
}

// Values as parseUnitFile can produce them: one line, no NUL, no lone surrogate, no outer blanks.
const valueChars = fc.constantFrom(
  "a",
  "Z",
  "0",
  " ",
  "\t",
  "\\",
  "=",
  "#",
  ";",
  "[",
  "]",
  '"',
  "%",
  "é",
  "😀",
  "\u00a0",
  "\v",
);
const value = fc
  .string({ unit: valueChars, maxLength: 20 })
  .map((s) => s.replace(/^[ \t]+|[ \t]+$/g, ""));
const key = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
const sectionChars = fc.constantFrom("A", "z", "-", " ", "é", "[", "]", "=", "#", ";", ".", "@");
const sectionName = fc
  .string({ unit: sectionChars, minLength: 1, maxLength: 10 })
  .filter((s) => s.trim() !== "");

const wellFormedFile: fc.Arbitrary<UnitFile> = fc
  .uniqueArray(
    fc.tuple(sectionName, fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 5 })),
    { selector: ([name]) => name, maxLength: 4 },
  )
  .map((sections) => ({
    options: sections.flatMap(([section, entries]) =>
      entries.map(([name, v]): UnitOption => ({ section, name, value: v })),
    ),
  }));

describe("properties", () => {
  test("parseUnitFile never throws and locates every error within the text", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = parseUnitFile(text);
        if (result.ok) {
          assert.equal(result.lines.length, result.file.options.length);
          assertLinesWithin(
            text,
            result.lines.map((line) => ({ line, message: "option" })),
          );
        } else {
          assert.ok(result.errors.length > 0);
          assertLinesWithin(text, result.errors);
        }
      }),
      RUNS,
    );
  });

  test("checkUnitFile never throws and locates every error and warning within the text", () => {
    fc.assert(
      fc.property(anyText, fc.string({ maxLength: 30 }), (text, unitName) => {
        const result = checkUnitFile(text, unitName);
        if (result.ok) {
          assertLinesWithin(text, result.check.warnings);
          assert.deepEqual(result.check.errors, []);
          assert.equal(result.hash, unitHash(result.file));
        } else {
          assert.ok(result.errors.length > 0);
          assertLinesWithin(text, result.errors);
          assertLinesWithin(text, result.warnings);
        }
      }),
      RUNS,
    );
  });

  test("parse(serialize(f)) equals f for well-formed files", () => {
    fc.assert(
      fc.property(wellFormedFile, (file) => {
        const text = serializeUnitFile(file);
        const result = parseUnitFile(text);
        assert.ok(result.ok, JSON.stringify({ text, result }));
        assert.deepEqual(result.file, file);
        assert.equal(serializeUnitFile(result.file), text);
        assert.equal(unitHash(result.file), unitHash(file));
      }),
      RUNS,
    );
  });

  test("serialization is stable for whatever parses", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const first = parseUnitFile(text);
        if (!first.ok) return;
        const canonical = serializeUnitFile(first.file);
        const second = parseUnitFile(canonical);
        assert.ok(second.ok, JSON.stringify({ text, canonical, second }));
        assert.deepEqual(second.file, first.file);
        assert.equal(serializeUnitFile(second.file), canonical);
      }),
      RUNS,
    );
  });

  test("fleetRequirements never throws, with or without lines", () => {
    fc.assert(
      fc.property(wellFormedFile, fc.string({ maxLength: 30 }), (file, unitName) => {
        const located = fleetRequirements(file, unitName);
        const count = lineCount(serializeUnitFile(file));
        for (const { line } of [...located.errors, ...located.warnings]) {
          assert.ok(line >= 1 && line <= count);
        }
      }),
      RUNS,
    );
  });

  test("parseUnitName never throws, and what it accepts reassembles", () => {
    const nameChars = fc.constantFrom("a", "Z", "9", "@", ".", "-", "_", ":", "\\", " ", "/", "é");
    const names = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc
        .tuple(
          fc.string({ unit: nameChars, maxLength: 20 }),
          fc.constantFrom("service", "socket", "mount", "timer", "bogus", ""),
        )
        .map(([base, type]) => `${base}.${type}`),
    );
    fc.assert(
      fc.property(names, (name) => {
        const result = parseUnitName(name);
        if (!result.ok) {
          assert.ok(result.error.length > 0);
          return;
        }
        const { prefix, instance, suffix, kind, template } = result.value;
        const rebuilt = kind === "unit" ? `${prefix}${suffix}` : `${prefix}@${instance}${suffix}`;
        assert.equal(rebuilt, name);
        assert.equal(kind === "instance", template !== undefined);
        assert.equal(kind === "template", instance === "" && name.includes("@"));
      }),
      RUNS,
    );
  });

  test("expandSpecifiers never throws and leaves text without % alone", () => {
    fc.assert(
      fc.property(syntaxSoup, fc.string({ maxLength: 30 }), (text, unitName) => {
        const out = expandSpecifiers(text, { unitName });
        if (!text.includes("%")) assert.equal(out, text);
      }),
      RUNS,
    );
  });

  test("a glob of an escaped literal name matches exactly that name", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (name, other) => {
        const literal = Array.from(name, (c) => `\\${c}`).join("");
        assert.ok(isValidGlob(literal));
        assert.ok(globMatch(literal, name));
        assert.equal(globMatch(literal, other), other === name);
        globMatch(other, name);
      }),
      RUNS,
    );
  });
});
