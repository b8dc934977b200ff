import type { FiredElapse, TimerElapses } from "../../src/agent/timer-runner.ts";

/** Timers' claimed elapses kept in memory, as the registry keeps them in etcd. */
export class MemoryTimerElapses implements TimerElapses {
  readonly fired = new Map<string, FiredElapse>();
  /** When set, every read and claim fails, as with etcd out of reach. */
  unreachable = false;

  async last(timer: string): Promise<FiredElapse | undefined> {
    if (this.unreachable) throw new Error("etcd is unreachable");
    return this.fired.get(timer);
  }

  async claim(timer: string, fired: FiredElapse): Promise<boolean> {
    if (this.unreachable) throw new Error("etcd is unreachable");
    const last = this.fired.get(timer);
    if (last && last.elapse >= fired.elapse) return false;
    this.fired.set(timer, fired);
    return true;
  }
}
