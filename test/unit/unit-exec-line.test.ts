// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${VAR}" is systemd syntax under test here, not a template.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  type ExecLine,
  expandWord,
  parseExecLine,
  parseExecLineWithLookup,
  splitSystemdWords,
} from "../../src/unit/exec-line.ts";

const ENV = { IP: "127.0.0.11", EMPTY: "", WORDS: "  a b\tc  ", QUOTED: `one "two three" 'four'` };

function line(text: string, env: Record<string, string> = ENV): ExecLine {
  const parsed = parseExecLine(text, env);
  assert.ok(parsed.ok, `${text}: ${JSON.stringify(parsed)}`);
  return parsed.line;
}

function argv(text: string, env: Record<string, string> = ENV): string[] {
  return line(text, env).argv;
}

function error(text: string, env: Record<string, string> = ENV): string {
  const parsed = parseExecLine(text, env);
  assert.equal(parsed.ok, false, `${text} should fail: ${JSON.stringify(parsed)}`);
  return parsed.ok ? "" : parsed.error;
}

describe("parseExecLine: splitting and quoting", () => {
  test("blanks separate words; runs of blanks are one separator", () => {
    assert.deepEqual(argv("/bin/echo  a\tb \r\n c"), ["/bin/echo", "a", "b", "c"]);
    assert.deepEqual(argv("  /bin/true  "), ["/bin/true"]);
  });

  test("double and single quotes group, anywhere in a word, and may be empty", () => {
    assert.deepEqual(argv(`/bin/echo "a b" 'c d' x"y z"w "" ''`), [
      "/bin/echo",
      "a b",
      "c d",
      "xy zw",
      "",
      "",
    ]);
    assert.deepEqual(argv(`/bin/echo "it's" 'say "hi"'`), ["/bin/echo", "it's", 'say "hi"']);
  });

  test("C escapes work inside and outside quotes", () => {
    assert.deepEqual(argv(String.raw`/bin/echo a\tb "c\nd" 'e\\f' \"q\" \' x\sy`), [
      "/bin/echo",
      "a\tb",
      "c\nd",
      "e\\f",
      '"q"',
      "'",
      "x y",
    ]);
    assert.deepEqual(argv(String.raw`/bin/echo \a\b\f\r\v`), ["/bin/echo", "\x07\b\f\r\v"]);
  });

  test("hex, octal and unicode escapes; raw bytes are read as UTF-8", () => {
    assert.deepEqual(argv(String.raw`/bin/echo \x41\102 \u00e9 \U0001F600 \xc3\xa9`), [
      "/bin/echo",
      "AB",
      "é",
      "😀",
      "é",
    ]);
    assert.deepEqual(argv(String.raw`/bin/echo \xff`), ["/bin/echo", "\ufffd"]);
  });

  test("an escaped blank does not separate words", () => {
    // "\ " is not a C escape: kept as written, blank included.
    assert.deepEqual(argv(String.raw`/bin/echo a\ b`), ["/bin/echo", "a\\ b"]);
    assert.deepEqual(argv(String.raw`/bin/echo a\x20b a\sb`), ["/bin/echo", "a b", "a b"]);
  });

  test("unknown or invalid escapes are kept as written, as systemd does after a warning", () => {
    assert.deepEqual(
      argv(String.raw`/bin/echo \$HOME \q \x0 \x00 \000 \u0000 \ud800 \400 end${"\\"}`),
      [
        "/bin/echo",
        "\\$HOME",
        "\\q",
        "\\x0",
        "\\x00",
        "\\000",
        "\\u0000",
        "\\ud800",
        "\\400",
        "end\\",
      ],
    );
  });

  test("unbalanced quoting is an error", () => {
    assert.match(error(`/bin/echo "abc`), /unbalanced quoting/);
    assert.match(error(`/bin/echo 'abc`), /unbalanced quoting/);
    assert.match(error(`/bin/echo "abc\\`), /unbalanced quoting/);
  });

  test("a lone ';' is refused; '\\;' and a quoted ';' are literal", () => {
    assert.match(error("/bin/true ; /bin/false"), /lone ";" separates commands/);
    assert.match(error("/bin/true ;"), /lone ";"/);
    assert.match(error(";"), /lone ";"/);
    assert.deepEqual(argv(String.raw`/usr/bin/find . -exec rm {} \;`), [
      "/usr/bin/find",
      ".",
      "-exec",
      "rm",
      "{}",
      ";",
    ]);
    assert.deepEqual(argv(`/bin/echo ";" ';' a; b;c`), ["/bin/echo", ";", ";", "a;", "b;c"]);
  });

  test("an empty or blank line is an error", () => {
    assert.match(error(""), /empty/);
    assert.match(error(" \t "), /empty/);
  });
});

