// Invariant 4: the API answers no 5xx, except 503 with Retry-After while etcd is in trouble
// (a whole outage, a leader lost, or etcd too slow to answer the sampler on a starved
// machine) and for a few seconds after.
import type { Answer } from "./sample.ts";
import type { ViolationLog } from "./violations.ts";

/** How long after etcd's return a server may still be catching up. */
const AFTER_TROUBLE_MS = 10_000;
/**
 * How long before the sampler found etcd silent a server's request may have been waiting on
 * it: the servers give etcd 5 s before they answer 503.
 */
const SERVER_ETCD_DEADLINE_MS = 6000;

export class AnswerCheck {
  private readonly windows: { from: number; to?: number }[] = [];

  constructor(private readonly log: ViolationLog) {}

  etcdTrouble(at: number): void {
    this.windows.push({ from: at });
  }

  etcdBack(at: number): void {
    const open = this.windows.find((window) => window.to === undefined);
    if (open) open.to = at;
  }

  /** etcd did not answer the sampler in time at `at`, no fault injected: a slow etcd. */
  etcdSilent(at: number): void {
    this.windows.push({ from: at - SERVER_ETCD_DEADLINE_MS, to: at });
  }

  /** Whether etcd was in trouble at `at`, or had been until `afterMs` before. */
  troubled(at: number, afterMs = AFTER_TROUBLE_MS): boolean {
    return this.windows.some(
      (window) => at >= window.from && (window.to === undefined || at <= window.to + afterMs),
    );
  }

  observe(answer: Answer): number {
    if (answer.status < 500) return 1;
    const excused = answer.status === 503 && answer.retryAfter && this.troubled(answer.at);
    if (excused) return 1;
    const route = answer.path
      .replace(/\?.*$/, "")
      .replace(/^\/v1\/(units|unit-files|rollouts)\/[^/]+/, "/v1/$1/{name}");
    const why = [
      answer.status !== 503 ? "" : answer.retryAfter ? "" : "without Retry-After",
      this.troubled(answer.at) ? "" : "outside any etcd fault",
    ]
      .filter((part) => part !== "")
      .join(", ");
    this.log.report(
      4,
      answer.at,
      `${answer.method} ${answer.path} answered ${answer.status}${why ? ` (${why})` : ""}`,
      `${answer.status} ${why} ${answer.method} ${route}`,
    );
    return 1;
  }
}
