import {
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IBackoff,
} from "cockatiel";
import { Etcd3, isRecoverableError } from "etcd3";
import type { Backoff } from "../backoff.ts";

/**
 * Coming back to the watch: the library's default waits up to 30 s between reconnections, and
 * state must catch up within seconds of etcd's return. Re-listing after etcd cancelled a watch
 * waits alike.
 */
export const WATCH_BACKOFF: Backoff = { firstMs: 100, maxMs: 2000 };

export interface EtcdOptions {
  endpoints: string[];
  /** Deadline of each unary call, so that an unreachable etcd fails a request instead of hanging it. */
  callTimeoutMs?: number;
  /** For https:// endpoints: the CA that signs etcd's certificate, and a client certificate. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** etcd's own user and password authentication. */
  auth?: { username: string; password: string };
}

export function connectEtcd(options: EtcdOptions): Etcd3 {
  const callTimeoutMs = options.callTimeoutMs ?? 5000;
  const { tls, auth } = options;
  return new Etcd3({
    hosts: options.endpoints,
    ...(tls?.ca
      ? { credentials: { rootCertificate: tls.ca, privateKey: tls.key, certChain: tls.cert } }
      : {}),
    ...(auth ? { auth } : {}),
    dialTimeout: callTimeoutMs,
    defaultCallOptions: (context) =>
      context.isStream ? {} : { deadline: Date.now() + callTimeoutMs },
    faultHandling: {
      // The library's default breaker refuses every call to a host for 5 s after three
      // failures: after a short outage an agent's lease keep-alive would wait that long and
      // could let its presence expire. Half a second still spares a dead member of a cluster.
      host: () =>
        circuitBreaker(handleWhen(isRecoverableError), {
          halfOpenAfter: 500,
          breaker: new ConsecutiveBreaker(3),
        }),
      // etcd3 declares an IBackoff here but calls next() on it first, as on a factory.
      watchBackoff: new ExponentialBackoff({
        initialDelay: WATCH_BACKOFF.firstMs,
        maxDelay: WATCH_BACKOFF.maxMs,
      }) as unknown as IBackoff<unknown>,
    },
  });
}
