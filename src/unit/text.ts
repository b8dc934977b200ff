// systemd's read_line ends a line at "\n", "\r" or "\r\n"; counting lines the same way keeps
// reported line numbers in step with what systemd and editors show.
const LINE_BREAK = /\r\n|\r|\n/;

export function splitLines(text: string): string[] {
  return text.split(LINE_BREAK);
}

export function lineCount(text: string): number {
  return splitLines(text).length;
}

// systemd strips only " \t\n\r" around keys and values (String.prototype.trim would also eat
// Unicode spaces such as U+00A0, which systemd keeps); \n and \r never occur inside a line here.
function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

export function stripBlanks(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isBlank(s.charCodeAt(start))) start++;
  while (end > start && isBlank(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

/**
 * A backslash escapes the next character, so a line continues only when it ends in an odd run of
 * backslashes (systemd scans the whole line; any other character ends a run).
 */
export function endsWithLoneBackslash(s: string): boolean {
  let run = 0;
  for (let i = s.length - 1; i >= 0 && s.charCodeAt(i) === 0x5c; i--) run++;
  return run % 2 === 1;
}

export function quote(s: string): string {
  return JSON.stringify(s);
}

/** Text on one line, as a log line or a table cell has it: each line break and its blanks a space. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}
