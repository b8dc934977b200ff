import { parseSystemdBoolean } from "./boolean.ts";
import { type HealthCheck, readHealthSection } from "./health.ts";
import type { UnitFile } from "./model.ts";
import { lastOptionValue, optionValues } from "./options.ts";
import { expandSpecifiers, type SpecifierContext } from "./specifiers.ts";
import { parseTimespan } from "./timespan.ts";
import { fleetRequirements } from "./xfleet.ts";

export type ServiceType = "simple" | "oneshot";
export type RestartPolicy =
  | "no"
  | "on-success"
  | "on-failure"
  | "on-abnormal"
  | "on-abort"
  | "always";
export type KillMode = "control-group" | "mixed" | "process" | "none";

/** What an agent needs to run a unit, with specifiers already expanded for one machine. */
export interface ServiceDefinition {
  name: string;
  description: string;
  type: ServiceType;
  remainAfterExit: boolean;
  restart: RestartPolicy;
  restartSeconds: number;
  /**
   * At most `burst` starts within `intervalSeconds` (automatic restarts included); one more
   * fails the unit. An interval of 0 turns the limit off.
   */
  startLimit: { intervalSeconds: number; burst: number };
  /** Infinity when there is no limit (TimeoutStartSec=0 or infinity). */
  startTimeoutSeconds: number;
  stopTimeoutSeconds: number;
  killMode: KillMode;
  killSignal: string;
  execStartPre: string[];
  execStart: string[];
  execStartPost: string[];
  execStop: string[];
  execStopPost: string[];
  /** Environment= values in order, each a list of assignments still to be parsed. */
  environment: string[];
  /** EnvironmentFile= paths in order; optional when written with a leading "-". */
  environmentFiles: { path: string; optional: boolean }[];
  requires: string[];
  wants: string[];
  bindsTo: string[];
  after: string[];
  before: string[];
  /**
   * The units whose health its announcements follow (BindsTo= and [X-Fleet] MachineOf=): a
   * sidekick's key exists only while the unit it announces runs, is healthy and not draining.
   */
  announcesFor: string[];
  /** The units it runs beside ([X-Fleet] MachineOf=): on this machine, or on none. */
  placedWith: string[];
  /** The [X-Health] check; absent when the unit declares none, or declares one with errors. */
  health?: HealthCheck;
  /**
   * Why a declared check is not run: the first error in [X-Health], for a unit file submitted
   * before the section was checked (it was an extension section then).
   */
  healthProblem?: string;
}

/**
 * systemd's defaults: DefaultTimeoutStartSec and DefaultTimeoutStopSec are 90 s, RestartSec
 * 100 ms, DefaultStartLimitIntervalSec 10 s and DefaultStartLimitBurst 5.
 */
const DEFAULT_TIMEOUT_SECONDS = 90;
const DEFAULT_RESTART_SECONDS = 0.1;
const DEFAULT_START_LIMIT = { intervalSeconds: 10, burst: 5 };

export function serviceDefinition(file: UnitFile, context: SpecifierContext): ServiceDefinition {
  const expand = (value: string) => expandSpecifiers(value, context);
  const values = (section: string, name: string) => optionValues(file, section, name).map(expand);
  const value = (section: string, name: string) => {
    const found = lastOptionValue(file, section, name);
    return found === undefined ? undefined : expand(found);
  };
  const words = (name: string) =>
    values("Unit", name).flatMap((entry) => entry.split(/\s+/).filter(Boolean));
  const timeout = (name: string) => {
    const given = value("Service", name) ?? value("Service", "TimeoutSec");
    const seconds = given === undefined ? DEFAULT_TIMEOUT_SECONDS : parseTimespan(given);
    if (seconds === undefined) return DEFAULT_TIMEOUT_SECONDS;
    return seconds === 0 ? Number.POSITIVE_INFINITY : seconds;
  };
  const type = value("Service", "Type");
  const restart = value("Service", "Restart") as RestartPolicy | undefined;
  const killMode = value("Service", "KillMode") as KillMode | undefined;
  const health = readHealthSection(file, context);
  const { machineOf } = fleetRequirements(file, context.unitName).requirements;
  const [healthError] = health.errors;
  return {
    name: context.unitName,
    description: value("Unit", "Description") ?? context.unitName,
    type: type === "oneshot" ? "oneshot" : "simple",
    remainAfterExit: parseSystemdBoolean(value("Service", "RemainAfterExit") ?? "no") ?? false,
    restart: restart ?? "no",
    restartSeconds: parseTimespan(value("Service", "RestartSec") ?? "") ?? DEFAULT_RESTART_SECONDS,
    startLimit: startLimit(value),
    startTimeoutSeconds: timeout("TimeoutStartSec"),
    stopTimeoutSeconds: timeout("TimeoutStopSec"),
    killMode: killMode ?? "control-group",
    killSignal: normaliseSignal(value("Service", "KillSignal") ?? "SIGTERM"),
    execStartPre: values("Service", "ExecStartPre"),
    execStart: values("Service", "ExecStart"),
    execStartPost: values("Service", "ExecStartPost"),
    execStop: values("Service", "ExecStop"),
    execStopPost: values("Service", "ExecStopPost"),
    environment: values("Service", "Environment"),
    environmentFiles: values("Service", "EnvironmentFile").map((path) =>
      path.startsWith("-") ? { path: path.slice(1), optional: true } : { path, optional: false },
    ),
    requires: words("Requires"),
    wants: words("Wants"),
    bindsTo: words("BindsTo"),
    after: words("After"),
    before: words("Before"),
    announcesFor: [...new Set([...words("BindsTo"), ...machineOf])],
    placedWith: machineOf,
    ...(health.check ? { health: health.check } : {}),
    ...(healthError
      ? { healthProblem: `line ${healthError.line} of the unit file: ${healthError.message}` }
      : {}),
  };
}

/**
 * StartLimitIntervalSec= and StartLimitBurst= of [Unit], or the names older systemd read in
 * [Service] (StartLimitInterval=, StartLimitBurst=); a value that does not parse is ignored,
 * as systemd ignores it.
 */
function startLimit(
  value: (section: string, name: string) => string | undefined,
): ServiceDefinition["startLimit"] {
  const interval =
    value("Unit", "StartLimitIntervalSec") ??
    value("Unit", "StartLimitInterval") ??
    value("Service", "StartLimitInterval");
  const burst = value("Unit", "StartLimitBurst") ?? value("Service", "StartLimitBurst");
  const intervalSeconds = interval === undefined ? undefined : parseTimespan(interval);
  const burstCount = burst !== undefined && /^\d+$/.test(burst.trim()) ? Number(burst) : undefined;
  return {
    intervalSeconds: intervalSeconds ?? DEFAULT_START_LIMIT.intervalSeconds,
    burst: burstCount ?? DEFAULT_START_LIMIT.burst,
  };
}

function normaliseSignal(signal: string): string {
  const upper = signal.toUpperCase();
  return upper.startsWith("SIG") ? upper : `SIG${upper}`;
}
