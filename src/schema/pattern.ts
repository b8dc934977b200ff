/**
 * A JSON Schema pattern that must match the whole string. `$` would also match before a
 * final newline in Python's re, and so in the fuzzers and generators built on it; a
 * lookahead that no character follows ends the string in every regex engine.
 */
export function wholeString(body: string): string {
  return `^(?:${body})(?![\\s\\S])`;
}
