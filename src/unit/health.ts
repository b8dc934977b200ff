// The [X-Health] section: one probe of a running unit and when to judge it. Pure; nothing
// here throws. The agent runs the probe (src/agent/health-monitor.ts).
import { classifyExec } from "./command-kind.ts";
import { isDockerProgram } from "./docker-command.ts";
import { parseExecLineWithLookup } from "./exec-line.ts";
import {
  DEFAULT_EXPECT_STATUS,
  type HealthProbe,
  parseExpectStatus,
  resolveProbe,
} from "./health-probe.ts";
import type { Located, UnitFile } from "./model.ts";
import { lastOptionValue, optionValues } from "./options.ts";
import { errorWhateverTheValues, holdsForSomeValues } from "./placeholders.ts";
import { serializeWithLines } from "./serialize.ts";
import { expandSpecifiers, type SpecifierContext } from "./specifiers.ts";
import { quote } from "./text.ts";
import { parseTimespan } from "./timespan.ts";

export const HEALTH_SECTION = "X-Health";

/** What each probe key checks; a unit declares exactly one. */
const PROBE_KEYS = {
  HTTPGet: "http",
  TCPConnect: "tcp",
  ExecCheck: "exec",
  ContainerExecCheck: "container-exec",
} as const;

type ProbeKey = keyof typeof PROBE_KEYS;

const SETTING_KEYS = [
  "ExpectStatus",
  "IntervalSec",
  "TimeoutSec",
  "StartPeriodSec",
  "UnhealthyThreshold",
  "HealthyThreshold",
  "RestartAfter",
] as const;

/** Every key [X-Health] takes; any other is an error. */
export const HEALTH_KEYS: readonly string[] = [...Object.keys(PROBE_KEYS), ...SETTING_KEYS];

/** A unit's health check, with its defaults filled in. */
export interface HealthCheck {
  probe: HealthProbe;
  /** Between the starts of two checks, and from the unit's start to the first check. */
  intervalSeconds: number;
  /** A check that has not answered by then has failed. At most intervalSeconds. */
  timeoutSeconds: number;
  /** From the unit's start: failures within it do not count, until a check first succeeds. */
  startPeriodSeconds: number;
  /** Failed checks in a row that make the unit unhealthy. */
  unhealthyThreshold: number;
  /** Successful checks in a row that make it healthy. */
  healthyThreshold: number;
  /** Failed checks in a row after which the agent restarts the unit; absent: never. */
  restartAfter?: number;
}

export const HEALTH_DEFAULTS = {
  intervalSeconds: 10,
  /** Or the interval, when that is shorter. */
  timeoutSeconds: 2,
  startPeriodSeconds: 0,
  unhealthyThreshold: 3,
  healthyThreshold: 1,
} as const;

const DAY = 86_400;
const MIN_INTERVAL_SECONDS = 1;
const MAX_THRESHOLD = 100;

export interface HealthSection {
  /** Absent when the unit declares no check, or when its declaration has errors. */
  check?: HealthCheck;
  errors: Located[];
}

interface Assignment {
  value: string;
  line: number;
}

/**
 * Reads and checks the [X-Health] section of `file`, its specifiers expanded with `context`.
 * Every problem is reported with its line and key: an unknown key, no probe or two, a value
 * that does not parse or is out of range, a ContainerExecCheck= for a unit that runs no
 * container in the foreground, a check of a Type=oneshot unit. As in systemd, the last
 * assignment of a key wins and an empty one resets it. Values that use the unit's variables
 * are checked with placeholder values (see placeholders.ts). `lines[i]` is the line of
 * `file.options[i]`; without it, lines refer to the canonical serialization of `file`.
 */
