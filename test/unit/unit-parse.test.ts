import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ParseResult, UnitOption } from "../../src/unit/model.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { APACHE_TEMPLATE, DISCOVERY_TEMPLATE } from "./unit-fixtures.ts";

function parsed(text: string): { options: UnitOption[]; lines: number[] } {
  const result = parseUnitFile(text);
  assert.ok(result.ok, `expected ${JSON.stringify(text)} to parse: ${JSON.stringify(result)}`);
  return { options: result.file.options, lines: result.lines };
}

function values(text: string): string[] {
  return parsed(text).options.map((o) => o.value);
}

function errorsOf(text: string): { line: number; message: string }[] {
  const result: ParseResult = parseUnitFile(text);
  assert.equal(result.ok, false, `expected ${JSON.stringify(text)} to fail`);
  return result.ok ? [] : result.errors;
}

const opt = (section: string, name: string, value: string): UnitOption => ({
  section,
  name,
  value,
});

describe("parseUnitFile: the spec files", () => {
  test("apache@.service keeps every option in order, repeated keys included", () => {
    const { options, lines } = parsed(APACHE_TEMPLATE);
    assert.deepEqual(
      options.map((o) => `${o.section}/${o.name}`),
      [
        "Unit/Description",
        "Unit/After",
        "Unit/After",
        "Unit/Requires",
        "Service/TimeoutStartSec",
        "Service/KillMode",
        "Service/EnvironmentFile",
        "Service/ExecStartPre",
        "Service/ExecStartPre",
        "Service/ExecStartPre",
        "Service/ExecStart",
        "Service/ExecStop",
        "X-Fleet/X-Conflicts",
      ],
    );
    assert.deepEqual(lines, [2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 18]);
    assert.equal(options[7]?.value, "-/usr/bin/docker kill apache%i");
    assert.equal(
      options[10]?.value,
      `/usr/bin/docker run --name apache%i -p \${COREOS_PUBLIC_IPV4}:%i:80 user_name/apache /usr/sbin/apache2ctl -D FOREGROUND`,
    );
  });

  test("apache-discovery@.service keeps quotes and variable references verbatim", () => {
    const { options } = parsed(DISCOVERY_TEMPLATE);
    assert.equal(options.length, 6);
    assert.equal(
      options[3]?.value,
      `/bin/sh -c "while true; do etcdctl set /announce/services/apache%i \${COREOS_PUBLIC_IPV4}:%i --ttl 60; sleep 45; done"`,
    );
    assert.deepEqual(options[5], opt("X-Fleet", "X-ConditionMachineOf", "apache@%i.service"));
  });
});

describe("parseUnitFile: syntax", () => {
  test("comments start with # or ; after optional blanks; inline # belongs to the value", () => {
    const text =
      "# top\n; top\n[Unit]\n  # indented\n\t; tabbed\nA=b # not a comment\nB=c ; nor this\n";
    assert.deepEqual(parsed(text).options, [
      opt("Unit", "A", "b # not a comment"),
      opt("Unit", "B", "c ; nor this"),
    ]);
  });

  test("blanks around keys, '=' and values are trimmed", () => {
    assert.deepEqual(parsed("[Unit]\n  Description \t=   hello  world \t\n").options, [
      opt("Unit", "Description", "hello  world"),
    ]);
  });

  test("only spaces and tabs are trimmed, as systemd does", () => {
    assert.deepEqual(values("[Unit]\nA=\u00a0x\u00a0\nB=\vy\f\n"), ["\u00a0x\u00a0", "\vy\f"]);
  });

  test("the value is everything after the first '='", () => {
    assert.deepEqual(values("[Service]\nEnvironment=A=B C==D\n"), ["A=B C==D"]);
  });

  test("an empty value is kept as an option with value ''", () => {
    assert.deepEqual(
      parsed("[Service]\nExecStartPre=a\nExecStartPre=\nExecStartPre=  \n").options,
      [
        opt("Service", "ExecStartPre", "a"),
        opt("Service", "ExecStartPre", ""),
        opt("Service", "ExecStartPre", ""),
      ],
    );
  });

  test("a continuation replaces the backslash with a space and joins the next line as is", () => {
    assert.deepEqual(values("[Unit]\nA=b \\\n  c\n"), ["b    c"]);
    assert.deepEqual(values("[Unit]\nA=b\\\nc\\\nd\n"), ["b c d"]);
  });

  test("comment lines inside a continuation are skipped", () => {
    const text = "[Service]\nExecStart=/bin/echo \\\n# note\n  ; other\n  hello\nB=1\n";
    assert.deepEqual(values(text), ["/bin/echo    hello", "1"]);
  });

  test("a comment line ending in a backslash does not continue", () => {
    assert.deepEqual(values("[Unit]\n# comment \\\nA=b\n"), ["b"]);
  });

  test("an even run of backslashes is escaped, not a continuation", () => {
    assert.deepEqual(values("[Unit]\nA=x\\\\\nB=y\n"), ["x\\\\", "y"]);
    assert.deepEqual(values("[Unit]\nA=x\\\\\\\nmore\n"), ["x\\\\ more"]);
  });

  test("a backslash followed by a blank does not continue, and the blank is trimmed", () => {
    assert.deepEqual(values("[Unit]\nA=x\\ \nB=y\n"), ["x\\", "y"]);
  });

  test("a continuation ends at a blank line or at the end of the text", () => {
    assert.deepEqual(values("[Unit]\nA=b\\\n\nB=c\n"), ["b", "c"]);
    assert.deepEqual(values("[Unit]\nA=b\\"), ["b"]);
  });

  test("a continued option is located at its first line", () => {
    const { lines } = parsed("[Unit]\nA=b\\\n# c\n d\nB=e\n");
    assert.deepEqual(lines, [2, 5]);
  });

  test("CRLF, lone CR and a missing final newline are accepted", () => {
    assert.deepEqual(parsed("[Unit]\r\nA=b\r\nC=d\\\r\n e\r\n"), {
      options: [opt("Unit", "A", "b"), opt("Unit", "C", "d  e")],
      lines: [2, 3],
    });
    assert.deepEqual(parsed("[Unit]\rA=b\rB=c"), {
      options: [opt("Unit", "A", "b"), opt("Unit", "B", "c")],
      lines: [2, 3],
    });
  });

  test("a leading byte order mark is ignored", () => {
    assert.deepEqual(parsed("\uFEFF[Unit]\nA=b\n").options, [opt("Unit", "A", "b")]);
  });

  test("repeated sections are merged in order of first appearance; file order is kept within", () => {
    assert.deepEqual(parsed("[A]\na=1\n[B]\nb=1\n[A]\nc=1\na=2\n"), {
      options: [opt("A", "a", "1"), opt("A", "c", "1"), opt("A", "a", "2"), opt("B", "b", "1")],
      lines: [2, 6, 7, 4],
    });
  });

  test("sections without options vanish", () => {
    assert.deepEqual(parsed("[Unit]\n[Service]\n[X-Third-Party]\n").options, []);
    assert.deepEqual(parsed("").options, []);
    assert.deepEqual(parsed("\n\n# only comments\n").options, []);
  });

  test("section names are case-sensitive and not trimmed inside the brackets", () => {
    assert.deepEqual(parsed("[ Unit ]\nA=b\n[unit]\nC=d\n").options, [
      opt(" Unit ", "A", "b"),
      opt("unit", "C", "d"),
    ]);
  });

  test("unicode text is kept as is", () => {
    assert.deepEqual(parsed("[©]\nA=ÇôrèÕ$ 😀\n").options, [opt("©", "A", "ÇôrèÕ$ 😀")]);
  });
});

