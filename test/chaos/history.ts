// The campaign's timed log: operations, faults, notes, then the violations, which is what a
// failing seed needs to be understood and replayed.
import type { Violation } from "./violations.ts";

export type EntryKind = "op" | "fault" | "note" | "violation";

export interface Entry {
  at: number;
  kind: EntryKind;
  text: string;
}

export function formatAt(ms: number): string {
  return `+${(ms / 1000).toFixed(3)}s`;
}

export class History {
  readonly entries: Entry[] = [];

  add(at: number, kind: EntryKind, text: string): void {
    this.entries.push({ at, kind, text });
  }

  /** Every entry in time order, the violations among them. */
  lines(violations: readonly Violation[]): string[] {
    const all: Entry[] = [
      ...this.entries,
      ...violations.map((violation) => ({
        at: violation.at,
        kind: "violation" as const,
        text: `invariant ${violation.invariant}: ${violation.message}${
          violation.count > 1
            ? ` (seen ${violation.count} times until ${formatAt(violation.lastAt)})`
            : ""
        }`,
      })),
    ];
    all.sort((a, b) => a.at - b.at);
    return all.map(
      (entry) => `${formatAt(entry.at).padStart(10)}  ${entry.kind.padEnd(9)} ${entry.text}`,
    );
  }
}
