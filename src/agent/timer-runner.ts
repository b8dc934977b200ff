import type { TimerStatusRecord } from "../registry/records.ts";
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
  /** Whether that service is loaded on this machine: an elapse waits for it. */
  unitLoaded: () => boolean;
  log: UnitLog;
  onChange: () => void;
}

/**
 * How long what cannot be done now waits before it is tried again: reading or claiming an
 * elapse in etcd, starting a service not loaded yet.
 */
const RETRY_MS = 2000;
/**
 * The longest single wait for an elapse: the clock is read again after it, so that a step of
 * the machine's clock (NTP) neither fires a calendar elapse early nor holds it back long.
 */
const LONGEST_WAIT_MS = 60_000;

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

  get timer(): TimerStatusRecord {
    return {
      unit: this.options.definition.unit,
      ...(this.status.activeState !== "inactive" ? { activatedAt: iso(this.activatedAt) } : {}),
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
    await this.readLastTrigger(generation, this.options.definition.persistent);
    if (generation === this.generation) this.arm();
  }

  async stop(): Promise<void> {
    this.generation++;
    this.disarm();
    if (this.status.activeState !== "inactive") this.setState("inactive", "dead");
  }

  /**
   * Goes on where an earlier agent of the machine left the timer: not a start, so it keeps
   * its activation and counts from its last elapse in etcd, Persistent= or not. An elapse
   * that agent fired is not fired again.
   */
  async adopt(previous: PreviousRun & { timer?: TimerStatusRecord }): Promise<"adopted"> {
    if (previous.activeState !== "active") return "adopted";
    const generation = ++this.generation;
    const activated = Date.parse(previous.timer?.activatedAt ?? previous.since);
    this.activatedAt = Number.isNaN(activated) ? this.options.clock.now() : activated;
    this.setState("active", previous.subState === "elapsed" ? "elapsed" : "waiting");
    await this.readLastTrigger(generation, true);
    if (generation === this.generation) this.arm();
    return "adopted";
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

  /**
   * Reads the last elapse fired on any machine; `countFrom` makes the next count from it (a
   * Persistent= timer's start, as systemd's stamp file; an adoption). Then it must be read:
   * etcd unreachable, it is read again until it answers, as counting from now would drop
   * the catch-up. Else it is only shown, and read once.
   */
  private async readLastTrigger(generation: number, countFrom: boolean): Promise<void> {
    const { elapses, name, clock, log } = this.options;
    for (let attempt = 0; generation === this.generation; attempt++) {
      try {
        const last = await elapses.last(name);
        if (generation !== this.generation || !last) return;
        this.lastFired = last.firedAt;
        if (countFrom) this.lastTrigger = last.firedAt;
        return;
      } catch (error) {
        if (!countFrom) return;
        if (attempt === 0)
          log.line(
            `Cannot read when the timer last elapsed (${(error as Error).message}); trying again`,
          );
        await new Promise<void>((resolve) => clock.setTimeout(resolve, RETRY_MS));
      }
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
    let elapse: Elapse | undefined;
    try {
      elapse = nextTimerElapse(definition, {
        now,
        activatedAt: this.activatedAt,
        localZone,
        ...(this.lastTrigger !== undefined ? { lastTrigger: this.lastTrigger } : {}),
        ...(this.unitActivatedAt !== undefined ? { unitActivatedAt: this.unitActivatedAt } : {}),
        ...(this.unitDeactivatedAt !== undefined
          ? { unitDeactivatedAt: this.unitDeactivatedAt }
          : {}),
      });
    } catch (error) {
      // A time zone this machine's Node does not know, say.
      this.status = {
        ...this.status,
        error: `cannot compute the next elapse: ${(error as Error).message}`,
      };
      this.publish("failed", "failed");
      return;
    }
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
        if (this.options.clock.now() < next.firesAt) this.wait(generation);
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

  private async fire(generation: number, elapse: Elapse, waitingLogged = false): Promise<void> {
    const { name, elapses, clock, log } = this.options;
    const { unit } = this.options.definition;
    const later = (logged: boolean) => {
      this.handle = clock.setTimeout(() => {
        if (generation === this.generation) void this.fire(generation, elapse, logged);
      }, RETRY_MS);
    };
    // Not claimed before its service is here to run it: the elapse would be lost.
    if (!this.options.unitLoaded()) {
      if (!waitingLogged)
        log.line(`Elapse of ${elapse.trigger} waits for ${unit} to be loaded on this machine`);
      later(true);
      return;
    }
    const firedAt = clock.now();
    let claimed: boolean;
    try {
      claimed = await elapses.claim(name, { elapse: elapse.at, firedAt });
    } catch (error) {
      if (generation !== this.generation) return;
      log.line(
        `Cannot record the elapse of ${elapse.trigger} (${(error as Error).message}); trying again`,
      );
      later(waitingLogged);
      return;
    }
    this.lastTrigger = firedAt;
    this.lastFired = firedAt;
    const current = generation === this.generation;
    if (current) this.next = undefined;
    if (!claimed) {
      log.line(`Elapse of ${elapse.trigger} at ${iso(elapse.at)} was fired on another machine`);
    } else {
      // A claimed elapse runs, even if the timer was stopped while it was being claimed: the
      // claim says it ran, and no machine will run it again.
      log.line(`Elapsed (${elapse.trigger}): starting ${unit}`);
      if (current) this.setState("active", "running");
      const started = await this.options.startUnit(elapse.at);
      if (!started) log.line(`${unit} was unloaded from this machine: nothing started`);
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
