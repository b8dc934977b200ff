// systemd's command lines (systemd.service(5) "Command lines", systemd.syntax(7) "Quoting"):
// words are split and unquoted when the unit is loaded, environment variables are substituted in
// the resulting words when the command runs. Pure functions; nothing here throws.

export interface ExecLine {
  /** The "-" prefix: a failing exit status is ignored. */
  ignoreFailure: boolean;
  /** Every prefix in the order written, "-" included; "!!" is one prefix. */
  prefixes: string[];
  /** argv[0] is the program: an absolute path or a bare file name, never variable-expanded. */
  argv: string[];
  /** With the "@" prefix, the argv[0] the process sees (the word after the program). */
  argv0?: string;
}

export type ExecParse = { ok: true; line: ExecLine } | { ok: false; error: string };

/** Looks a variable up: its value, or undefined when unset. */
export type EnvLookup = (name: string) => string | undefined;

const WHITESPACE = " \t\n\r";
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FILENAME_MAX = 255;
const PATH_MAX = 4096;

/** A name systemd accepts for an environment variable (env_name_is_valid). */
export function isEnvName(name: string): boolean {
  return ENV_NAME.test(name);
}

/**
 * Splits a command line as systemd does and substitutes the unit's environment:
 * - words are separated by blanks (space, tab, newline, carriage return); double and single quotes
 *   group anywhere in a word ("a b"c is one word `a bc`), "" is an empty word, and an unbalanced
 *   quote is an error;
 * - C escapes work inside and outside quotes (\a \b \f \n \r \t \v \\ \" \' \s, \xHH, \NNN octal,
 *   \uHHHH, \UHHHHHHHH); an unknown escape such as \$ is kept as written, backslash and all, as
 *   systemd does after warning;
 * - prefixes "-" "@" ":" "+" "!" "!!" on the first word, each at most once;
 * - a lone unquoted ";" is still a command separator in current systemd (deprecated since v237);
 *   Flotilla runs one command per Exec line, so it is an error here. "\;" as a whole word is a
 *   literal ";", and so is a quoted ";";
 * - "${VAR}" anywhere in a word is replaced by the value (unset: empty; "${A:-b}" syntax is left
 *   alone), "$$" is "$", and a word that is exactly "$VAR" becomes the value split at blanks
 *   (quotes in the value group words), no word at all when unset. The ":" prefix turns all of this
 *   off. The program word is never expanded (systemd resolves the executable before expansion).
 * Specifiers (%i...) are not expanded here: callers expand them first with expandSpecifiers. (So a
 * backslash that a specifier expands to is read as an escape, where systemd, which expands
 * specifiers after unquoting, would keep it; unit names hardly ever contain one.)
 */
export function parseExecLine(text: string, env: Readonly<Record<string, string>>): ExecParse {
  return parseExecLineWithLookup(text, (name) =>
    Object.hasOwn(env, name) ? env[name] : undefined,
  );
}

/** parseExecLine with a lookup function in place of a record. */
export function parseExecLineWithLookup(text: string, lookup: EnvLookup): ExecParse {
  const split = splitSystemdWords(text, true);
  if (!split.ok) return split;
  const words = split.words;
  const first = words[0];
  if (first === undefined) return { ok: false, error: "the command line is empty" };
  for (const word of words) {
    if (word.raw === ";" || (word === first && word.value === ";")) {
      return {
        ok: false,
        error:
          'a lone ";" separates commands, which Flotilla does not support: put each command on its own Exec line (write \\; for a literal ";")',
      };
    }
  }

  const { prefixes, rest: program } = splitPrefixes(first.value);
  const programError = checkProgram(program, prefixes);
  if (programError !== undefined) return { ok: false, error: programError };

  const expand = !prefixes.includes(":");
  const args: string[] = [];
  for (const word of words.slice(1)) {
    const value = word.raw === "\\;" ? ";" : word.value;
    if (expand) args.push(...expandWord(value, lookup));
    else args.push(value);
  }
  const line: ExecLine = { ignoreFailure: prefixes.includes("-"), prefixes, argv: [program] };
  if (prefixes.includes("@")) {
    // The word after the program is the process's argv[0]; if "$VAR" made it vanish, systemd has
    // no zeroth argument either.
    const argv0 = args.shift();
    if (argv0 === undefined) {
      return {
        ok: false,
        error: 'the "@" prefix needs a word after the program: the argv[0] to run it with',
      };
    }
    line.argv0 = argv0;
  }
  line.argv.push(...args);
  return { ok: true, line };
}

