// Unit-name patterns for the scheduler's indexes. A pattern is compiled once into a test that
// agrees exactly with globMatch (Go's path.Match, which fleet used), plus the literal prefix
// every matching name must start with, so that indexes can find candidate patterns for a name
// (PrefixIndex) and candidate names for a pattern (SortedNames.forEachWithPrefix) without
// scanning everything.

import { isValidGlob } from "../unit/glob.ts";

export interface Pattern {
  readonly text: string;
  /** "literal": matches only its own text; "glob": matches by `test`; "invalid": matches nothing. */
  readonly kind: "literal" | "glob" | "invalid";
  /** Every name the pattern matches starts with this. */
  readonly prefix: string;
  test(name: string): boolean;
}

const META = /[*?[\\]/;
const STAR = 0x2a;
const QUESTION = 0x3f;
const BACKSLASH = 0x5c;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const CARET = 0x5e;
const DASH = 0x2d;

export function compilePattern(text: string): Pattern {
  const meta = META.exec(text);
  if (meta === null) return { text, kind: "literal", prefix: text, test: (name) => name === text };
  if (!isValidGlob(text)) return { text, kind: "invalid", prefix: text, test: () => false };
  const regex = new RegExp(`^${regexSource(text)}$`, "u");
  return {
    text,
    kind: "glob",
    prefix: text.slice(0, meta.index),
    test: (name) => regex.test(name),
  };
}

/** A regular expression equivalent to a pattern that isValidGlob accepted. */
function regexSource(pattern: string): string {
  const chars = Array.from(pattern, (c) => c.codePointAt(0) ?? 0);
  let out = "";
  let i = 0;
  const next = (): number => chars[i++] ?? 0;
  while (i < chars.length) {
    const code = next();
    if (code === STAR) out += "[^/]*";
    else if (code === QUESTION) out += "[^/]";
    else if (code === BACKSLASH) out += literal(next());
    else if (code !== OPEN) out += literal(code);
    else {
      const negated = chars[i] === CARET;
      if (negated) i++;
      const ranges: string[] = [];
      let first = true;
      while (first || chars[i] !== CLOSE) {
        first = false;
        let lo = next();
        if (lo === BACKSLASH) lo = next();
        let hi = lo;
        if (chars[i] === DASH) {
          i++;
          hi = next();
          if (hi === BACKSLASH) hi = next();
        }
        // Go accepts lo > hi and matches nothing with it; a RegExp would reject it.
        if (lo < hi) ranges.push(`${literal(lo)}-${literal(hi)}`);
        else if (lo === hi) ranges.push(literal(lo));
      }
      i++;
      if (ranges.length === 0) out += negated ? "[\\s\\S]" : "(?!)";
      else out += `[${negated ? "^" : ""}${ranges.join("")}]`;
    }
  }
  return out;
}

function literal(code: number): string {
  return `\\u{${code.toString(16)}}`;
}

/** Patterns bucketed by their literal prefix, to find those that may match a given name. */
export class PrefixIndex<T extends { readonly pattern: Pattern }> {
  readonly #buckets = new Map<string, Set<T>>();
  readonly #lengths = new Map<number, number>();
  #sortedLengths: number[] = [];

  add(item: T): void {
    const prefix = item.pattern.prefix;
    let bucket = this.#buckets.get(prefix);
    if (bucket === undefined) {
      bucket = new Set();
      this.#buckets.set(prefix, bucket);
    }
    if (bucket.has(item)) return;
    bucket.add(item);
    const count = this.#lengths.get(prefix.length) ?? 0;
    this.#lengths.set(prefix.length, count + 1);
    if (count === 0) this.#sortedLengths = [...this.#lengths.keys()].sort((a, b) => a - b);
  }

  delete(item: T): void {
    const prefix = item.pattern.prefix;
    const bucket = this.#buckets.get(prefix);
    if (bucket === undefined || !bucket.delete(item)) return;
    if (bucket.size === 0) this.#buckets.delete(prefix);
    const count = (this.#lengths.get(prefix.length) ?? 1) - 1;
    if (count > 0) {
      this.#lengths.set(prefix.length, count);
    } else {
      this.#lengths.delete(prefix.length);
      this.#sortedLengths = [...this.#lengths.keys()].sort((a, b) => a - b);
    }
  }

  /** Calls `visit` with every item whose pattern matches `name`. */
  forEachMatch(name: string, visit: (item: T) => void): void {
    for (const length of this.#sortedLengths) {
      if (length > name.length) return;
      const bucket = this.#buckets.get(length === name.length ? name : name.slice(0, length));
      if (bucket === undefined) continue;
      for (const item of bucket) if (item.pattern.test(name)) visit(item);
    }
  }
}
