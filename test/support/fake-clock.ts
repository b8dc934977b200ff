import type { Clock } from "../../src/agent/health-monitor.ts";

interface Timer {
  at: number;
  callback: () => void;
}

/** Lets every queued promise callback run, including those queued by the ones that ran. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Time that moves only when a test says: timers fire in order as `advance` passes them, each
 * followed by the promise callbacks it queued. Nothing waits for the wall clock.
 */
export class FakeClock implements Clock {
  time: number;
  private readonly timers = new Set<Timer>();

  constructor(start = Date.parse("2026-12-07T10:00:00.000Z")) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { at: this.time + Math.max(0, ms), callback };
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as Timer);
  }

  /** Timers still to fire. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time on by `ms`, firing what falls due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await settle();
    for (;;) {
      const next = [...this.timers]
        .filter((timer) => timer.at <= end)
        .sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.timers.delete(next);
      this.time = next.at;
      next.callback();
      await settle();
    }
    this.time = end;
  }
}
