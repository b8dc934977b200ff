import type { UnitHealthRecord } from "../registry/records.ts";
import type { HealthCheck } from "../unit/health.ts";
import { resolveProbe } from "../unit/health-probe.ts";
import { oneLine } from "../unit/text.ts";
import type { HealthProbes, ProbeOutcome, ProbeTarget } from "./health-probes.ts";
import {
  type CheckResult,
  type HealthState,
  judgeCheck,
  judgeImageHealth,
  resumedHealth,
  startedHealth,
  type Verdict,
} from "./health-state.ts";

/** Time, for the monitor: the real one, or a test's. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  // Unreferenced: a pending check never keeps the agent's process alive.
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Docker is asked for its verdict this often, at most and at least, whatever its image's interval. */
const IMAGE_POLL_MIN_MS = 1000;
const IMAGE_POLL_MAX_MS = 10_000;

export interface HealthMonitorOptions {
  /** The unit's [X-Health] check; without one, its image's HEALTHCHECK when it has one. */
  check: HealthCheck | undefined;
  probes: HealthProbes;
  clock: Clock;
  /** The status changed: report the unit. */
  onChange: () => void;
  /** RestartAfter= failed checks in a row: restart the unit, saying why. */
  onRestart: (reason: string) => void;
  /** A line for the unit's log. */
  log: (line: string) => void;
  /** Docker said the unit's image has no HEALTHCHECK: what waited for its verdict may go. */
  onImageChecked?: () => void;
}

/**
 * Checks one unit while it runs: from `start` (its main process runs) until `stop`. A declared
 * check runs every IntervalSec=, the first one interval after the start, each bounded by
 * TimeoutSec=; without one, a container whose image has a HEALTHCHECK has Docker's verdict,
 * read as often as the image checks (within 1 to 10 s). Results are judged in health-state.ts;
 * only a change of status is reported.
 */
export class HealthMonitor {
  private state: HealthState | undefined;
  /** Counts starts and stops: a check that ends after a stop belongs to an earlier run. */
  private generation = 0;
  private running = false;
  private timer: unknown;
  /** Aborts the check in flight: a stop ends it (an ExecCheck's process group included). */
  private inFlight: AbortController | undefined;
  /** A container without a declared check whose image Docker has not yet been asked about. */
  private imageUnread = false;

  constructor(private readonly options: HealthMonitorOptions) {}

  /** The health to report; undefined is `none`: no check, or the unit is not running. */
  get report(): UnitHealthRecord | undefined {
    return this.state?.report;
  }

  /**
   * Whether the unit may yet turn out to have a health: its container's image was not read
   * yet. Its health reads `none` meanwhile, but announcing it would be premature.
   */
  get awaitingVerdict(): boolean {
    return this.imageUnread;
  }

  /** The last check run, reported or not. */
  get lastCheck(): CheckResult | undefined {
    return this.state?.lastCheck;
  }

  /**
   * The unit's main process runs (`target`): checks begin. A second start changes nothing.
   * `adopted`: the run is an earlier agent's, with the health it reported (none: it had
   * none), which stands until the checks say otherwise.
   */
  start(target: ProbeTarget, adopted?: { health?: UnitHealthRecord }): void {
    const resumed = adopted?.health;
    if (this.running) return;
    this.running = true;
    const generation = ++this.generation;
    const { check, clock } = this.options;
    const now = clock.now();
    if (check) {
      this.state =
        (resumed && resumedHealth(check.probe.kind, resumed, now)) ??
        startedHealth(check.probe.kind, now);
      this.later(check.intervalSeconds * 1000, () => this.runCheck(check, target, generation));
    } else if (target.containerId) {
      const state = resumed && resumedHealth("image", resumed, now);
      if (state) this.state = state;
      // An adopted run's verdict (none included) needs no first read to announce: the earlier
      // agent read its image; Docker is asked as usual from here.
      this.imageUnread = adopted === undefined;
      void this.readImageHealth(target.containerId, generation);
    }
  }

  /** The unit no longer runs: checks end, the one in flight is aborted, and its health is `none` again. */
  stop(): void {
    this.running = false;
    this.imageUnread = false;
    this.generation++;
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.state = undefined;
    this.inFlight?.abort();
    this.inFlight = undefined;
  }

  /**
   * Runs `action` after `ms`, and again as it schedules itself. Whatever it throws (a report
   * that fails, a restart that throws) is logged: it must neither end the checks nor reach the
   * process as an unhandled rejection. Rescheduled from here when the action threw before it could.
   */
  private later(ms: number, action: () => Promise<void>): void {
    const generation = this.generation;
    this.timer = this.options.clock.setTimeout(
      () => {
        const timer = this.timer;
        void action().catch((error: unknown) => {
          this.options.log(
            `Health check error: ${error instanceof Error ? error.message : String(error)}`,
          );
          if (generation === this.generation && this.timer === timer) this.later(ms, action);
        });
      },
      Math.max(0, ms),
    );
  }

