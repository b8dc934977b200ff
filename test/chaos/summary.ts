import { INVARIANTS, type Invariant } from "./violations.ts";

export interface Summary {
  seed: number;
  minutes: number;
  command: string;
  faults: Record<string, number>;
  /** Per kind of operation, how many of its requests ended each way. */
  operations: Record<string, Record<string, number>>;
  /** Servers and agents that ended though nothing killed them. */
  crashes: number;
  samples: number;
  checks: Record<Invariant, number>;
  violations: { total: number; byInvariant: Record<Invariant, number> };
  /** Milliseconds from the end of the faults and the workload until the cluster had settled. */
  convergedAfterMs: number | null;
  logFile: string;
}

export function replayCommand(seed: number, minutes: number): string {
  return `npm run chaos -- --seed ${seed} --minutes ${minutes}`;
}

/** The summary as a few short tables, for a terminal. */
export function summaryTable(summary: Summary): string {
  const lines = [
    `seed ${summary.seed}, ${summary.minutes} min: ${summary.violations.total} violation(s); replay: ${summary.command}`,
    "",
    "FAULT\tCOUNT",
    ...Object.entries(summary.faults)
      .sort()
      .map(([kind, count]) => `${kind}\t${count}`),
    "",
    "OPERATION\tACKED\tREFUSED\tUNKNOWN\tSKIPPED",
    ...Object.entries(summary.operations)
      .sort()
      .map(
        ([kind, outcomes]) =>
          `${kind}\t${outcomes.acked ?? 0}\t${outcomes.refused ?? 0}\t${outcomes.unknown ?? 0}\t${outcomes.skipped ?? 0}`,
      ),
    "",
    "INVARIANT\tCHECKS\tVIOLATIONS",
    ...(Object.keys(INVARIANTS) as unknown as Invariant[]).map(
      (invariant) =>
        `${invariant} ${INVARIANTS[invariant]}\t${summary.checks[invariant]}\t${summary.violations.byInvariant[invariant]}`,
    ),
    "",
    `samples ${summary.samples}; crashes ${summary.crashes}; converged ${
      summary.convergedAfterMs === null
        ? "never"
        : `${(summary.convergedAfterMs / 1000).toFixed(1)} s after the end`
    }; log ${summary.logFile}`,
  ];
  return `${lines.join("\n")}\n`;
}
