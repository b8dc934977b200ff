import { ROLLOUT_DEFAULTS, ROLLOUT_LIMITS } from "../rollout/model.ts";
import { parseTimespan } from "../unit/timespan.ts";
import type { RolloutOptionsRequest } from "./api-types.ts";
import { UsageError } from "./errors.ts";
import type { ParseArgsOptionsConfig } from "./flags.ts";
import type { RolloutSubcommand } from "./rollout-words.ts";

/** Every flag of `rollout` and its subcommands; each subcommand takes only its own. */
export const rolloutOptions = {
  "max-parallel": { type: "string" },
  canaries: { type: "string" },
  "manual-promote": { type: "boolean" },
  "min-healthy": { type: "string" },
  "healthy-deadline": { type: "string" },
  "progress-deadline": { type: "string" },
  "no-auto-revert": { type: "boolean" },
  drain: { type: "string" },
  detach: { type: "boolean" },
  "dry-run": { type: "boolean" },
  reason: { type: "string" },
  "to-version": { type: "string" },
  "no-follow": { type: "boolean" },
  "no-legend": { type: "boolean" },
} as const satisfies ParseArgsOptionsConfig;

export type RolloutFlag = keyof typeof rolloutOptions;
export type RolloutFlagValues = { [F in RolloutFlag]?: string | boolean };

/**
 * `start` is `rollout TARGET [FILE]`, the command without a subcommand word; `dry-run` the
 * same with --dry-run, which takes its flags (--detach changes nothing then) and --no-legend.
 * `undo --to-version` starts a rollout as `start` does, from the target's history.
 */
export type RolloutMode = "start" | "dry-run" | "undo --to-version" | RolloutSubcommand;

const START_FLAGS: readonly RolloutFlag[] = [
  "max-parallel",
  "canaries",
  "manual-promote",
  "min-healthy",
  "healthy-deadline",
  "progress-deadline",
  "no-auto-revert",
  "drain",
  "detach",
  "dry-run",
];

const FLAGS_OF: Record<RolloutMode, readonly RolloutFlag[]> = {
  start: START_FLAGS,
  "dry-run": [...START_FLAGS, "no-legend"],
  "undo --to-version": [...START_FLAGS.filter((flag) => flag !== "dry-run"), "to-version"],
  status: ["no-follow", "no-legend"],
  list: ["no-legend"],
  history: ["no-legend"],
  pause: [],
  resume: [],
  promote: [],
  abort: ["reason"],
  undo: ["detach"],
};

/** The modes that start a rollout as `rollout TARGET` does, and take its flags. */
const STARTING_AS_TARGET: readonly RolloutMode[] = ["dry-run", "undo --to-version"];

/** The mode the words and flags of a `rollout` command line make. */
export function rolloutModeOf(first: RolloutSubcommand, values: RolloutFlagValues): RolloutMode {
  return first === "undo" && values["to-version"] !== undefined ? "undo --to-version" : first;
}

/** A flag given to a subcommand it means nothing to is a mistake, not something to ignore. */
export function checkRolloutFlags(values: RolloutFlagValues, mode: RolloutMode): void {
  for (const flag of Object.keys(rolloutOptions) as RolloutFlag[]) {
    if (values[flag] === undefined || FLAGS_OF[mode].includes(flag)) continue;
    // A flag every form of `rollout TARGET` takes is named once, as the plain one's.
    const users = (Object.keys(FLAGS_OF) as RolloutMode[]).filter(
      (other) =>
        FLAGS_OF[other].includes(flag) &&
        !(STARTING_AS_TARGET.includes(other) && START_FLAGS.includes(flag)),
    );
    throw new UsageError(
      `flag --${flag} does not apply to ${commandLineOf(mode)}: it is for ${listOf(users.map(commandLineOf))}`,
      "rollout",
    );
  }
}

function commandLineOf(mode: RolloutMode): string {
  if (mode === "start") return "rollout TARGET";
  if (mode === "dry-run") return "rollout --dry-run TARGET";
  return `rollout ${mode}`;
}

