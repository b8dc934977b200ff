// Environment= values and EnvironmentFile= contents, by systemd's rules. Pure; nothing here throws.
import { isEnvName, splitSystemdWords } from "./exec-line.ts";

export type EnvironmentAssignments =
  | { ok: true; vars: [string, string][] }
  | { ok: false; error: string };

// systemd's env_value_is_valid(): no control characters other than tab and newline, valid UTF-8.
function isValidValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a) || code === 0x7f) return false;
  }
  return !/\p{Cs}/u.test(value);
}

/**
 * Environment= values: words split and unquoted as in command lines (quotes group, C escapes),
 * each word a KEY=VALUE assignment, so `"FOO=a b" BAR=c` assigns two variables. Assignments are
 * returned in order, repeats included (the last one wins when applied). systemd ignores an
 * assignment it cannot read, with a warning; here any is an error that names it. Specifiers are
 * expanded by the caller first; an empty value (`Environment=`) is a reset the caller handles.
 */
export function parseEnvironmentAssignments(value: string): EnvironmentAssignments {
  const split = splitSystemdWords(value, false);
  if (!split.ok) return { ok: false, error: `invalid Environment= syntax: ${split.error}` };
  const vars: [string, string][] = [];
  for (const { value: word } of split.words) {
    const eq = word.indexOf("=");
    const name = eq === -1 ? word : word.slice(0, eq);
    if (eq === -1) {
      return {
        ok: false,
        error: `invalid environment assignment ${JSON.stringify(word)}: expected NAME=VALUE`,
      };
    }
    if (!isEnvName(name)) {
      return {
        ok: false,
        error: `invalid environment assignment ${JSON.stringify(word)}: ${JSON.stringify(name)} is not a valid variable name (letters, digits and "_", not starting with a digit)`,
      };
    }
    const assigned = word.slice(eq + 1);
    if (!isValidValue(assigned)) {
      return {
        ok: false,
        error: `invalid environment assignment ${JSON.stringify(word)}: the value contains a control character`,
      };
    }
    vars.push([name, assigned]);
  }
  return { ok: true, vars };
}

export interface EnvironmentFileParse {
  vars: [string, string][];
  errors: { line: number; message: string }[];
}

/**
 * An EnvironmentFile's content, by systemd's reader (parse_env_file):
 * - blank lines are skipped; a line whose first non-blank character is "#" or ";" is a comment
 *   (a comment never continues onto the next line);
 * - KEY=VALUE, blanks around the key and before the value ignored, an optional "export " before
 *   the key; an unquoted value keeps inner blanks and loses trailing ones, and a backslash takes
 *   the next character literally (a backslash at the end of a line joins the next line);
 * - '...' keeps everything up to the closing quote, newlines included; "..." does too, except
 *   that \" \\ \` \$ lose their backslash, a backslash-newline vanishes and any other backslash
 *   stays; a quote opens only at the start of the value or right after a closing quote (blanks
 *   between are skipped), so `A="x" 'y'z` is "xyz" while in `A=x"y"` the quotes are characters;
 * - line breaks are "\n", "\r\n" or "\r".
 * Assignments are returned in order, repeats included. A line without "=", an invalid variable
 * name or a quote left open at the end of the file is reported with its (first) line number and
 * skipped; systemd skips the first two silently and would keep the last.
 */
export function parseEnvironmentFile(text: string): EnvironmentFileParse {
  const vars: [string, string][] = [];
  const errors: { line: number; message: string }[] = [];
  const body = text.replace(/\r\n?/g, "\n").replace(/^\uFEFF/, "");
  const n = body.length;
  let i = 0;
  let line = 1;

  const skipToLineEnd = (): void => {
    while (i < n && body[i] !== "\n") i++;
  };

  while (i < n) {
    // Start of a line: blanks, then a comment, an empty line or a key.
    while (i < n && (body[i] === " " || body[i] === "\t")) i++;
    if (i >= n) break;
    const c = body[i] as string;
    if (c === "\n") {
      i++;
      line++;
      continue;
    }
    if (c === "#" || c === ";") {
      skipToLineEnd();
      continue;
    }
    const startLine = line;
    const keyStart = i;
    while (i < n && body[i] !== "=" && body[i] !== "\n") i++;
    if (i >= n || body[i] === "\n") {
      errors.push({
        line: startLine,
        message: `expected NAME=VALUE but the line has no "=": ${JSON.stringify(body.slice(keyStart, i))}`,
      });
      continue;
    }
    const key = stripExport(body.slice(keyStart, i).replace(/[ \t]+$/, ""));
    i++; // "="
    const value = readValue();
    if (value === undefined) {
      errors.push({ line: startLine, message: `the value of ${key} has no closing quote` });
      break;
    }
    if (!isEnvName(key)) {
      errors.push({
        line: startLine,
        message: `invalid variable name ${JSON.stringify(key)} (letters, digits and "_", not starting with a digit)`,
      });
      continue;
    }
    vars.push([key, value]);
  }
  return { vars, errors };

  // Reads from just after "=" to the end of the value's (last) line; undefined for an open quote.
  // Quotes open only at the start of the value or right after a closing quote (blanks between are
  // skipped); once unquoted text has started, quotes are ordinary characters.
  function readValue(): string | undefined {
    let value = "";
    let atQuote = true;
    // Length of `value` up to the first of its trailing unquoted blanks.
    let keep = -1;
    while (i < n) {
      const c = body[i] as string;
      if (c === "\n") {
        i++;
        line++;
        break;
      }
      if (c === "\\") {
        const next = body[i + 1];
        i += 2;
        if (next === "\n") line++;
        else if (next !== undefined) value += next;
        atQuote = false;
        keep = -1;
        continue;
      }
      if (atQuote) {
        if (c === "'" || c === '"') {
          const closed = c === "'" ? readSingle() : readDouble();
          if (closed === undefined) return undefined;
          value += closed;
        } else if (c === " " || c === "\t") {
          i++;
        } else {
          atQuote = false;
          value += c;
          i++;
        }
        continue;
      }
      if (c === " " || c === "\t") {
        if (keep === -1) keep = value.length;
      } else {
        keep = -1;
      }
      value += c;
      i++;
    }
    return keep === -1 ? value : value.slice(0, keep);
  }

  function readSingle(): string | undefined {
    const close = body.indexOf("'", i + 1);
    if (close === -1) return undefined;
    const content = body.slice(i + 1, close);
    line += countNewlines(content);
    i = close + 1;
    return content;
  }

  function readDouble(): string | undefined {
    let out = "";
    i++;
    while (i < n) {
      const c = body[i] as string;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === "\\" && i + 1 < n) {
        const next = body[i + 1] as string;
        i += 2;
        if (next === "\n") line++;
        else if ('"\\`$'.includes(next)) out += next;
        else out += `\\${next}`;
        continue;
      }
      if (c === "\n") line++;
      out += c;
      i++;
    }
    return undefined;
  }
}

function stripExport(key: string): string {
  const match = /^export[ \t]+(.*)$/.exec(key);
  return match?.[1] ?? key;
}

function countNewlines(s: string): number {
  let count = 0;
  for (const c of s) if (c === "\n") count++;
  return count;
}
