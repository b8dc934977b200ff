// The sidekick pattern: a shell loop that keeps announcing a key in etcd with a TTL,
//   /bin/sh -c "while true; do etcdctl set /announce/services/apache80 127.0.0.11:80 --ttl 60; sleep 45; done"
// which the agent runs natively instead of through a shell. Recognition is pure text analysis of
// the (already expanded) script with a deliberately small shell grammar: anything outside it is
// not recognised, so a recognised loop is always equivalent to what the shell would do.
import { isEtcdctlProgram, parseEtcdctlCommand } from "./etcdctl-command.ts";

export interface AnnounceLoop {
  key: string;
  value: string;
  /** The etcdctl --ttl; 0 when the loop sets no TTL. */
  ttlSeconds: number;
  /** The sleep between two announcements; always > 0. */
  periodSeconds: number;
  /** The etcdctl command: "set" every time, "mk" creates only while absent, "update" only while present. */
  verb: "set" | "mk" | "update";
  /** True when the loop sleeps before it first announces (sleep written before etcdctl). */
  sleepFirst: boolean;
}

export type AnnounceAnalysis = { ok: true; loop: AnnounceLoop } | { ok: false; error: string };

/**
 * Recognises ["<path>/sh" | "<path>/bash" | "<path>/dash", "-c", script] where the script is
 *   while COND; do ETCDCTL; SLEEP; done      (ETCDCTL and SLEEP in either order)
 * with COND one of `true`, `:`, `[ WORD ]`; ETCDCTL an etcdctl (any path) set, mk or update;
 * SLEEP `sleep N` (any path; N seconds, decimals and a s/m/h/d suffix allowed, N > 0); ";" or
 * newlines as separators, extra blanks, an optional trailing ";"; words may be quoted ('...',
 * "..." and backslashes, as the shell reads them). Returns undefined for anything else, including
 * any "$", backquote, glob character, redirection, pipe or "&&".
 */
export function recogniseAnnounceLoop(argv: string[]): AnnounceLoop | undefined {
  const analysis = analyseAnnounceLoop(argv);
  return analysis?.ok ? analysis.loop : undefined;
}

/**
 * Like recogniseAnnounceLoop, but a script that has the loop's shape and whose etcdctl command
 * line is invalid (a typo such as "sett") gives that error instead of undefined.
 */
export function analyseAnnounceLoop(argv: string[]): AnnounceAnalysis | undefined {
  const [shell, flag, script, ...rest] = argv;
  if (shell === undefined || flag !== "-c" || script === undefined || rest.length > 0)
    return undefined;
  const base = shell.slice(shell.lastIndexOf("/") + 1);
  if (!["sh", "bash", "dash"].includes(base)) return undefined;
  const tokens = lex(script);
  if (tokens === undefined) return undefined;
  const shape = loopShape(tokens);
  if (shape === undefined) return undefined;

  const [first, second] = shape.body;
  const firstIsSleep = isSleep(first);
  const sleepWords = firstIsSleep ? first : second;
  const etcdctlWords = firstIsSleep ? second : first;
  if (!isSleep(sleepWords) || isSleep(etcdctlWords)) return undefined;
  const period = sleepSeconds(sleepWords);
  if (period === undefined || !isEtcdctlProgram(etcdctlWords[0] ?? "")) return undefined;
  const parsed = parseEtcdctlCommand(etcdctlWords);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const command = parsed.command;
  if (command.verb !== "set" && command.verb !== "mk" && command.verb !== "update")
    return undefined;
  return {
    ok: true,
    loop: {
      key: command.key,
      value: command.value,
      ttlSeconds: command.ttlSeconds ?? 0,
      periodSeconds: period,
      verb: command.verb,
      sleepFirst: firstIsSleep,
    },
  };
}

type Token = { kind: "word"; value: string; plain: boolean } | { kind: "sep"; text: ";" | "\n" };

// Characters a word may contain unquoted without meaning anything to sh or bash.
const SAFE = /^[A-Za-z0-9_/.:@%+,=-]$/;
const ENDS_WORD = new Set([" ", "\t", "\n", ";"]);