export function readHealthSection(
  file: UnitFile,
  context: SpecifierContext,
  lines?: readonly number[],
): HealthSection {
  const lineOf = lines ?? serializeWithLines(file).lines;
  const errors: Located[] = [];
  const assigned = new Map<string, Assignment>();
  let firstLine: number | undefined;
  file.options.forEach((option, index) => {
    if (option.section !== HEALTH_SECTION) return;
    const line = lineOf[index] ?? 1;
    firstLine ??= line;
    if (!HEALTH_KEYS.includes(option.name)) {
      errors.push({ line, message: unknownKeyMessage(option.name) });
      return;
    }
    if (option.value === "") assigned.delete(option.name);
    else assigned.set(option.name, { value: expandSpecifiers(option.value, context), line });
  });
  if (firstLine === undefined) return { errors };

  const probes = (Object.keys(PROBE_KEYS) as ProbeKey[])
    .filter((key) => assigned.has(key))
    .sort((a, b) => (assigned.get(a)?.line ?? 0) - (assigned.get(b)?.line ?? 0));
  const [probeKey, secondKey] = probes;
  if (probeKey === undefined) {
    if (assigned.size > 0) {
      errors.push({
        line: firstLine,
        message: `[${HEALTH_SECTION}] declares no check: set one of ${Object.keys(PROBE_KEYS)
          .map((key) => `${key}=`)
          .join(", ")}`,
      });
    }
    return { errors };
  }
  if (secondKey !== undefined) {
    const first = assigned.get(probeKey) as Assignment;
    errors.push({
      line: (assigned.get(secondKey) as Assignment).line,
      message: `[${HEALTH_SECTION}] declares two checks, ${probeKey}= (line ${first.line}) and ${secondKey}=: a unit has exactly one`,
    });
  }

  const number = new NumberReader(assigned, errors);
  const intervalSeconds = number.timespan(
    "IntervalSec",
    HEALTH_DEFAULTS.intervalSeconds,
    MIN_INTERVAL_SECONDS,
    DAY,
  );
  const timeoutSeconds = number.timeout(intervalSeconds);
  const startPeriodSeconds = number.timespan(
    "StartPeriodSec",
    HEALTH_DEFAULTS.startPeriodSeconds,
    0,
    DAY,
  );
  const unhealthyThreshold = number.whole("UnhealthyThreshold", HEALTH_DEFAULTS.unhealthyThreshold);
  const healthyThreshold = number.whole("HealthyThreshold", HEALTH_DEFAULTS.healthyThreshold);
  const restartAfter = number.restartAfter(unhealthyThreshold);

  const probe = readProbe(probeKey, assigned, errors);
  errors.push(...serviceProblems(file, context, probeKey, assigned.get(probeKey) as Assignment));
  if (errors.length > 0 || probe === undefined) return { errors };
  const check: HealthCheck = {
    probe,
    intervalSeconds,
    timeoutSeconds,
    startPeriodSeconds,
    unhealthyThreshold,
    healthyThreshold,
  };
  if (restartAfter !== undefined) check.restartAfter = restartAfter;
  return { check, errors };
}

function unknownKeyMessage(name: string): string {
  const message = `unknown key ${name} in section [${HEALTH_SECTION}]`;
  const near = HEALTH_KEYS.find((key) => key.toLowerCase() === name.toLowerCase());
  if (near !== undefined) return `${message} (did you mean ${near}?)`;
  return `${message} (it takes ${HEALTH_KEYS.join(", ")})`;
}

function readProbe(
  key: ProbeKey,
  assigned: ReadonlyMap<string, Assignment>,
  errors: Located[],
): HealthProbe | undefined {
  const { value, line } = assigned.get(key) as Assignment;
  const expect = assigned.get("ExpectStatus");
  let probe: HealthProbe;
  switch (PROBE_KEYS[key]) {
    case "http": {
      let expectStatus = [...DEFAULT_EXPECT_STATUS];
      if (expect !== undefined) {
        const parsed = parseExpectStatus(expect.value);
        if (parsed.ok) expectStatus = parsed.ranges;
        else errors.push({ line: expect.line, message: `ExpectStatus: ${parsed.error}` });
      }
      probe = { kind: "http", url: value, expectStatus };
      break;
    }
    case "tcp":
      probe = { kind: "tcp", address: value };
      break;
    case "exec":
      probe = { kind: "exec", command: value };
      break;
    case "container-exec":
      probe = { kind: "container-exec", command: value };
      break;
  }
  if (expect !== undefined && probe.kind !== "http") {
    errors.push({
      line: expect.line,
      message: `ExpectStatus applies to HTTPGet= only, and this unit checks with ${key}=`,
    });
  }
  const error = errorWhateverTheValues((lookup) => {
    const resolved = resolveProbe(probe, lookup);
    return resolved.ok ? undefined : resolved.error;
  });
  if (error !== undefined) {
    errors.push({ line, message: `${key}: ${error}` });
    return undefined;
  }
  return probe;
}

/** What the unit's [Service] must be for its check: running, and in a container for ContainerExecCheck. */
function serviceProblems(
  file: UnitFile,
  context: SpecifierContext,
  probeKey: ProbeKey,
  probe: Assignment,
): Located[] {
  const type = lastOptionValue(file, "Service", "Type");
  if (type === "oneshot") {
    return [
      {
        line: probe.line,
        message: `[${HEALTH_SECTION}] checks a service while it runs, but this one is Type=oneshot: it ends once it has done its work`,
      },
    ];
  }
  if (probeKey === "ExecCheck") return dockerCheckProblems(probe);
  if (probeKey !== "ContainerExecCheck") return [];
  const execStart = optionValues(file, "Service", "ExecStart").map((line) =>
    expandSpecifiers(line, context),
  );
  const [only] = execStart;
  const runsContainer =
    execStart.length === 1 &&
    only !== undefined &&
    holdsForSomeValues((lookup) => {
      const parsed = parseExecLineWithLookup(only, lookup);
      if (!parsed.ok) return false;
      const kind = classifyExec(parsed.line.argv);
      if (kind.kind !== "docker") return false;
      const { command } = kind;
      return (
        (command.verb === "run" && !command.run.detach) ||
        (command.verb === "start" && command.attach && command.containers.length === 1)
      );
    });
  if (runsContainer) return [];
  return [
    {
      line: probe.line,
      message:
        "ContainerExecCheck runs its command in the unit's container, but this unit's ExecStart= runs none in the foreground (a docker run without -d); check from the machine with ExecCheck=, HTTPGet= or TCPConnect=",
    },
  ];
}

