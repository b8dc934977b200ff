import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./errors.ts";
import type { OutputFormat } from "./output.ts";

export type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/** Flags every command takes, before or after the command name, as fleetctl's did. */
export const globalOptions = {
  endpoint: { type: "string" },
  token: { type: "string" },
  "request-timeout": { type: "string" },
  output: { type: "string", short: "o" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsOptionsConfig;

export const globalFlagHelp: readonly (readonly [string, string])[] = [
  ["--endpoint=URL", "The control plane's API (default http://127.0.0.1:7600)"],
  ["--token=TOKEN", "Bearer token for the API"],
  ["--request-timeout=SECONDS", "Give up on a single request after this long (default 10)"],
  ["-o, --output=table|json", "Tables and messages, or one JSON document on stdout"],
  ["-h, --help", "Help for the command"],
];

export const DEFAULT_ENDPOINT = "http://127.0.0.1:7600";
const DEFAULT_REQUEST_TIMEOUT_SECONDS = 10;

export interface GlobalSettings {
  endpoint: string;
  token?: string;
  requestTimeoutMs: number;
  output: OutputFormat;
}

type Environment = Record<string, string | undefined>;

/**
 * A global flag from the environment when absent from the command line: FLOTILLA_<FLAG>, or
 * FLEETCTL_<FLAG> as fleetctl read it (--request-timeout is FLEETCTL_REQUEST_TIMEOUT). An
 * empty variable counts as unset, as it did for fleetctl.
 */
export function fromEnvironment(flag: string, env: Environment): string | undefined {
  const suffix = flag.toUpperCase().replaceAll("-", "_");
  return env[`FLOTILLA_${suffix}`] || env[`FLEETCTL_${suffix}`] || undefined;
}

export function resolveGlobals(
  values: { endpoint?: string; token?: string; "request-timeout"?: string; output?: string },
  env: Environment,
  /** Extra --output values a command takes, e.g. journalctl's modes for journal. */
  outputAliases: Readonly<Record<string, OutputFormat>> = {},
): GlobalSettings {
  const pick = (flag: keyof typeof values) => values[flag] ?? fromEnvironment(flag, env);
  // fleetctl took a comma-separated list and used the first endpoint.
  const endpoint = (pick("endpoint") ?? DEFAULT_ENDPOINT).split(",")[0]?.trim() ?? "";
  if (!/^https?:\/\/[^/\s]+/.test(endpoint)) {
    throw new UsageError(`--endpoint ${endpoint}: expected a URL such as ${DEFAULT_ENDPOINT}`);
  }
  const timeout = pick("request-timeout");
  const seconds = timeout === undefined ? DEFAULT_REQUEST_TIMEOUT_SECONDS : Number(timeout);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--request-timeout ${timeout}: expected a positive number of seconds`);
  }
  const requested = pick("output") ?? "table";
  const output =
    requested === "json" || requested === "table" ? requested : outputAliases[requested];
  if (output === undefined) {
    const accepted = ["table", "json", ...Object.keys(outputAliases)].join(", ");
    throw new UsageError(`--output ${requested}: expected one of ${accepted}`);
  }
  const token = pick("token");
  return {
    endpoint,
    ...(token ? { token } : {}),
    requestTimeoutMs: Math.round(seconds * 1000),
    output,
  };
}

/**
 * Splits off the command name: the first argument that is neither a global flag nor the
 * value of one. Global flags may come before it (`fleetctl --endpoint=URL list-units`).
 */
export function splitCommand(argv: readonly string[]): { command?: string; rest: string[] } {
  const takesValue = new Set(
    Object.entries<ParseArgsOptionsConfig[string]>(globalOptions)
      .filter(([, option]) => option.type === "string")
      .flatMap(([name, option]) => [`--${name}`, ...(option.short ? [`-${option.short}`] : [])]),
  );
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === "--") break;
    if (!token.startsWith("-") || token === "-") {
      return { command: token, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
    }
    if (takesValue.has(token)) i++;
  }
  return { rest: [...argv] };
}

/**
 * Parses a command's arguments with node's parseArgs, strictly; its errors become one-line
 * usage errors. `--flag=true` and `--flag=false` are accepted for boolean flags, as pflag did.
 */
export function parseCommandLine<O extends ParseArgsOptionsConfig>(
  args: readonly string[],
  options: O,
  command: string,
) {
  const all = { ...globalOptions, ...options };
  const booleans = new Set(
    Object.entries<ParseArgsOptionsConfig[string]>(all)
      .filter(([, option]) => option.type === "boolean")
      .map(([name]) => `--${name}`),
  );
  const normalised = args.flatMap((token) => {
    const match = /^(--[^=]+)=(true|false)$/i.exec(token);
    if (!match || !booleans.has(match[1] as string)) return [token];
    return match[2]?.toLowerCase() === "true" ? [match[1] as string] : [];
  });
  try {
    return parseArgs({ args: normalised, options: all, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error as Error & { code?: string }), command);
  }
}

function describeParseError(error: Error & { code?: string }): string {
  // Node names a flag with a short form "-l, --full": the long form reads better.
  const flag =
    /(--[A-Za-z0-9-]+)/.exec(error.message)?.[1] ?? /'(-[^' ,]+)/.exec(error.message)?.[1] ?? "";
  switch (error.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown flag ${flag}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return /argument missing/.test(error.message)
        ? `flag ${flag} needs a value`
        : `flag ${flag} takes no value`;
    default:
      return error.message;
  }
}

/** A whole number flag, such as --block-attempts=N or --lines=N. */
export function integerFlag(
  value: string | undefined,
  flag: string,
  fallback: number,
  minimum = 0,
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(number) || number < minimum) {
    throw new UsageError(`${flag} ${value}: expected a whole number of at least ${minimum}`);
  }
  return number;
}
