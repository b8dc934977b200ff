export type LogListener = (line: string) => void;

/** A line begins with its time, `2026-12-08T02:00:00.000Z`: ISO times compare as text. */
const STAMP_LENGTH = 24;

/**
 * A unit's recent output, as journalctl would show it for the unit: each line stamped with
 * its time. Bounded, and followable.
 */
export class UnitLog {
  private readonly lines: string[] = [];
  private readonly listeners = new Set<LogListener>();
  private partial = "";

  constructor(
    readonly unit: string,
    private readonly capacity = 5000,
  ) {}

  /** Appends output that may arrive in arbitrary chunks; complete lines are kept. */
  write(chunk: string): void {
    const text = this.partial + chunk;
    const parts = text.split("\n");
    this.partial = parts.pop() ?? "";
    for (const part of parts) this.line(part.replace(/\r$/, ""));
  }

  /** Flushes a trailing line without a newline, at the end of a command's output. */
  flush(): void {
    if (this.partial !== "") this.line(this.partial);
    this.partial = "";
  }

  line(text: string): void {
    const stamped = `${new Date().toISOString()} ${this.unit}: ${text}`;
    this.lines.push(stamped);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
    for (const listener of this.listeners) listener(stamped);
  }

  /**
   * The last `count` lines, or of those written within `window` (ISO times, inclusive): a
   * oneshot run's output.
   */
  tail(count: number, window: { since?: string; until?: string } = {}): string[] {
    if (count <= 0) return [];
    const { since, until } = window;
    if (since === undefined && until === undefined) return this.lines.slice(-count);
    const within = this.lines.filter((line) => {
      const at = line.slice(0, STAMP_LENGTH);
      return (since === undefined || at >= since) && (until === undefined || at <= until);
    });
    return within.slice(-count);
  }

  follow(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
