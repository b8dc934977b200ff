export type Invariant = 1 | 2 | 3 | 4 | 5;

export const INVARIANTS: Record<Invariant, string> = {
  1: "at most once, never with a conflicting unit",
  2: "no announcement outlives its unit",
  3: "no acknowledged write lost",
  4: "no 5xx but 503 with Retry-After during etcd trouble",
  5: "converges after the last fault",
};

export interface Violation {
  invariant: Invariant;
  /** When it was first seen, and last seen in the same run of samples. */
  at: number;
  lastAt: number;
  /** Samples (or answers) that saw it. */
  count: number;
  message: string;
}

/**
 * The violations found, one entry per stretch of time: a sampler that sees the same thing 100
 * times in ten seconds reports it once, with when it began and ended.
 */
export class ViolationLog {
  readonly all: Violation[] = [];
  private readonly open = new Map<string, Violation>();

  constructor(private readonly gapMs = 3000) {}

  /** `key` identifies the same violation from one sample to the next (its message may vary). */
  report(invariant: Invariant, at: number, message: string, key = message): void {
    const id = `${invariant}\0${key}`;
    const current = this.open.get(id);
    if (current && at - current.lastAt <= this.gapMs) {
      current.lastAt = at;
      current.count++;
      return;
    }
    const violation = { invariant, at, lastAt: at, count: 1, message };
    this.all.push(violation);
    this.open.set(id, violation);
  }

  byInvariant(): Record<Invariant, number> {
    const counts: Record<Invariant, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
    for (const violation of this.all) counts[violation.invariant]++;
    return counts;
  }
}
