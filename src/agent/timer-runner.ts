import type { TimerDefinition } from "../unit/timer.ts";
import { type Elapse, nextTimerElapse } from "../unit/timer-schedule.ts";
import type { Clock } from "./health-monitor.ts";
import type { PreviousRun, ServiceStatus } from "./service-runner.ts";
import type { UnitLog } from "./unit-log.ts";

/** The last elapse of a timer that some machine fired, as the cluster keeps it. */
export interface FiredElapse {
  /** The elapse fired (without its randomized delay), epoch ms. */
  elapse: number;
  /** When it was fired. */
  firedAt: number;
}

/** Where a timer's elapses are claimed, so that each fires on one machine only, once. */
export interface TimerElapses {
  last(timer: string): Promise<FiredElapse | undefined>;
  /**
   * Claims `fired.elapse` for this machine: false when one as late or later is claimed
   * already (another machine fired it). Rejects when the claim cannot be made.
   */
  claim(timer: string, fired: FiredElapse): Promise<boolean>;
}

export interface TimerRunnerOptions {
  name: string;
  definition: TimerDefinition;
  elapses: TimerElapses;
  clock: Clock;
  /** The machine's zone, for calendar expressions that name none. */
  localZone: string;
  random?: () => number;
  /**
   * Starts the service the timer starts for the elapse at `elapse` (epoch ms), settling once
   * the start is over; false when the service is not loaded on this machine.
   */
  startUnit: (elapse: number) => Promise<boolean>;
  log: UnitLog;
  onChange: () => void;
}

/** What a timer reports besides its state. */
export interface TimerStatus {
  unit: string;
  /** When it elapses next (its randomized delay included), ISO time. */
  nextElapse?: string;
  /** What elapses then, as `OnCalendar=*:0/15`. */
  nextTrigger?: string;
  /** When it last elapsed, on any machine, ISO time. */
  lastTrigger?: string;
}

/** How long a claim that could not be made waits before it is tried again. */
const CLAIM_RETRY_MS = 2000;
/** setTimeout's longest delay; a later elapse is waited for in steps. */
const LONGEST_WAIT_MS = 2 ** 31 - 1;

/**
 * One timer unit on its machine, with systemd's states: active and `waiting` for its next
 * elapse, `running` while the service it started runs (elapses do not overlap runs: one
 * that comes meanwhile fires when the run ends), `elapsed` when nothing will elapse again.
 * Every elapse is first claimed in etcd, so that a timer that moved, or runs for a moment on
 * two machines, fires each elapse once: an elapse another machine fired is skipped, and one
 * that cannot be claimed (etcd unreachable) waits and is tried again, late rather than twice.
 */
export class TimerRunner {
  status: ServiceStatus = {
    activeState: "inactive",
    subState: "dead",
    since: new Date().toISOString(),
    restarts: 0,
  };
  private activatedAt = 0;
  /** The last elapse the next one counts from (see nextTimerElapse). */
  private lastTrigger: number | undefined;
  /** The last elapse on any machine, as shown. */
  private lastFired: number | undefined;
  private unitActivatedAt: number | undefined;
  private unitDeactivatedAt: number | undefined;
  private unitActive = false;
  private next: (Elapse & { firesAt: number }) | undefined;
  private handle: unknown;
  /** Bumped by every start and stop: a callback of an earlier one does nothing. */
  private generation = 0;

  constructor(private readonly options: TimerRunnerOptions) {}

  get isActive(): boolean {
    return this.status.activeState === "active";
  }

  get mainContainer(): string | undefined {
    return undefined;
  }

  get startedEnvironment(): Readonly<Record<string, string>> {
    return {};
  }

  get timer(): TimerStatus {
    return {
      unit: this.options.definition.unit,
      ...(this.next
        ? { nextElapse: new Date(this.next.firesAt).toISOString(), nextTrigger: this.next.trigger }
        : {}),
      ...(this.lastFired !== undefined
        ? { lastTrigger: new Date(this.lastFired).toISOString() }
        : {}),
    };
  }

  async start(): Promise<void> {
    if (this.isActive) return;
    const generation = ++this.generation;
    this.activatedAt = this.options.clock.now();
    // As systemd's: a start forgets the last elapse, unless Persistent= keeps it (below).
    this.lastTrigger = undefined;
    this.setState("active", "waiting");
    await this.readLastTrigger(generation);
    if (generation === this.generation) this.arm();
  }

  async stop(): Promise<void> {
    this.generation++;
    this.disarm();
    if (this.status.activeState !== "inactive") this.setState("inactive", "dead");
  }

  /** A timer has no process to take up: it starts again, counting from its last elapse. */
  async adopt(previous: PreviousRun): Promise<"adopted"> {
    if (previous.activeState === "active") await this.start();
    return "adopted";
  }

