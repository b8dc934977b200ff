import type { AnnounceGate } from "./runtime/types.ts";

/**
 * Whether a unit's announcements may exist, as the unit manager judges it from the units they
 * announce; the announce loop asks on each refresh and is told at once of every change.
 */
export class HealthGate implements AnnounceGate {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly judge: () => string | undefined) {}

  closedBecause(): string | undefined {
    return this.judge();
  }

  watch(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What the judgement depends on changed. */
  changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
