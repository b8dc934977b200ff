// A running unit's health, judged check after check. Pure: the monitor (health-monitor.ts)
// runs the checks and keeps the time; everything decided about their results is here.
import type { UnitHealthRecord } from "../registry/records.ts";
import type { HealthCheck } from "../unit/health.ts";
import type { HealthProbeKind, HealthStatus, JudgedHealthStatus } from "../unit/health-status.ts";

/** The most of a check's output that is kept: a probe's answer, not a log. */
export const OUTPUT_BYTES = 512;

/** One check: whether it passed, what it said, when it ended (ms since the epoch). */
export interface CheckResult {
  ok: boolean;
  output: string;
  at: number;
}

/** A declared check as it ran: its result, and when it began (ms since the epoch). */
export interface CheckRun extends CheckResult {
  began: number;
}

export interface HealthState {
  status: JudgedHealthStatus;
  probe: HealthProbeKind;
  /** When the unit started running: the start period counts from here. */
  startedAt: number;
  /** Failed checks in a row (those in the start period not counted). */
  failures: number;
  /** Successful checks in a row (of a declared check; Docker counts its own). */
  successes: number;
  /** A declared check has passed since the start: the start period is over. */
  passedOnce: boolean;
  lastCheck?: CheckResult;
  /**
   * What is reported: taken when the status changes, with the check that changed it, and
   * left alone otherwise. A report per check would cost an etcd write per unit and interval.
   */
  report: UnitHealthRecord;
}

export interface Verdict {
  state: HealthState;
  /** The status changed with this check: report it. */
  changed: boolean;
  /** The unit has failed RestartAfter= checks in a row: restart it. */
  restart: boolean;
}

/** A unit that has just started running: `starting` until its checks say otherwise. */
export function startedHealth(probe: HealthProbeKind, now: number): HealthState {
  return {
    status: "starting",
    probe,
    startedAt: now,
    failures: 0,
    successes: 0,
    passedOnce: false,
    report: { status: "starting", since: iso(now), failures: 0, probe },
  };
}

/**
 * The health a unit had under an earlier agent of its machine, taken up by the agent that
 * adopts it: the verdict stands until the checks say otherwise, so an adopted healthy unit
 * keeps its announcements across the agent's restart. A verdict from another kind of probe
 * (the unit's content changed) is not taken: the unit starts over.
 */
export function resumedHealth(
  probe: HealthProbeKind,
  record: UnitHealthRecord,
  now: number,
): HealthState | undefined {
  if (record.probe !== probe) return undefined;
  const since = Date.parse(record.since);
  return {
    status: record.status,
    probe,
    startedAt: Number.isFinite(since) ? Math.min(since, now) : now,
    failures: record.failures,
    successes: 0,
    passedOnce: record.status !== "starting",
    report: record,
  };
}

/**
 * The state after one check of a declared [X-Health] probe. A failure of a check that began
 * within the start period does not count, until a check has passed (as Docker's start period,
 * which looks at a check's start); then UnhealthyThreshold
 * failures in a row make the unit unhealthy and HealthyThreshold successes in a row healthy.
 * RestartAfter failures in a row ask for a restart, once.
 */
export function judgeCheck(state: HealthState, run: CheckRun, check: HealthCheck): Verdict {
  const { began, ...result } = run;
  const output = truncateOutput(result.output);
  const lastCheck = { ...result, output };
  if (result.ok) {
    const successes = state.successes + 1;
    const status =
      state.status !== "healthy" && successes >= check.healthyThreshold ? "healthy" : state.status;
    return settle(
      state,
      { ...state, failures: 0, successes, passedOnce: true, lastCheck },
      status,
      false,
    );
  }
  const grace = !state.passedOnce && began < state.startedAt + check.startPeriodSeconds * 1000;
  if (grace) return settle(state, { ...state, successes: 0, lastCheck }, state.status, false);
  const failures = state.failures + 1;
  const status = failures >= check.unhealthyThreshold ? "unhealthy" : state.status;
  const restart = check.restartAfter !== undefined && failures === check.restartAfter;
  return settle(state, { ...state, failures, successes: 0, lastCheck }, status, restart);
}

/** What Docker says of a container whose image has a HEALTHCHECK (State.Health). */
export interface ImageHealth {
  status: HealthStatus;
  failingStreak: number;
  /** Its last check, when it has run one. */
  last?: CheckResult;
}

/**
 * The state after asking Docker: its verdict is taken as it is, thresholds, start period and
 * all, so none of the counts a declared check keeps is kept here but its failing streak.
 */
export function judgeImageHealth(state: HealthState, health: ImageHealth): Verdict {
  const status: JudgedHealthStatus = health.status === "none" ? "starting" : health.status;
  const lastCheck = health.last && { ...health.last, output: truncateOutput(health.last.output) };
  const next: HealthState = {
    ...state,
    failures: health.failingStreak,
    ...(lastCheck ? { lastCheck } : {}),
  };
  return settle(state, next, status, false);
}

function settle(
  before: HealthState,
  next: HealthState,
  status: JudgedHealthStatus,
  restart: boolean,
): Verdict {
  if (status === before.status) return { state: next, changed: false, restart };
  const at = next.lastCheck?.at ?? before.startedAt;
  const report: UnitHealthRecord = {
    status,
    since: iso(at),
    failures: next.failures,
    probe: next.probe,
  };
  if (next.lastCheck) {
    report.lastCheckAt = iso(next.lastCheck.at);
    report.lastOutput = next.lastCheck.output;
  }
  return { state: { ...next, status, report }, changed: true, restart };
}

/**
 * At most OUTPUT_BYTES of UTF-8, cut on a character boundary, with trailing blanks and line
 * breaks dropped: what a probe said, short enough for every state record.
 */
export function truncateOutput(text: string): string {
  const trimmed = text.replace(/\s+$/, "");
  if (Buffer.byteLength(trimmed) <= OUTPUT_BYTES) return trimmed;
  let bytes = 0;
  let end = 0;
  for (const char of trimmed) {
    const size = Buffer.byteLength(char);
    if (bytes + size > OUTPUT_BYTES - 3) break;
    bytes += size;
    end += char.length;
  }
  return `${trimmed.slice(0, end)}...`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
