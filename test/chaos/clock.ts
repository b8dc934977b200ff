/** Milliseconds since the campaign began: every entry of its log, sample and answer is timed by it. */
export class Clock {
  private readonly start = performance.now();

  now(): number {
    return Math.round(performance.now() - this.start);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
