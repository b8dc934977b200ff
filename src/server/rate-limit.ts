import type { FastifyReply, FastifyRequest } from "fastify";
import { isFleetPath, sendFleetError } from "./fleet/fleet-error.ts";
import { ProblemError } from "./problems.ts";

export interface RateLimit {
  /** Sustained requests per second per client; 0 turns the limit off. */
  perSecond: number;
  /** How many requests a client may make at once above the sustained rate. */
  burst: number;
}

/** Buckets idle this long are forgotten, so the table stays the size of the active clients. */
const IDLE_MS = 60_000;

/**
 * A token bucket per client address. A client over its rate gets 429 with Retry-After, the
 * seconds until its next request would be allowed.
 */
export function rateLimit(limit: RateLimit) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  let lastSweep = Date.now();
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (limit.perSecond <= 0) return;
    const now = Date.now();
    if (now - lastSweep > IDLE_MS) {
      for (const [client, bucket] of buckets) if (now - bucket.at > IDLE_MS) buckets.delete(client);
      lastSweep = now;
    }
    const bucket = buckets.get(request.ip) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(
      limit.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond,
    );
    bucket.at = now;
    buckets.set(request.ip, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
    reply.header("retry-after", String(retryAfter));
    const message = `more than ${limit.perSecond} requests per second from ${request.ip}; retry in ${retryAfter} s`;
    const path = request.url;
    if (isFleetPath(path)) return sendFleetError(reply, 429, message);
    throw new ProblemError("too-many-requests", message);
  };
}

/** Counts open event streams per client, refusing more than `max` at once. */
export class StreamLimit {
  private readonly open = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Takes a slot for `client`, or returns undefined when it has `max` streams open already. */
  acquire(client: string): (() => void) | undefined {
    const count = this.open.get(client) ?? 0;
    if (count >= this.max) return undefined;
    this.open.set(client, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(client) ?? 1) - 1;
      if (left === 0) this.open.delete(client);
      else this.open.set(client, left);
    };
  }
}