/** `a`, `a and b`, `a, b and c`. */
function listOf(parts: readonly string[]): string {
  return parts.length <= 2
    ? parts.join(" and ")
    : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

type Limits = { readonly min: number; readonly max: number };

/**
 * The options the flags set; the API gives the others their cautious defaults. Every value is
 * checked here, so that a typo is a usage error before anything is sent.
 */
export function rolloutOptionsOf(values: RolloutFlagValues): RolloutOptionsRequest {
  const options: RolloutOptionsRequest = {};
  const count = (flag: RolloutFlag, limits: Limits) =>
    countFlag(stringOf(values, flag), flag, limits);
  const duration = (flag: RolloutFlag, limits: Limits) =>
    durationFlag(stringOf(values, flag), flag, limits);
  const maxParallel = count("max-parallel", ROLLOUT_LIMITS.maxParallel);
  if (maxParallel !== undefined) options.maxParallel = maxParallel;
  const canaries = count("canaries", ROLLOUT_LIMITS.canaries);
  if (canaries !== undefined) options.canaries = canaries;
  if (values["manual-promote"] === true) options.autoPromote = false;
  const minHealthy = duration("min-healthy", ROLLOUT_LIMITS.minHealthySeconds);
  if (minHealthy !== undefined) options.minHealthySeconds = minHealthy;
  const healthyDeadline = duration("healthy-deadline", ROLLOUT_LIMITS.healthyDeadlineSeconds);
  if (healthyDeadline !== undefined) options.healthyDeadlineSeconds = healthyDeadline;
  const progressDeadline = duration("progress-deadline", ROLLOUT_LIMITS.progressDeadlineSeconds);
  if (progressDeadline !== undefined) options.progressDeadlineSeconds = progressDeadline;
  if (values["no-auto-revert"] === true) options.autoRevert = false;
  const drain = duration("drain", ROLLOUT_LIMITS.drainSeconds);
  if (drain !== undefined) options.drainSeconds = drain;
  checkHealthyTimes(options);
  return options;
}

function stringOf(values: RolloutFlagValues, flag: RolloutFlag): string | undefined {
  const value = values[flag];
  return typeof value === "string" ? value : undefined;
}

/** No instance could stay healthy for --min-healthy before its --healthy-deadline. */
function checkHealthyTimes(options: RolloutOptionsRequest): void {
  const minHealthy = options.minHealthySeconds ?? ROLLOUT_DEFAULTS.minHealthySeconds;
  const deadline = options.healthyDeadlineSeconds ?? ROLLOUT_DEFAULTS.healthyDeadlineSeconds;
  if (deadline > minHealthy) return;
  const given = (set: boolean) => (set ? "" : ", the default");
  throw new UsageError(
    `--healthy-deadline (${formatDuration(deadline)}${given(options.healthyDeadlineSeconds !== undefined)}) must exceed --min-healthy (${formatDuration(minHealthy)}${given(options.minHealthySeconds !== undefined)})`,
    "rollout",
  );
}

/** --to-version=N: a version number, as `rollout history` shows them. */
export function versionFlag(values: RolloutFlagValues): number {
  const value = stringOf(values, "to-version") ?? "";
  if (!/^\s*[1-9]\d*\s*$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(
      `--to-version ${value}: expected a version number, 1 or more, as 'rollout history' shows them`,
      "rollout",
    );
  }
  return Number(value);
}

/** A whole number within the API's limits, e.g. --max-parallel=2. */
export function countFlag(
  value: string | undefined,
  flag: string,
  limits: Limits,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || number < limits.min || number > limits.max) {
    throw new UsageError(
      `--${flag} ${value}: expected a whole number from ${limits.min} to ${limits.max}`,
      "rollout",
    );
  }
  return number;
}

/** A systemd time span in whole seconds within the API's limits: 10s, 5min, 1h, 90 (seconds). */
export function durationFlag(
  value: string | undefined,
  flag: string,
  limits: Limits,
): number | undefined {
  if (value === undefined) return undefined;
  const seconds = parseTimespan(value);
  const range = `from ${formatDuration(limits.min)} to ${formatDuration(limits.max)}`;
  if (seconds === undefined || !Number.isFinite(seconds)) {
    throw new UsageError(
      `--${flag} ${value}: expected a duration such as 10s, 5min or 1h, ${range}`,
      "rollout",
    );
  }
  if (!Number.isInteger(seconds) || seconds < limits.min || seconds > limits.max) {
    throw new UsageError(`--${flag} ${value}: expected whole seconds ${range}`, "rollout");
  }
  return seconds;
}

/** Seconds as the flags take them, in the largest unit that divides them: 90s, 5min, 24h. */
export function formatDuration(seconds: number): string {
  if (seconds > 0 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds > 0 && seconds % 60 === 0) return `${seconds / 60}min`;
  return `${seconds}s`;
}

const defaults = ROLLOUT_DEFAULTS;

export const rolloutFlagHelp: readonly (readonly [string, string])[] = [
  [
    "--max-parallel=N",
    `Instances replaced at once; the others keep serving (default ${defaults.maxParallel})`,
  ],
  [
    "--canaries=N",
    `New instances started beside the old ones first, destroyed at the end (a unit's or a glob's: its first ones, replaced in place) (default ${defaults.canaries}; 0: none)`,
  ],
  ["--manual-promote", "Wait for 'rollout promote ID' once the canaries are healthy"],
  [
    "--min-healthy=DURATION",
    `How long a new instance must stay healthy to count as replaced (default ${formatDuration(defaults.minHealthySeconds)})`,
  ],
  [
    "--healthy-deadline=DURATION",
    `An instance not healthy that long after its replacement fails the rollout (default ${formatDuration(defaults.healthyDeadlineSeconds)})`,
  ],
  [
    "--progress-deadline=DURATION",
    `A rollout that replaces no instance for that long fails (default ${formatDuration(defaults.progressDeadlineSeconds)})`,
  ],
  [
    "--no-auto-revert",
    "On failure, leave the replaced instances on the new content instead of putting them back",
  ],
  [
    "--drain=DURATION",
    `How long an instance's announcements are withdrawn before it is stopped (default ${formatDuration(defaults.drainSeconds)})`,
  ],
  ["--detach", "Start it (or the undo) and exit, without following it"],
  [
    "--to-version=N",
    "undo: roll out version N of the target's history ('rollout history') instead, with the flags of 'rollout TARGET'",
  ],
  [
    "--dry-run",
    "Start nothing: show which instances it would replace, where, in which waves (POST /v1/plan)",
  ],
  ["--no-follow", "status: print the rollout as it is now, with its instances, and exit"],
  ["--no-legend", "status, list, history, --dry-run: do not print the column headers"],
  ["--reason=TEXT", "abort: why, kept with the rollout"],
];