  private async runCheck(check: HealthCheck, target: ProbeTarget, generation: number) {
    const { clock } = this.options;
    const began = clock.now();
    const outcome = await this.probeOnce(check, target);
    if (generation !== this.generation || !this.state) return;
    const verdict = judgeCheck(this.state, { ...outcome, at: clock.now(), began }, check);
    this.apply(verdict);
    if (verdict.restart) {
      this.options.onRestart(
        `${check.restartAfter} health checks failed in a row (RestartAfter=${check.restartAfter}); the last: ${oneLine(verdict.state.lastCheck?.output || "no output")}`,
      );
    }
    // Checks never overlap: the timeout is at most the interval, and the next one is timed
    // from this one's start.
    const next = check.intervalSeconds * 1000 - (clock.now() - began);
    if (generation === this.generation)
      this.later(next, () => this.runCheck(check, target, generation));
  }

  /** One check, failed when its time is up (the probe is told to give up). */
  private async probeOnce(check: HealthCheck, target: ProbeTarget): Promise<ProbeOutcome> {
    const resolved = resolveProbe(check.probe, (name) =>
      Object.hasOwn(target.env, name) ? target.env[name] : undefined,
    );
    if (!resolved.ok) return { ok: false, output: resolved.error };
    const { clock, probes } = this.options;
    const abort = new AbortController();
    this.inFlight = abort;
    let timer: unknown;
    const timedOut = new Promise<ProbeOutcome>((resolve) => {
      timer = clock.setTimeout(() => {
        resolve({ ok: false, output: `no answer within ${check.timeoutSeconds} s (TimeoutSec=)` });
        abort.abort();
      }, check.timeoutSeconds * 1000);
      // A stop: the check ends now, whatever the probe does with its signal.
      abort.signal.addEventListener("abort", () => resolve({ ok: false, output: "stopped" }), {
        once: true,
      });
    });
    const failed = (error: unknown): ProbeOutcome => ({
      ok: false,
      output: error instanceof Error ? error.message : String(error),
    });
    const probed = probes.run(resolved.probe, target, abort.signal).catch(failed);
    try {
      return await Promise.race([probed, timedOut]);
    } finally {
      clock.clearTimeout(timer);
      if (this.inFlight === abort) this.inFlight = undefined;
    }
  }

  private async readImageHealth(containerId: string, generation: number): Promise<void> {
    const { clock, probes } = this.options;
    let intervalMs = IMAGE_POLL_MAX_MS;
    try {
      const found = await probes.imageHealth(containerId);
      if (generation !== this.generation) return;
      // With a HEALTHCHECK, the verdict's report below tells; without, this does.
      if (found === undefined) this.imageRead();
      else this.imageUnread = false;
      // No HEALTHCHECK when the container starts means none for its life: nothing to ask again.
      if (found === undefined && this.state === undefined) return;
      if (found !== undefined) {
        intervalMs = Math.min(
          IMAGE_POLL_MAX_MS,
          Math.max(IMAGE_POLL_MIN_MS, found.intervalSeconds * 1000),
        );
        const first = this.state === undefined;
        const state = this.state ?? startedHealth("image", clock.now());
        this.apply(judgeImageHealth(state, found.health), first);
      }
    } catch {
      // The engine is away or busy: the verdict stands, and Docker is asked again later. What
      // waited for a first verdict goes on without one, as it would for an image without.
      if (generation !== this.generation) return;
      this.imageRead();
    }
    if (generation === this.generation)
      this.later(intervalMs, () => this.readImageHealth(containerId, generation));
  }

  private imageRead(): void {
    if (!this.imageUnread) return;
    this.imageUnread = false;
    this.options.onImageChecked?.();
  }

  /** Takes a verdict; `first`: the unit had no health before it (an image's check just found). */
  private apply(verdict: Verdict, first = false): void {
    const before = this.state;
    this.state = verdict.state;
    if (first && !verdict.changed) {
      this.options.log(`Health: none -> ${verdict.state.status} (the image's HEALTHCHECK)`);
      this.options.onChange();
      return;
    }
    if (!verdict.changed) return;
    const { report } = verdict.state;
    const said = report.lastOutput ? `: ${oneLine(report.lastOutput)}` : "";
    const failures = `${report.failures} failed check${report.failures === 1 ? "" : "s"}`;
    const counted = report.status === "unhealthy" ? ` after ${failures} in a row` : "";
    this.options.log(`Health: ${before?.status ?? "none"} -> ${report.status}${counted}${said}`);
    this.options.onChange();
  }
}
