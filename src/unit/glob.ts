// Glob matching with the semantics of Go's path.Match, which fleet used for Conflicts and Replaces:
// `*` matches any run of characters other than "/", `?` one character other than "/", `[...]` and
// `[^...]` a character class of single characters and lo-hi ranges, `\` escapes the next
// character, and the pattern must cover the whole name. A malformed pattern matches nothing
// (fleet ignored path.Match's error). Matching runs over a state set, so it stays linear in the
// name for any pattern: a unit file cannot make it backtrack exponentially.

type Token =
  | { kind: "star" }
  | { kind: "any" }
  | { kind: "literal"; code: number }
  | { kind: "class"; negated: boolean; ranges: [number, number][] };

const SLASH = 0x2f;

/** True when `pattern` is a well-formed glob. */
export function isValidGlob(pattern: string): boolean {
  return compile(pattern) !== undefined;
}

export function globMatch(pattern: string, name: string): boolean {
  const tokens = compile(pattern);
  if (tokens === undefined) return false;
  let states = closure(tokens, new Set([0]));
  for (const char of name) {
    const code = char.codePointAt(0) ?? 0;
    const next = new Set<number>();
    for (const state of states) {
      const token = tokens[state];
      if (token === undefined) continue;
      if (token.kind === "star") {
        if (code !== SLASH) next.add(state);
      } else if (matchesOne(token, code)) {
        next.add(state + 1);
      }
    }
    states = closure(tokens, next);
    if (states.size === 0) return false;
  }
  return states.has(tokens.length);
}

// A star may match nothing, so a state sitting on a star also stands for the state after it.
function closure(tokens: Token[], states: Set<number>): Set<number> {
  const out = new Set<number>();
  for (let state of states) {
    out.add(state);
    while (tokens[state]?.kind === "star") {
      state++;
      out.add(state);
    }
  }
  return out;
}

function matchesOne(token: Exclude<Token, { kind: "star" }>, code: number): boolean {
  switch (token.kind) {
    case "any":
      return code !== SLASH;
    case "literal":
      return code === token.code;
    case "class":
      return token.ranges.some(([lo, hi]) => lo <= code && code <= hi) !== token.negated;
  }
}

function compile(pattern: string): Token[] | undefined {
  const chars = Array.from(pattern, (c) => c.codePointAt(0) ?? 0);
  const tokens: Token[] = [];
  let i = 0;
  while (i < chars.length) {
    const code = chars[i] as number;
    i++;
    if (code === 0x2a) {
      tokens.push({ kind: "star" });
    } else if (code === 0x3f) {
      tokens.push({ kind: "any" });
    } else if (code === 0x5c) {
      const escaped = chars[i];
      if (escaped === undefined) return undefined;
      tokens.push({ kind: "literal", code: escaped });
      i++;
    } else if (code === 0x5b) {
      const parsed = compileClass(chars, i);
      if (parsed === undefined) return undefined;
      tokens.push(parsed.token);
      i = parsed.next;
    } else {
      tokens.push({ kind: "literal", code });
    }
  }
  return tokens;
}

// Go's class grammar: optional "^", then at least one range before the closing "]"; a range end is
// any character except "-" and "]" unless escaped; lo > hi is allowed and matches nothing.
function compileClass(chars: number[], start: number): { token: Token; next: number } | undefined {
  let i = start;
  const negated = chars[i] === 0x5e;
  if (negated) i++;
  const ranges: [number, number][] = [];
  for (;;) {
    if (chars[i] === 0x5d && ranges.length > 0) {
      return { token: { kind: "class", negated, ranges }, next: i + 1 };
    }
    const lo = classChar(chars, i);
    if (lo === undefined) return undefined;
    i = lo.next;
    let hi = lo;
    if (chars[i] === 0x2d) {
      const end = classChar(chars, i + 1);
      if (end === undefined) return undefined;
      hi = end;
      i = end.next;
    }
    ranges.push([lo.code, hi.code]);
  }
}

function classChar(chars: number[], at: number): { code: number; next: number } | undefined {
  let i = at;
  const first = chars[i];
  if (first === undefined || first === 0x2d || first === 0x5d) return undefined;
  if (first === 0x5c) i++;
  const code = chars[i];
  if (code === undefined) return undefined;
  // A class must be closed, so its last character cannot be the end of the pattern.
  if (i + 1 >= chars.length) return undefined;
  return { code, next: i + 1 };
}
