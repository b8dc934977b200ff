import { setTimeout as sleep } from "node:timers/promises";

/**
 * Exponential backoff: the delay before retry n (from 0) is `firstMs` doubled n times, and
 * never more than `maxMs`.
 */
export interface Backoff {
  readonly firstMs: number;
  readonly maxMs: number;
  /**
   * Spreads each delay at random over [1 - jitter, 1 + jitter) of itself (0 when absent), so
   * that clients that failed together do not all come back together.
   */
  readonly jitter?: number;
}

/** The delay before retry `retry` (0 for the first retry). */
export function backoffDelay(
  backoff: Backoff,
  retry: number,
  random: () => number = Math.random,
): number {
  const delay = Math.min(backoff.firstMs * 2 ** retry, backoff.maxMs);
  const jitter = backoff.jitter ?? 0;
  return jitter === 0 ? delay : delay * (1 - jitter + 2 * jitter * random());
}

export interface RetryOptions {
  backoff: Backoff;
  /** Attempts in all (at least one); the last one's failure is thrown. Unlimited when absent. */
  attempts?: number;
  /** Whether a failure is worth another attempt; one that is not is thrown at once. */
  retryable?: (error: unknown) => boolean;
  /** Told of each failure that will be retried, and how long until the next attempt. */
  onRetry?: (error: unknown, delayMs: number) => void;
  /** How to wait and where jitter comes from: a test passes its own, so no clock is involved. */
  sleep?: (ms: number) => Promise<unknown>;
  random?: () => number;
}

/**
 * Runs `attempt` until it succeeds, backing off between failures. With `stopped`, that is
 * asked before every attempt: once it says true, no other attempt starts and the result is
 * undefined.
 */
export function retry<T>(
  attempt: () => Promise<T>,
  options: RetryOptions & { stopped: () => boolean },
): Promise<T | undefined>;
export function retry<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T>;
export async function retry<T>(
  attempt: () => Promise<T>,
  options: RetryOptions & { stopped?: () => boolean },
): Promise<T | undefined> {
  const wait = options.sleep ?? sleep;
  for (let retries = 0; ; retries++) {
    if (options.stopped?.()) return undefined;
    try {
      return await attempt();
    } catch (error) {
      const last = options.attempts !== undefined && retries + 1 >= options.attempts;
      if (last || (options.retryable && !options.retryable(error))) throw error;
      const delayMs = backoffDelay(options.backoff, retries, options.random);
      options.onRetry?.(error, delayMs);
      await wait(delayMs);
    }
  }
}