describe("parseUnitFile: errors", () => {
  test("a key outside any section", () => {
    assert.deepEqual(errorsOf("Description=x\n[Unit]\n"), [
      {
        line: 1,
        message:
          "key Description is outside any section; put a section header such as [Service] above it",
      },
    ]);
  });

  test("a line without '='", () => {
    assert.deepEqual(errorsOf("[Unit]\nDescription\n"), [
      { line: 2, message: 'expected Key=Value but the line has no "=": "Description"' },
    ]);
  });

  test("a missing key name", () => {
    assert.deepEqual(errorsOf("[Unit]\n=x\n"), [
      { line: 2, message: 'missing key name before "="' },
    ]);
  });

  test("a bad key name", () => {
    const [error] = errorsOf("[Service]\nExec Start=/bin/true\n");
    assert.equal(error?.line, 2);
    assert.match(error?.message ?? "", /^invalid key name "Exec Start"/);
    assert.equal(errorsOf("[Unit]\nµ☃=x\n")[0]?.line, 2);
    assert.equal(errorsOf("[Unit]\n<<<<<<<<=Bar\n")[0]?.line, 2);
  });

  test("an empty section name", () => {
    assert.deepEqual(errorsOf("[]\nA=b\n"), [{ line: 1, message: "empty section name" }]);
    assert.deepEqual(errorsOf("[  ]\nA=b\n"), [{ line: 1, message: "empty section name" }]);
  });

  test("a section header without ']' or with text after it", () => {
    assert.deepEqual(errorsOf("[Unit\nA=b\n"), [
      { line: 1, message: 'section header "[Unit" is missing its closing "]"' },
    ]);
    assert.deepEqual(errorsOf("[Unit] pants\nA=b\n"), [
      { line: 1, message: 'unexpected text after "]" in section header "[Unit] pants"' },
    ]);
  });

  test("a section name with a quote, backslash or control character", () => {
    for (const name of ['a"b', "a'b", "a\\b", "a\tb", "a\u007fb"]) {
      const [error] = errorsOf(`[${name}]\nA=b\n`);
      assert.equal(error?.line, 1, name);
      assert.match(error?.message ?? "", /control character, quote or backslash/);
    }
  });

  test("a NUL character or an unpaired surrogate", () => {
    assert.deepEqual(errorsOf("[Unit]\nA=b\u0000c\n"), [
      { line: 2, message: "the line contains a NUL character" },
    ]);
    assert.equal(errorsOf("[Unit]\n\nA=\ud800\n")[0]?.line, 3);
  });

  test("all errors are collected, each with its own line", () => {
    const text = "Stray=1\n[Unit]\nA=ok\nno equals\n[]\nHidden=1\n[Service]\n=x\nB C=1\n";
    assert.deepEqual(
      errorsOf(text).map((e) => e.line),
      [1, 4, 5, 8, 9],
    );
  });

  test("keys under a broken header are not also reported as outside a section", () => {
    assert.deepEqual(
      errorsOf("[Unit\nA=b\nC=d\n").map((e) => e.line),
      [1],
    );
  });

  test("an error in a continued line is reported at its first line", () => {
    assert.deepEqual(
      errorsOf("[Unit]\nno \\\nequals\n").map((e) => e.line),
      [2],
    );
  });
});