describe("parseExecLine: the program and prefixes", () => {
  test("the program is an absolute path or a bare name", () => {
    assert.deepEqual(argv("docker ps"), ["docker", "ps"]);
    assert.deepEqual(argv("/usr/bin/docker ps"), ["/usr/bin/docker", "ps"]);
    assert.match(error("bin/docker ps"), /absolute path or a bare file name/);
    assert.match(error("./run"), /absolute path or a bare file name/);
    assert.match(error("/usr/bin/"), /is a directory/);
    assert.match(error(`"/bin/x\\"y"`), /quote or backslash/);
    assert.match(error(String.raw`/bin/a\tb`), /control character/);
  });

  test('"-" ignores failure; every prefix is recorded in order', () => {
    assert.deepEqual(line("-/bin/false"), {
      ignoreFailure: true,
      prefixes: ["-"],
      argv: ["/bin/false"],
    });
    assert.deepEqual(line("/bin/false"), {
      ignoreFailure: false,
      prefixes: [],
      argv: ["/bin/false"],
    });
    assert.deepEqual(line("+-/bin/x").prefixes, ["+", "-"]);
    assert.deepEqual(line("!!/bin/x").prefixes, ["!!"]);
    assert.deepEqual(line("-!/bin/x").prefixes, ["-", "!"]);
    assert.deepEqual(line(":-/bin/x").prefixes, [":", "-"]);
  });

  test("a prefix counts once; a repeat belongs to the program", () => {
    assert.deepEqual(line("--x"), { ignoreFailure: true, prefixes: ["-"], argv: ["-x"] });
    assert.match(error("+!/bin/x"), /absolute path or a bare file name/);
    assert.match(error("!!!/bin/x"), /absolute path or a bare file name/);
  });

  test("prefixes with no program are an error", () => {
    assert.match(error("-"), /no program after the prefix "-"/);
    assert.match(error("-@ x"), /no program after the prefix "-@"/);
  });

  test('"@" takes the next word as argv[0]', () => {
    assert.deepEqual(line("@/bin/busybox sh -c true"), {
      ignoreFailure: false,
      prefixes: ["@"],
      argv: ["/bin/busybox", "-c", "true"],
      argv0: "sh",
    });
    assert.match(error("@/bin/busybox"), /"@" prefix needs a word/);
    assert.match(error("@/bin/busybox $UNSET"), /"@" prefix needs a word/);
  });
});