function splitPrefixes(word: string): { prefixes: string[]; rest: string } {
  const prefixes: string[] = [];
  const has = (p: string) => prefixes.includes(p);
  let i = 0;
  for (;;) {
    const c = word[i];
    const privilege = has("+") || has("!") || has("!!");
    if (c === "-" && !has("-")) prefixes.push("-");
    else if (c === "@" && !has("@")) prefixes.push("@");
    else if (c === ":" && !has(":")) prefixes.push(":");
    else if (c === "+" && !privilege) prefixes.push("+");
    else if (c === "!" && !privilege) prefixes.push("!");
    else if (c === "!" && has("!") && !has("+") && !has("!!"))
      prefixes[prefixes.indexOf("!")] = "!!";
    else break;
    i++;
  }
  return { prefixes, rest: word.slice(i) };
}

// systemd's string_is_safe(): no control characters, quotes or backslash.
function isSafeProgram(program: string): boolean {
  for (let i = 0; i < program.length; i++) {
    const code = program.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code === 0x22 || code === 0x27 || code === 0x5c) {
      return false;
    }
  }
  return true;
}

function checkProgram(program: string, prefixes: string[]): string | undefined {
  if (program === "") {
    return prefixes.length === 0
      ? "the program is empty"
      : `no program after the prefix ${JSON.stringify(prefixes.join(""))}`;
  }
  if (!isSafeProgram(program)) {
    return `the program ${JSON.stringify(program)} contains a control character, quote or backslash`;
  }
  if (program.endsWith("/")) return `the program path ${JSON.stringify(program)} is a directory`;
  if (program.startsWith("/")) {
    if (program.length > PATH_MAX) return "the program path is too long";
    return undefined;
  }
  if (program.includes("/") || program === "." || program === "..") {
    return `the program ${JSON.stringify(program)} must be an absolute path or a bare file name`;
  }
  if (program.length > FILENAME_MAX) return "the program name is too long";
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Word splitting (systemd's extract_first_word with EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE).

export interface SystemdWord {
  /** The word after unquoting and unescaping. */
  value: string;
  /** The text the word was read from, quotes and escapes included. */
  raw: string;
}

export type WordSplit = { ok: true; words: SystemdWord[] } | { ok: false; error: string };

/**
 * Splits text into words by systemd's quoting rules. With `relaxEscapes` an unknown escape (and an
 * unquoted trailing backslash) is kept as written, as systemd does for command lines after a
 * warning; without it, it is an error, as for Environment=.
 */
export function splitSystemdWords(text: string, relaxEscapes: boolean): WordSplit {
  const words: SystemdWord[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    while (i < n && WHITESPACE.includes(text[i] as string)) i++;
    if (i >= n) return { ok: true, words };
    const start = i;
    const bytes = new ByteBuilder();
    let quote = "";
    while (i < n) {
      const c = text[i] as string;
      if (quote === "" && WHITESPACE.includes(c)) break;
      if (quote !== "" && c === quote) {
        quote = "";
        i++;
      } else if (quote === "" && (c === '"' || c === "'")) {
        quote = c;
        i++;
      } else if (c === "\\") {
        if (i + 1 >= n) {
          if (quote !== "") return unbalanced(text);
          if (!relaxEscapes) return { ok: false, error: "the text ends in a lone backslash" };
          bytes.char("\\");
          i++;
          continue;
        }
        const unescaped = unescapeOne(text, i + 1);
        if (unescaped !== undefined) {
          bytes.bytes(unescaped.bytes);
          i += 1 + unescaped.length;
        } else {
          const next = String.fromCodePoint(text.codePointAt(i + 1) ?? 0);
          if (!relaxEscapes) {
            return { ok: false, error: `invalid escape sequence ${JSON.stringify(`\\${next}`)}` };
          }
          bytes.char("\\");
          bytes.char(next);
          i += 1 + next.length;
        }
      } else {
        const char = String.fromCodePoint(text.codePointAt(i) ?? 0);
        bytes.char(char);
        i += char.length;
      }
    }
    if (quote !== "") return unbalanced(text);
    words.push({ value: bytes.decode(), raw: text.slice(start, i) });
  }
}

function unbalanced(text: string): { ok: false; error: string } {
  return { ok: false, error: `unbalanced quoting in ${JSON.stringify(text)}` };
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  "\\": 0x5c,
  '"': 0x22,
  "'": 0x27,
  s: 0x20,
};

function hexAt(text: string, at: number, count: number): number | undefined {
  const digits = text.slice(at, at + count);
  if (digits.length !== count || !/^[0-9A-Fa-f]+$/.test(digits)) return undefined;
  return Number.parseInt(digits, 16);
}

// systemd's unichar_is_valid().
function isValidCodePoint(c: number): boolean {
  if (c >= 0x110000) return false;
  if ((c & 0xfffff800) === 0xd800) return false;
  if (c >= 0xfdd0 && c <= 0xfdef) return false;
  return (c & 0xfffe) !== 0xfffe;
}

/** One C escape starting at `at` (just after the backslash); undefined when invalid. */
function unescapeOne(text: string, at: number): { bytes: number[]; length: number } | undefined {
  const c = text[at] as string;
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined && Object.hasOwn(SIMPLE_ESCAPES, c))
    return { bytes: [simple], length: 1 };
  if (c === "x") {
    const value = hexAt(text, at + 1, 2);
    if (value === undefined || value === 0) return undefined;
    return { bytes: [value], length: 3 };
  }
  if (c === "u" || c === "U") {
    const count = c === "u" ? 4 : 8;
    const value = hexAt(text, at + 1, count);
    if (value === undefined || value === 0 || !isValidCodePoint(value)) return undefined;
    return { bytes: utf8(value), length: 1 + count };
  }
  if (c >= "0" && c <= "7") {
    const digits = text.slice(at, at + 3);
    if (!/^[0-7]{3}$/.test(digits)) return undefined;
    const value = Number.parseInt(digits, 8);
    if (value === 0 || value > 255) return undefined;
    return { bytes: [value], length: 3 };
  }
  return undefined;
}

function utf8(codePoint: number): number[] {
  if (codePoint < 0x80) return [codePoint];
  if (codePoint < 0x800) return [0xc0 | (codePoint >> 6), 0x80 | (codePoint & 0x3f)];
  if (codePoint < 0x10000) {
    return [0xe0 | (codePoint >> 12), 0x80 | ((codePoint >> 6) & 0x3f), 0x80 | (codePoint & 0x3f)];
  }
  return [
    0xf0 | (codePoint >> 18),
    0x80 | ((codePoint >> 12) & 0x3f),
    0x80 | ((codePoint >> 6) & 0x3f),
    0x80 | (codePoint & 0x3f),
  ];
}

const decoder = new TextDecoder("utf-8");

// Escapes such as \xc3\xa9 produce raw bytes, so a word is built as UTF-8 and decoded at its end
// (a byte sequence that is not UTF-8 reads as U+FFFD).
class ByteBuilder {
  private readonly out: number[] = [];
  private raw = false;
  private text = "";

  char(char: string): void {
    if (!this.raw) {
      this.text += char;
      return;
    }
    this.out.push(...utf8(char.codePointAt(0) ?? 0xfffd));
  }

  bytes(values: number[]): void {
    if (!this.raw && values.every((b) => b < 0x80)) {
      this.text += String.fromCharCode(...values);
      return;
    }
    if (!this.raw) {
      this.raw = true;
      for (const char of this.text) this.out.push(...utf8(char.codePointAt(0) ?? 0xfffd));
    }
    this.out.push(...values);
  }

  decode(): string {
    if (!this.raw) return this.text.replace(/\p{Cs}/gu, "\ufffd");
    return decoder.decode(new Uint8Array(this.out));
  }
}

// ---------------------------------------------------------------------------------------------
// Environment variable substitution (systemd's replace_env_argv).

/** One word after substitution: several words for "$VAR" alone, none when it is unset. */
export function expandWord(word: string, lookup: EnvLookup): string[] {
  if (word.startsWith("$") && word[1] !== "{" && word[1] !== "$") {
    const name = word.slice(1);
    if (isEnvName(name)) {
      const value = lookup(name);
      return value === undefined ? [] : splitValue(value);
    }
  }
  return [replaceInWord(word, lookup)];
}

function replaceInWord(word: string, lookup: EnvLookup): string {
  let out = "";
  let i = 0;
  while (i < word.length) {
    const c = word[i] as string;
    if (c !== "$") {
      out += c;
      i++;
      continue;
    }
    const next = word[i + 1];
    if (next === "$") {
      out += "$";
      i += 2;
    } else if (next === "{") {
      let j = i + 2;
      while (j < word.length && word[j] !== "}" && word[j] !== ":") j++;
      if (j >= word.length) {
        out += word.slice(i);
        break;
      }
      // "${A:-b}" is syntax command lines do not support: it stays as written.
      if (word[j] === ":") out += word.slice(i, j + 1);
      else out += lookup(word.slice(i + 2, j)) ?? "";
      i = j + 1;
    } else {
      out += "$";
      i++;
    }
  }
  return out;
}

/** A value split at blanks; quotes group and are removed, a backslash takes the next character. */
function splitValue(value: string): string[] {
  const words: string[] = [];
  let i = 0;
  const n = value.length;
  for (;;) {
    while (i < n && WHITESPACE.includes(value[i] as string)) i++;
    if (i >= n) return words;
    let word = "";
    let quote = "";
    while (i < n) {
      const c = value[i] as string;
      if (quote === "" && WHITESPACE.includes(c)) break;
      if (quote !== "" && c === quote) quote = "";
      else if (quote === "" && (c === '"' || c === "'")) quote = c;
      else if (c === "\\") {
        if (i + 1 < n) word += value[i + 1];
        i++;
      } else word += c;
      i++;
    }
    words.push(word);
  }
}
