// Fleet-era etcdctl (v2 API) command lines, read as etcdctl v2 read them (Go's flag package under
// codegangsta/cli: -flag and --flag alike, -flag=value or -flag value, booleans only as -flag or
// -flag=false, global options before the command). The agent executes them against etcd v3.
// Pure; nothing here throws.
import { posix } from "node:path";
import { show } from "./docker-command.ts";

export type EtcdctlOutput = "simple" | "extended" | "json";

export type EtcdctlCommand = (
  | { verb: "set" | "mk" | "update"; key: string; value: string; ttlSeconds?: number }
  | { verb: "get"; key: string }
  | { verb: "rm"; key: string; recursive: boolean; dir: boolean }
  | { verb: "ls"; key: string; recursive: boolean }
) & {
  /** --output/-o when given: only what the command would print depends on it. */
  output?: EtcdctlOutput;
};

export type EtcdctlParse = { ok: true; command: EtcdctlCommand } | { ok: false; error: string };

/** "etcdctl", or any path ending in "/etcdctl". */
export function isEtcdctlProgram(program: string): boolean {
  return program === "etcdctl" || program.endsWith("/etcdctl");
}

interface GoFlag {
  names: string[];
  takesValue: boolean;
}

const GLOBAL_FLAGS: GoFlag[] = [
  { names: ["debug"], takesValue: false },
  { names: ["no-sync"], takesValue: false },
  { names: ["output", "o"], takesValue: true },
  { names: ["peers", "C"], takesValue: true },
  { names: ["endpoint"], takesValue: true },
  { names: ["endpoints"], takesValue: true },
];

const TTL: GoFlag = { names: ["ttl"], takesValue: true };
const RECURSIVE: GoFlag = { names: ["recursive", "r"], takesValue: false };
const SORT: GoFlag = { names: ["sort"], takesValue: false };
const QUORUM: GoFlag = { names: ["quorum", "q"], takesValue: false };

type Verb = EtcdctlCommand["verb"];

const COMMAND_FLAGS: Readonly<Record<Verb, GoFlag[]>> = {
  set: [TTL],
  mk: [TTL],
  update: [TTL],
  get: [SORT, QUORUM],
  rm: [RECURSIVE, { names: ["dir"], takesValue: false }],
  ls: [RECURSIVE, SORT, QUORUM],
};

// etcdctl v2's other commands: known, but not something a unit's Exec line can use here.
const OTHER_COMMANDS = [
  "backup",
  "cluster-health",
  "mkdir",
  "rmdir",
  "setdir",
  "updatedir",
  "watch",
  "exec-watch",
  "member",
  "user",
  "role",
  "auth",
  "import",
  "migrate",
  "help",
];

const OUTPUTS: readonly string[] = ["simple", "extended", "json"];

/**
 * Parses an etcdctl v2 command line: set/mk/update KEY VALUE [--ttl N], get KEY, rm KEY
 * [--recursive|-r] [--dir], ls [KEY] [--recursive|-r]. Global options --peers/-C, --endpoint,
 * --endpoints, --no-sync and --debug are accepted and ignored (the agent uses its own cluster),
 * --output/-o is recorded; other options are refused. Command flags may come before the arguments
 * or after them (etcdctl v2 moved flags that follow the arguments to the front), but not between
 * them: etcdctl would then have swapped the arguments. Keys are cleaned as etcd v2 did ("a//b/"
 * is "/a/b"). "--ttl 0" means no TTL, as in etcd v2. Extra arguments are errors (etcdctl ignored
 * them, which hides mistakes such as an unquoted value with a space).
 */
export function parseEtcdctlCommand(argv: string[]): EtcdctlParse {
  const program = argv[0];
  if (program === undefined || !isEtcdctlProgram(program)) {
    return fail(`not an etcdctl command line: ${show(program ?? "")}`);
  }
  const globals = parseGoFlags(argv.slice(1), GLOBAL_FLAGS, "etcdctl option");
  if (!globals.ok) return globals;
  let output: EtcdctlOutput | undefined;
  for (const [name, value] of globals.values) {
    if (name === "output" || name === "o") {
      if (!OUTPUTS.includes(value)) {
        return fail(`invalid etcdctl --output ${show(value)}: expected simple, extended or json`);
      }
      output = value as EtcdctlOutput;
    }
  }
  const [verb, ...args] = globals.positional;
  if (verb === undefined) return fail("etcdctl needs a command such as set, get, rm or ls");
  if (!Object.hasOwn(COMMAND_FLAGS, verb)) {
    if (OTHER_COMMANDS.includes(verb)) return fail(`unsupported etcdctl command ${show(verb)}`);
    const hint = nearestCommand(verb);
    return fail(
      `unknown etcdctl command ${show(verb)}${hint === undefined ? "" : ` (did you mean ${hint}?)`}`,
    );
  }
  const command = parseCommand(verb as Verb, args);
  if (!command.ok || output === undefined) return command;
  return { ok: true, command: { ...command.command, output } };
}

