import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { parseEnvironmentAssignments, parseEnvironmentFile } from "../../src/unit/environment.ts";

function vars(value: string): [string, string][] {
  const parsed = parseEnvironmentAssignments(value);
  assert.ok(parsed.ok, `${value}: ${JSON.stringify(parsed)}`);
  return parsed.vars;
}

function refused(value: string): string {
  const parsed = parseEnvironmentAssignments(value);
  assert.equal(parsed.ok, false, `${value} should fail`);
  return parsed.ok ? "" : parsed.error;
}

describe("parseEnvironmentAssignments", () => {
  test("space-separated assignments in order, repeats kept", () => {
    assert.deepEqual(vars("A=1 B=2  A=3"), [
      ["A", "1"],
      ["B", "2"],
      ["A", "3"],
    ]);
  });

  test("double-quoted and single-quoted assignments may contain blanks", () => {
    assert.deepEqual(vars(`"FOO=a b" BAR=c 'BAZ=d  e' Q="x y"`), [
      ["FOO", "a b"],
      ["BAR", "c"],
      ["BAZ", "d  e"],
      ["Q", "x y"],
    ]);
  });

  test("empty values, '=' inside values and C escapes", () => {
    assert.deepEqual(vars(String.raw`A= B=x=y C=a\tb D="\"q\""`), [
      ["A", ""],
      ["B", "x=y"],
      ["C", "a\tb"],
      ["D", '"q"'],
    ]);
  });

  test("an empty value gives no assignments", () => {
    assert.deepEqual(vars(""), []);
    assert.deepEqual(vars("   "), []);
  });

  test("invalid assignments are errors naming them", () => {
    assert.match(refused("A=1 NOEQUALS"), /"NOEQUALS": expected NAME=VALUE/);
    assert.match(refused("1A=x"), /"1A=x": "1A" is not a valid variable name/);
    assert.match(refused("=x"), /"=x"/);
    assert.match(refused("A-B=x"), /"A-B" is not a valid variable name/);
    assert.match(refused(String.raw`A=\x01`), /control character/);
  });

  test("syntax errors: unbalanced quotes and unknown escapes", () => {
    assert.match(refused(`"A=1`), /unbalanced quoting/);
    assert.match(refused(String.raw`A=\q`), /invalid escape sequence/);
    assert.match(refused("A=x\\"), /lone backslash/);
  });

  test("tabs and newlines are allowed in values", () => {
    assert.deepEqual(vars(String.raw`A=a\tb\nc`), [["A", "a\tb\nc"]]);
  });

  test("never throws", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (value) => {
        const parsed = parseEnvironmentAssignments(value);
        if (!parsed.ok) assert.ok(parsed.error.length > 0);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("parseEnvironmentFile", () => {
  test("a CoreOS /etc/environment", () => {
    assert.deepEqual(
      parseEnvironmentFile("COREOS_PUBLIC_IPV4=127.0.0.11\nCOREOS_PRIVATE_IPV4=10.0.0.5\n"),
      {
        vars: [
          ["COREOS_PUBLIC_IPV4", "127.0.0.11"],
          ["COREOS_PRIVATE_IPV4", "10.0.0.5"],
        ],
        errors: [],
      },
    );
  });

  test("comments, blank lines, blanks around keys and values, export", () => {
    const text = [
      "# comment",
      "  ; also a comment",
      "",
      "   ",
      "  A = 1  ",
      "export B=two words  ",
      "export\tC=3",
      "D=# not a comment",
      "E=",
    ].join("\n");
    assert.deepEqual(parseEnvironmentFile(text), {
      vars: [
        ["A", "1"],
        ["B", "two words"],
        ["C", "3"],
        ["D", "# not a comment"],
        ["E", ""],
      ],
      errors: [],
    });
  });

  test("quoted values", () => {
    const text = [
      `A='single $x \\n "kept"'`,
      `B="double \\"q\\" \\\\ \\$ \\\` \\n"`,
      `C="a" 'b'c`,
      `D=x"y" 'z'`,
      `E="multi`,
      `line"`,
      `F=after`,
    ].join("\n");
    assert.deepEqual(parseEnvironmentFile(text), {
      vars: [
        ["A", 'single $x \\n "kept"'],
        ["B", 'double "q" \\ $ ` \\n'],
        ["C", "abc"],
        ["D", `x"y" 'z'`],
        ["E", "multi\nline"],
        ["F", "after"],
      ],
      errors: [],
    });
  });

  test("backslashes: escapes and line continuations", () => {
    const text = ["A=one\\", "  two", 'B="x\\', 'y"', "C=a\\ \\#b\\\\", "D=end"].join("\n");
    assert.deepEqual(parseEnvironmentFile(text).vars, [
      ["A", "one  two"],
      ["B", "xy"],
      ["C", "a #b\\"],
      ["D", "end"],
    ]);
  });

  test("a comment does not continue onto the next line", () => {
    assert.deepEqual(parseEnvironmentFile("# comment \\\nA=1\n").vars, [["A", "1"]]);
  });

  test("CRLF and CR line breaks; a byte order mark is ignored", () => {
    assert.deepEqual(parseEnvironmentFile("\uFEFFA=1\r\nB=2\rC=3").vars, [
      ["A", "1"],
      ["B", "2"],
      ["C", "3"],
    ]);
  });

  test("bad lines are reported with their line number and skipped", () => {
    const text = ["A=1", "garbage line", "1BAD=x", "B=2", "export 1X=y", "C=3"].join("\n");
    assert.deepEqual(parseEnvironmentFile(text), {
      vars: [
        ["A", "1"],
        ["B", "2"],
        ["C", "3"],
      ],
      errors: [
        { line: 2, message: 'expected NAME=VALUE but the line has no "=": "garbage line"' },
        {
          line: 3,
          message:
            'invalid variable name "1BAD" (letters, digits and "_", not starting with a digit)',
        },
        {
          line: 5,
          message:
            'invalid variable name "1X" (letters, digits and "_", not starting with a digit)',
        },
      ],
    });
  });

  test("line numbers count continued and multi-line values", () => {
    const text = ['A="x', 'y"', "B=1\\", "2", "bad"].join("\n");
    assert.deepEqual(parseEnvironmentFile(text).errors, [
      { line: 5, message: 'expected NAME=VALUE but the line has no "=": "bad"' },
    ]);
  });

  test("an unclosed quote is reported and ends the file", () => {
    assert.deepEqual(parseEnvironmentFile("A=1\nB='open\nC=3\n"), {
      vars: [["A", "1"]],
      errors: [{ line: 2, message: "the value of B has no closing quote" }],
    });
  });

  test("never throws; errors are on lines of the text", () => {
    const soup = fc.string({
      unit: fc.constantFrom(..."AB=_ \t\n\r#;'\"\\x1".split(""), "export ", "\uFEFF"),
      maxLength: 80,
    });
    fc.assert(
      fc.property(soup, (text) => {
        const parsed = parseEnvironmentFile(text);
        const lineCount = text.split(/\r\n|\r|\n/).length;
        for (const e of parsed.errors) {
          assert.ok(e.line >= 1 && e.line <= lineCount, `${JSON.stringify(text)} ${e.line}`);
        }
        for (const [name] of parsed.vars) assert.match(name, /^[A-Za-z_][A-Za-z0-9_]*$/);
      }),
      { numRuns: 2000 },
    );
  });
});
