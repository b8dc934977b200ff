/**
 * Every kind of failure the control plane reports, with its HTTP status. The `type` of an
 * RFC 9457 problem is derived from the kind, so clients can branch on it.
 */
export const problemKinds = {
  "invalid-request": { status: 400, title: "The request is not valid" },
  "invalid-unit-name": { status: 400, title: "The unit name is not valid" },
  "invalid-unit-file": { status: 400, title: "The unit file is not valid" },
  "template-not-loadable": { status: 400, title: "A template cannot be loaded or launched" },
  unauthorized: { status: 401, title: "Authentication required" },
  forbidden: { status: 403, title: "Not allowed with this token" },
  "unit-not-found": { status: 404, title: "No such unit" },
  "unit-file-not-found": { status: 404, title: "No such unit file" },
  "machine-not-found": { status: 404, title: "No such machine" },
  "not-found": { status: 404, title: "No such resource" },
  "method-not-allowed": { status: 405, title: "Method not allowed" },
  "unit-file-conflict": {
    status: 409,
    title: "Other content is already submitted under this name",
  },
  "template-in-use": { status: 409, title: "Instances of this template exist" },
  "timer-unit-not-found": {
    status: 409,
    title: "The service the timer starts has not been submitted",
  },
  "rollout-not-found": { status: 404, title: "No such rollout" },
  "version-not-found": { status: 404, title: "The unit file keeps no such version" },
  "rollout-conflict": {
    status: 409,
    title: "The units are already rolling out, or the rollout cannot do that now",
  },
  "version-content-gone": { status: 409, title: "The content of that version is no longer stored" },
  "restore-conflict": {
    status: 409,
    title: "The cluster already holds other units or values than the backup",
  },
  "write-conflict": { status: 409, title: "The resource changed concurrently; retry" },
  "body-too-large": { status: 413, title: "The request body is too large" },
  "uri-too-long": { status: 414, title: "The request target is too long" },
  "too-many-requests": { status: 429, title: "Too many requests; retry after the given delay" },
  "unsupported-media-type": { status: 415, title: "Unsupported content type" },
  "registry-unavailable": { status: 503, title: "etcd is unreachable" },
  internal: { status: 500, title: "Internal error" },
  "agent-unavailable": { status: 502, title: "The unit's machine agent could not be reached" },
} as const;

export type ProblemKind = keyof typeof problemKinds;

/**
 * The Retry-After of a 503: etcd is unreachable, or the server not yet in sync with it. Short,
 * since a client that retries against another server may be served at once.
 */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

export interface ProblemDetail {
  message: string;
  line?: number;
  path?: string;
}

export class ProblemError extends Error {
  readonly status: number;

  constructor(
    readonly kind: ProblemKind,
    message: string,
    readonly errors?: ProblemDetail[],
  ) {
    super(message);
    this.status = problemKinds[kind].status;
  }
}

export function problemType(kind: ProblemKind): string {
  return `urn:flotilla:problem:${kind}`;
}