describe("parseExecLine: environment variables", () => {
  test("${VAR} expands in place anywhere in a word; unset is empty", () => {
    assert.deepEqual(argv("/bin/echo ${IP}:80 a${UNSET}b ${EMPTY}"), [
      "/bin/echo",
      "127.0.0.11:80",
      "ab",
      "",
    ]);
    assert.deepEqual(argv('/bin/echo "${WORDS}"'), ["/bin/echo", "  a b\tc  "]);
  });

  test("$VAR as a whole word splits at blanks, with quotes grouping; unset gives no word", () => {
    assert.deepEqual(argv("/bin/echo $WORDS"), ["/bin/echo", "a", "b", "c"]);
    assert.deepEqual(argv("/bin/echo $QUOTED"), ["/bin/echo", "one", "two three", "four"]);
    assert.deepEqual(argv("/bin/echo $UNSET x $EMPTY"), ["/bin/echo", "x"]);
    // Quoting happens before expansion, as in systemd: a quoted "$VAR" still splits.
    assert.deepEqual(argv('/bin/echo "$WORDS"'), ["/bin/echo", "a", "b", "c"]);
  });

  test("$$ is a literal $, and $ not followed by a name or { stays", () => {
    assert.deepEqual(argv("/bin/echo $$ $$IP a$$b $ a$IP $1 $-x 100$"), [
      "/bin/echo",
      "$",
      "$IP",
      "a$b",
      "$",
      "a$IP",
      "$1",
      "$-x",
      "100$",
    ]);
  });

  test("${...} with a ':' or without its '}' stays as written", () => {
    assert.deepEqual(argv("/bin/echo ${IP:-x} ${IP a${IP"), [
      "/bin/echo",
      "${IP:-x}",
      "${IP",
      "a${IP",
    ]);
    // Everything up to the first "}" is the name, as in systemd.
    assert.deepEqual(argv('/bin/echo "${IP ${IP}"'), ["/bin/echo", ""]);
    assert.deepEqual(argv("/bin/echo ${IP:-x}${IP}"), ["/bin/echo", "${IP:-x}127.0.0.11"]);
  });

  test('the ":" prefix turns expansion off; the program is never expanded', () => {
    assert.deepEqual(argv(":/bin/echo ${IP} $IP $$"), ["/bin/echo", "${IP}", "$IP", "$$"]);
    assert.deepEqual(argv("$IP x"), ["$IP", "x"]);
  });

  test("only own properties of the env record are variables", () => {
    assert.deepEqual(argv("/bin/echo ${constructor} $toString", {}), ["/bin/echo", ""]);
  });

  test("the lookup variant asks for each referenced name", () => {
    const asked: string[] = [];
    const parsed = parseExecLineWithLookup("/bin/x ${A}b $B $$C", (name) => {
      asked.push(name);
      return name.toLowerCase();
    });
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.line.argv, ["/bin/x", "ab", "b", "$C"]);
    assert.deepEqual(asked, ["A", "B"]);
  });

  test("expandWord handles a trailing backslash and an open quote in a value", () => {
    assert.deepEqual(
      expandWord("$V", () => `a\\ b 'c`),
      ["a b", "c"],
    );
    assert.deepEqual(
      expandWord("$V", () => "x\\"),
      ["x"],
    );
  });
});

describe("splitSystemdWords", () => {
  test("keeps the raw text of each word", () => {
    const split = splitSystemdWords(String.raw`a "b c" \;`, true);
    assert.ok(split.ok);
    assert.deepEqual(split.words, [
      { value: "a", raw: "a" },
      { value: "b c", raw: '"b c"' },
      { value: "\\;", raw: "\\;" },
    ]);
  });

  test("strict mode refuses unknown escapes and a trailing backslash", () => {
    assert.deepEqual(splitSystemdWords(String.raw`a\q`, false), {
      ok: false,
      error: 'invalid escape sequence "\\\\q"',
    });
    assert.equal(splitSystemdWords("a\\", false).ok, false);
  });
});

describe("parseExecLine: properties", () => {
  const soup = fc.string({
    unit: fc.constantFrom(
      ..."ab/ \t\n\"'\\$;{}:-@+!%xu0U7".split(""),
      "${A}",
      "$A",
      "$$",
      "\\x",
      "\\u",
      "😀",
      "\ud800",
      "\u0000",
    ),
    maxLength: 60,
  });

  test("never throws; an error is a non-empty message", () => {
    fc.assert(
      fc.property(soup, fc.dictionary(fc.string(), fc.string()), (text, env) => {
        const parsed = parseExecLine(text, env);
        if (parsed.ok) {
          assert.ok(parsed.line.argv.length >= 1);
          assert.ok(parsed.line.argv[0] !== "");
          assert.equal(parsed.line.ignoreFailure, parsed.line.prefixes.includes("-"));
        } else {
          assert.ok(parsed.error.length > 0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test("plain words round-trip through quoting", () => {
    const word = fc.string({ minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.array(word, { maxLength: 6 }), (words) => {
        const quoted = words.map(
          (w) =>
            `"${[...w].map((c) => `\\u${c.codePointAt(0)?.toString(16).padStart(4, "0")}`).join("")}"`,
        );
        const parsed = parseExecLine(`:/bin/x ${quoted.join(" ")}`, {});
        const valid = words.every((w) =>
          [...w].every((c) => {
            const code = c.codePointAt(0) ?? 0;
            return code > 0 && code <= 0xffff && (code & 0xf800) !== 0xd800 && code < 0xfdd0;
          }),
        );
        if (!valid) return;
        assert.ok(parsed.ok);
        assert.deepEqual(parsed.line.argv, ["/bin/x", ...words]);
      }),
      { numRuns: 300 },
    );
  });
});
