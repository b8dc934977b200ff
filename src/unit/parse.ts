import type { Located, ParseResult, UnitOption } from "./model.ts";
import { endsWithLoneBackslash, quote, splitLines, stripBlanks } from "./text.ts";

const BYTE_ORDER_MARK = "\uFEFF";

// systemd itself accepts any key text and only warns about unknown ones; a narrow alphabet catches
// typos such as "Exec Start" early and guarantees every key serializes back unambiguously.
export const KEY_NAME_CHARACTERS = "[A-Za-z0-9_-]+";
const KEY_NAME = new RegExp(`^${KEY_NAME_CHARACTERS}$`);

// systemd's string_is_safe(): no control characters, quotes, backslash or DEL in a section name.
function isSafeSectionName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code === 0x22 || code === 0x27 || code === 0x5c)
      return false;
  }
  return true;
}

// A lone surrogate has no UTF-8 encoding, so the hash of such text would not be well defined.
const LONE_SURROGATE = /\p{Cs}/u;

type SectionState = { kind: "none" } | { kind: "invalid" } | { kind: "named"; name: string };

interface Collected {
  option: UnitOption;
  line: number;
}

/**
 * Parses systemd unit-file syntax. Never throws: every problem is collected with its line.
 * Follows systemd's reader: comment lines ('#' or ';' after leading blanks) are dropped even inside
 * a continuation and never continue; a line ending in an unescaped backslash is joined to the next
 * with the backslash replaced by a space; a leading UTF-8 byte order mark is ignored.
 */
export function parseUnitFile(text: string): ParseResult {
  const errors: Located[] = [];
  const sections = new Map<string, Collected[]>();
  let section: SectionState = { kind: "none" };

  const logicalLine = (raw: string, line: number): void => {
    const problem = characterProblem(raw);
    if (problem !== undefined) {
      errors.push({ line, message: problem });
      return;
    }
    const content = stripBlanks(raw);
    if (content === "" || isCommentStart(content)) return;
    if (content.startsWith("[")) {
      const header = sectionHeader(content);
      if (header.ok) {
        section = { kind: "named", name: header.name };
      } else {
        errors.push({ line, message: header.error });
        // Keys under a broken header are not also reported as being outside any section.
        section = { kind: "invalid" };
      }
      return;
    }
    const assignment = parseAssignment(content, section);
    if (!assignment.ok) {
      if (assignment.error !== undefined) errors.push({ line, message: assignment.error });
      return;
    }
    const { option } = assignment;
    const list = sections.get(option.section);
    if (list === undefined) sections.set(option.section, [{ option, line }]);
    else list.push({ option, line });
  };

  const body = text.startsWith(BYTE_ORDER_MARK) ? text.slice(BYTE_ORDER_MARK.length) : text;
  let pending: { text: string; line: number } | undefined;
  splitLines(body).forEach((raw, index) => {
    if (isCommentStart(stripBlanks(raw))) return;
    const joined = pending === undefined ? raw : pending.text + raw;
    const start = pending === undefined ? index + 1 : pending.line;
    if (endsWithLoneBackslash(raw)) {
      pending = { text: `${joined.slice(0, -1)} `, line: start };
      return;
    }
    pending = undefined;
    logicalLine(joined, start);
  });
  if (pending !== undefined) logicalLine(pending.text, pending.line);

  if (errors.length > 0) return { ok: false, errors };
  const ordered = [...sections.values()].flat();
  return {
    ok: true,
    file: { options: ordered.map((c) => c.option) },
    lines: ordered.map((c) => c.line),
  };
}

function isCommentStart(content: string): boolean {
  return content.startsWith("#") || content.startsWith(";");
}

function characterProblem(raw: string): string | undefined {
  if (raw.includes("\u0000")) return "the line contains a NUL character";
  if (LONE_SURROGATE.test(raw))
    return "the line contains an unpaired UTF-16 surrogate (not valid text)";
  return undefined;
}

function sectionHeader(content: string): { ok: true; name: string } | { ok: false; error: string } {
  if (content.length < 2 || !content.endsWith("]")) {
    return {
      ok: false,
      error: content.includes("]")
        ? `unexpected text after "]" in section header ${quote(content)}`
        : `section header ${quote(content)} is missing its closing "]"`,
    };
  }
  const name = content.slice(1, -1);
  if (stripBlanks(name) === "") return { ok: false, error: "empty section name" };
  if (!isSafeSectionName(name)) {
    return {
      ok: false,
      error: `section name ${quote(name)} contains a control character, quote or backslash`,
    };
  }
  return { ok: true, name };
}

function parseAssignment(
  content: string,
  section: SectionState,
): { ok: true; option: UnitOption } | { ok: false; error?: string } {
  const eq = content.indexOf("=");
  if (eq === -1) {
    return { ok: false, error: `expected Key=Value but the line has no "=": ${quote(content)}` };
  }
  const name = stripBlanks(content.slice(0, eq));
  if (name === "") return { ok: false, error: `missing key name before "="` };
  if (!KEY_NAME.test(name)) {
    return {
      ok: false,
      error: `invalid key name ${quote(name)}: a key may contain only letters, digits, "-" and "_"`,
    };
  }
  if (section.kind === "none") {
    return {
      ok: false,
      error: `key ${name} is outside any section; put a section header such as [Service] above it`,
    };
  }
  if (section.kind === "invalid") return { ok: false };
  return {
    ok: true,
    option: { section: section.name, name, value: stripBlanks(content.slice(eq + 1)) },
  };
}