  async stopForRestart(): Promise<boolean> {
    await this.stop();
    return true;
  }

  resume(): Promise<void> {
    return this.start();
  }

  /** The service it starts changed state on this machine. */
  unitChanged(activeState: string): void {
    const active = activeState === "active" || activeState === "activating";
    if (active === this.unitActive) return;
    this.unitActive = active;
    const now = this.options.clock.now();
    if (active) this.unitActivatedAt = now;
    else this.unitDeactivatedAt = now;
    if (this.isActive) this.arm();
  }

  private async readLastTrigger(generation: number): Promise<void> {
    try {
      const last = await this.options.elapses.last(this.options.name);
      if (generation !== this.generation || !last) return;
      this.lastFired = last.firedAt;
      // Only a Persistent= timer counts from an elapse before its start (systemd's stamp file).
      if (this.options.definition.persistent) this.lastTrigger = last.firedAt;
    } catch (error) {
      this.options.log.line(
        `Cannot read when the timer last elapsed (${(error as Error).message}); counting from now`,
      );
    }
  }

  private arm(): void {
    this.disarm();
    if (!this.isActive) return;
    if (this.unitActive) {
      this.publish("active", "running");
      return;
    }
    const { definition, clock, localZone } = this.options;
    const now = clock.now();
    const elapse = nextTimerElapse(definition, {
      now,
      activatedAt: this.activatedAt,
      localZone,
      ...(this.lastTrigger !== undefined ? { lastTrigger: this.lastTrigger } : {}),
      ...(this.unitActivatedAt !== undefined ? { unitActivatedAt: this.unitActivatedAt } : {}),
      ...(this.unitDeactivatedAt !== undefined
        ? { unitDeactivatedAt: this.unitDeactivatedAt }
        : {}),
    });
    if (!elapse) {
      this.publish("active", "elapsed");
      return;
    }
    const random = this.options.random ?? Math.random;
    const delay = Math.floor(random() * definition.randomizedDelaySeconds * 1000);
    this.next = { ...elapse, firesAt: Math.max(elapse.at, now) + delay };
    this.publish("active", "waiting");
    this.wait(this.generation);
  }

  private wait(generation: number): void {
    const next = this.next;
    if (!next) return;
    const ms = Math.max(0, next.firesAt - this.options.clock.now());
    this.handle = this.options.clock.setTimeout(
      () => {
        if (generation !== this.generation || this.next !== next) return;
        if (ms >= LONGEST_WAIT_MS) this.wait(generation);
        else void this.fire(generation, next);
      },
      Math.min(ms, LONGEST_WAIT_MS),
    );
  }

  private disarm(): void {
    if (this.handle !== undefined) this.options.clock.clearTimeout(this.handle);
    this.handle = undefined;
    this.next = undefined;
  }

  private async fire(generation: number, elapse: Elapse): Promise<void> {
    const { name, elapses, clock, log } = this.options;
    const firedAt = clock.now();
    let claimed: boolean;
    try {
      claimed = await elapses.claim(name, { elapse: elapse.at, firedAt });
    } catch (error) {
      if (generation !== this.generation) return;
      log.line(
        `Cannot record the elapse of ${elapse.trigger} (${(error as Error).message}); trying again`,
      );
      this.handle = clock.setTimeout(() => {
        if (generation === this.generation) void this.fire(generation, elapse);
      }, CLAIM_RETRY_MS);
      return;
    }
    this.lastTrigger = firedAt;
    this.lastFired = firedAt;
    const current = generation === this.generation;
    if (current) this.next = undefined;
    const { unit } = this.options.definition;
    if (!claimed) {
      log.line(`Elapse of ${elapse.trigger} at ${iso(elapse.at)} was fired on another machine`);
    } else {
      // A claimed elapse runs, even if the timer was stopped while it was being claimed: the
      // claim says it ran, and no machine will run it again.
      log.line(`Elapsed (${elapse.trigger}): starting ${unit}`);
      if (current) this.setState("active", "running");
      const started = await this.options.startUnit(elapse.at);
      if (!started) log.line(`${unit} is not loaded on this machine: nothing started`);
    }
    if (generation !== this.generation) return;
    // Also when the start changed nothing (the service failed before it began, say).
    this.arm();
  }

  /** Enters a state; reports it only when it is a change. */
  private setState(activeState: ServiceStatus["activeState"], subState: string): void {
    if (this.status.activeState === activeState && this.status.subState === subState) return;
    this.publish(activeState, subState);
  }

  /** Enters a state and reports it with the next and last elapse, which may be all that changed. */
  private publish(activeState: ServiceStatus["activeState"], subState: string): void {
    if (this.status.activeState !== activeState || this.status.subState !== subState)
      this.status = {
        ...this.status,
        activeState,
        subState,
        since: new Date(this.options.clock.now()).toISOString(),
      };
    this.options.onChange();
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