function parseCommand(verb: Verb, args: string[]): EtcdctlParse {
  const reordered = reorder(verb, args);
  if (!reordered.ok) return reordered;
  const parsed = parseGoFlags(reordered.args, COMMAND_FLAGS[verb], `etcdctl ${verb} flag`);
  if (!parsed.ok) return parsed;
  const flag = (name: string) => parsed.values.get(name);
  const bool = (...names: string[]) => names.some((n) => flag(n) === "true");
  const positional = parsed.positional;
  const needed = verb === "set" || verb === "mk" || verb === "update" ? 2 : 1;
  if (positional.length > needed) {
    return fail(`etcdctl ${verb}: unexpected argument ${show(positional[needed] ?? "")}`);
  }
  const rawKey = positional[0] ?? (verb === "ls" ? "/" : undefined);
  if (rawKey === undefined || rawKey === "") return fail(`etcdctl ${verb} needs a key`);
  const key = cleanKey(rawKey);
  if (key === "/" && verb !== "get" && verb !== "ls") {
    return fail(`etcdctl ${verb}: the root key / is read-only`);
  }
  switch (verb) {
    case "set":
    case "mk":
    case "update": {
      const ttlText = flag("ttl");
      if (ttlText !== undefined && !/^(?:0|[1-9]\d{0,14})$/.test(ttlText)) {
        return fail(
          `etcdctl ${verb}: bad --ttl ${show(ttlText)}: expected a whole number of seconds`,
        );
      }
      const value = positional[1];
      if (value === undefined) {
        return fail(
          `etcdctl ${verb} needs a value after the key (etcdctl read a missing value from standard input, which a unit does not have)`,
        );
      }
      const ttl = ttlText === undefined ? 0 : Number(ttlText);
      return {
        ok: true,
        command: ttl > 0 ? { verb, key, value, ttlSeconds: ttl } : { verb, key, value },
      };
    }
    case "get":
      return { ok: true, command: { verb, key } };
    case "rm":
      return {
        ok: true,
        command: { verb, key, recursive: bool("recursive", "r"), dir: bool("dir") },
      };
    case "ls":
      return { ok: true, command: { verb, key, recursive: bool("recursive", "r") } };
  }
}

/**
 * codegangsta/cli parsed a command's arguments from the first flag on, followed by the arguments
 * before it. That is what lets `set KEY VALUE --ttl 60` work; with arguments on both sides of the
 * flags it silently reorders them, which is refused here.
 */
function reorder(
  verb: Verb,
  args: string[],
): { ok: true; args: string[] } | { ok: false; error: string } {
  let first = -1;
  for (const [index, arg] of args.entries()) {
    if (arg === "--") break;
    if (arg !== "-" && arg.startsWith("-")) {
      first = index;
      break;
    }
  }
  if (first <= 0) return { ok: true, args };
  const before = args.slice(0, first);
  const from = args.slice(first);
  const terminator = from.indexOf("--");
  const flagArgs = terminator === -1 ? from : from.slice(0, terminator);
  const after = terminator === -1 ? [] : from.slice(terminator);
  const flagsOnly = parseGoFlags(flagArgs, COMMAND_FLAGS[verb], `etcdctl ${verb} flag`);
  // The flags alone must parse: "--ttl" at the very end would otherwise take the key as its value.
  if (!flagsOnly.ok) return flagsOnly;
  if (flagsOnly.positional.length > 0) {
    return fail(
      `etcdctl ${verb}: put the flags before or after all of the arguments, not between them (etcdctl v2 would have reordered the arguments)`,
    );
  }
  return { ok: true, args: [...flagArgs, ...before, ...after] };
}

type GoParsed =
  | { ok: true; values: Map<string, string>; positional: string[] }
  | { ok: false; error: string };

// Go's flag.FlagSet.Parse: stops at the first non-flag argument or after "--".
function parseGoFlags(args: readonly string[], flags: readonly GoFlag[], what: string): GoParsed {
  const values = new Map<string, string>();
  let i = 0;
  while (i < args.length) {
    const arg = args[i] as string;
    if (arg.length < 2 || !arg.startsWith("-")) break;
    if (arg === "--") {
      i++;
      break;
    }
    const body = arg.startsWith("--") ? arg.slice(2) : arg.slice(1);
    if (body === "" || body.startsWith("-") || body.startsWith("=")) {
      return fail(`bad flag syntax: ${show(arg)}`);
    }
    const eq = body.indexOf("=");
    const name = eq === -1 ? body : body.slice(0, eq);
    const written = `${arg.startsWith("--") ? "--" : "-"}${name}`;
    const flag = flags.find((f) => f.names.includes(name));
    if (flag === undefined) return fail(`unsupported ${what} ${show(written)}`);
    let value: string;
    if (!flag.takesValue) {
      const text = eq === -1 ? "true" : body.slice(eq + 1);
      const parsed = parseGoBool(text);
      if (parsed === undefined)
        return fail(`${what} ${written} takes true or false, not ${show(text)}`);
      value = String(parsed);
    } else if (eq !== -1) {
      value = body.slice(eq + 1);
    } else {
      const next = args[i + 1];
      if (next === undefined) return fail(`${what} ${written} needs a value`);
      value = next;
      i++;
    }
    values.set(name, value);
    i++;
  }
  return { ok: true, values, positional: args.slice(i) };
}

function parseGoBool(value: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  return undefined;
}

/** etcd v2's key cleaning: rooted at "/", "." and ".." resolved, no doubled or trailing "/". */
export function cleanKey(key: string): string {
  const joined = posix.normalize(`/${key}`);
  return joined.length > 1 && joined.endsWith("/") ? joined.slice(0, -1) : joined;
}

function nearestCommand(verb: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of [...Object.keys(COMMAND_FLAGS), ...OTHER_COMMANDS]) {
    const d = editDistance(verb.toLowerCase(), candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3))
    ? best
    : undefined;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 40) return 99;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 99;
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}