function lex(script: string): Token[] | undefined {
  const tokens: Token[] = [];
  const n = script.length;
  let i = 0;
  while (i < n) {
    const c = script[i] as string;
    if (c === " " || c === "\t") {
      i++;
    } else if (c === "\n") {
      tokens.push({ kind: "sep", text: "\n" });
      i++;
    } else if (c === ";") {
      if (script[i + 1] === ";") return undefined;
      tokens.push({ kind: "sep", text: ";" });
      i++;
    } else if (c === "\\" && script[i + 1] === "\n") {
      i += 2;
    } else {
      const word = lexWord();
      if (word === undefined) return undefined;
      tokens.push(word);
    }
  }
  return tokens;

  function lexWord(): Token | undefined {
    let value = "";
    let plain = true;
    while (i < n) {
      const c = script[i] as string;
      if (ENDS_WORD.has(c)) break;
      if (c === "\\") {
        const next = script[i + 1];
        if (next === undefined) return undefined;
        i += 2;
        if (next !== "\n") {
          value += next;
          plain = false;
        }
      } else if (c === "'") {
        const close = script.indexOf("'", i + 1);
        if (close === -1) return undefined;
        value += script.slice(i + 1, close);
        plain = false;
        i = close + 1;
      } else if (c === '"') {
        const quoted = doubleQuoted();
        if (quoted === undefined) return undefined;
        value += quoted;
        plain = false;
      } else if (SAFE.test(c)) {
        value += c;
        i++;
      } else if ((c === "[" || c === "]") && value === "" && plain) {
        // A lone "[" or "]" (the test command's brackets); anywhere else they could glob.
        const after = script[i + 1];
        if (after !== undefined && !ENDS_WORD.has(after)) return undefined;
        value = c;
        i++;
      } else {
        return undefined;
      }
    }
    return { kind: "word", value, plain };
  }

  function doubleQuoted(): string | undefined {
    let out = "";
    i++;
    while (i < n) {
      const c = script[i] as string;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === "$" || c === "`") return undefined;
      if (c === "\\") {
        const next = script[i + 1];
        if (next === undefined) return undefined;
        if (next === "\n") {
          i += 2;
        } else if ('$`"\\'.includes(next)) {
          out += next;
          i += 2;
        } else {
          out += "\\";
          i++;
        }
        continue;
      }
      out += c;
      i++;
    }
    return undefined;
  }
}

const RESERVED = new Set([
  "if",
  "then",
  "else",
  "elif",
  "fi",
  "do",
  "done",
  "case",
  "esac",
  "while",
  "until",
  "for",
  "in",
  "function",
  "select",
]);

/** The two commands of `while COND; do A; B; done`, or undefined when the script is anything else. */
function loopShape(tokens: Token[]): { body: [string[], string[]] } | undefined {
  let p = 0;
  const peek = () => tokens[p];
  const skipNewlines = () => {
    while (peek()?.kind === "sep" && (peek() as { text: string }).text === "\n") p++;
  };
  const keyword = (word: string): boolean => {
    const token = peek();
    if (token?.kind !== "word" || !token.plain || token.value !== word) return false;
    p++;
    return true;
  };
  // A command: words up to a separator (which must follow), first word not a reserved word.
  const command = (): Token[] | undefined => {
    const words: Token[] = [];
    for (let token = peek(); token?.kind === "word"; token = peek()) {
      words.push(token);
      p++;
    }
    const first = words[0];
    if (
      first === undefined ||
      (first.kind === "word" && first.plain && RESERVED.has(first.value))
    ) {
      return undefined;
    }
    return separator() ? words : undefined;
  };
  // ";" then any newlines, or one or more newlines.
  const separator = (): boolean => {
    const token = peek();
    if (token?.kind !== "sep") return false;
    p++;
    skipNewlines();
    return true;
  };
  const values = (words: Token[]) => words.map((w) => (w.kind === "word" ? w.value : ""));

  skipNewlines();
  if (!keyword("while")) return undefined;
  skipNewlines();
  const condition = command();
  if (condition === undefined || !isAlwaysTrue(values(condition))) return undefined;
  if (!keyword("do")) return undefined;
  skipNewlines();
  const body: string[][] = [];
  do {
    const words = command();
    if (words === undefined) return undefined;
    body.push(values(words));
  } while (!keyword("done"));
  const [a, b] = body;
  if (body.length !== 2 || a === undefined || b === undefined) return undefined;
  if (peek()?.kind === "sep") {
    p++;
    skipNewlines();
  }
  return p === tokens.length ? { body: [a, b] } : undefined;
}

function isAlwaysTrue(words: string[]): boolean {
  if (words.length === 1) return words[0] === "true" || words[0] === ":";
  return words.length === 3 && words[0] === "[" && words[1] !== "" && words[2] === "]";
}

function isSleep(words: string[]): boolean {
  const program = words[0] ?? "";
  return program === "sleep" || program.endsWith("/sleep");
}

const SLEEP_UNITS: Readonly<Record<string, number>> = { "": 1, s: 1, m: 60, h: 3600, d: 86400 };

function sleepSeconds(words: string[]): number | undefined {
  if (words.length !== 2) return undefined;
  const match = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(words[1] ?? "");
  if (match === null) return undefined;
  const seconds = Number(match[1]) * (SLEEP_UNITS[match[2] ?? ""] ?? 1);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}