/**
 * ExecCheck= runs a program on the machine, and docker commands never run there: ExecStart='s
 * go through the Engine API, and the agent's machine need have no docker CLI. A command in the
 * unit's container is ContainerExecCheck='s.
 */
function dockerCheckProblems(probe: Assignment): Located[] {
  const runsDocker = holdsForSomeValues((lookup) => {
    const parsed = parseExecLineWithLookup(probe.value, lookup);
    if (!parsed.ok) return false;
    const kind = classifyExec(parsed.line.argv);
    return (
      kind.kind === "docker" ||
      (kind.kind === "invalid" && isDockerProgram(parsed.line.argv[0] ?? ""))
    );
  });
  if (!runsDocker) return [];
  return [
    {
      line: probe.line,
      message:
        "ExecCheck runs a program on the machine, and docker commands are not run as programs (the agent uses the Docker Engine API): run a command in the unit's container with ContainerExecCheck=",
    },
  ];
}

/** Reads the numeric settings, reporting each value that does not parse or is out of range. */
class NumberReader {
  /** Keys whose value was refused: a check against one would judge by its default instead. */
  private readonly failed = new Set<string>();

  constructor(
    private readonly assigned: ReadonlyMap<string, Assignment>,
    private readonly errors: Located[],
  ) {}

  timespan(key: string, fallback: number, min: number, max: number): number {
    const given = this.assigned.get(key);
    if (given === undefined) return fallback;
    const seconds = this.seconds(key, given);
    if (seconds === undefined) return fallback;
    if (seconds < min || seconds > max) {
      this.fail(
        key,
        given,
        `${key} must be from ${spell(min)} to ${spell(max)}, not ${quote(given.value)}`,
      );
      return fallback;
    }
    return seconds;
  }

  /** TimeoutSec=: more than 0 and at most the interval, so that checks never overlap. */
  timeout(intervalSeconds: number): number {
    const given = this.assigned.get("TimeoutSec");
    const fallback = Math.min(HEALTH_DEFAULTS.timeoutSeconds, intervalSeconds);
    if (given === undefined) return fallback;
    const seconds = this.seconds("TimeoutSec", given);
    if (seconds === undefined) return fallback;
    // Against an IntervalSec= that was refused, only the first bound can be checked.
    if (seconds <= 0 || (!this.failed.has("IntervalSec") && seconds > intervalSeconds)) {
      this.fail(
        "TimeoutSec",
        given,
        `TimeoutSec must be more than 0 and at most IntervalSec (${spell(intervalSeconds)}), so that checks never overlap, not ${quote(given.value)}`,
      );
      return fallback;
    }
    return seconds;
  }

  whole(key: string, fallback: number): number {
    const given = this.assigned.get(key);
    if (given === undefined) return fallback;
    const value = given.value.trim();
    const count = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
    if (!(count >= 1 && count <= MAX_THRESHOLD)) {
      this.fail(
        key,
        given,
        `${key} must be a whole number from 1 to ${MAX_THRESHOLD}, not ${quote(given.value)}`,
      );
      return fallback;
    }
    return count;
  }

  /** RestartAfter=: a unit is restarted only once it is unhealthy, never before. */
  restartAfter(unhealthyThreshold: number): number | undefined {
    const given = this.assigned.get("RestartAfter");
    if (given === undefined) return undefined;
    const count = this.whole("RestartAfter", Number.NaN);
    if (Number.isNaN(count)) return undefined;
    if (!this.failed.has("UnhealthyThreshold") && count < unhealthyThreshold) {
      this.fail(
        "RestartAfter",
        given,
        `RestartAfter (${count}) must be at least UnhealthyThreshold (${unhealthyThreshold}): a unit is restarted only once it is unhealthy`,
      );
      return undefined;
    }
    return count;
  }

  private seconds(key: string, given: Assignment): number | undefined {
    const seconds = parseTimespan(given.value);
    if (seconds === undefined) {
      this.fail(
        key,
        given,
        `${key}: ${quote(given.value)} is not a time span such as 10s, 500ms or 1min 30s`,
      );
    }
    return seconds;
  }

  private fail(key: string, given: Assignment, message: string): void {
    this.failed.add(key);
    this.errors.push({ line: given.line, message });
  }
}

/** Seconds as a unit file would write them: 0, 1s, 1d. */
function spell(seconds: number): string {
  if (seconds === 0) return "0";
  if (seconds === DAY) return "1d";
  return `${seconds}s`;
}
