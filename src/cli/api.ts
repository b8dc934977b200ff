import { type ApiClient, createApiClient, type Problem } from "../client/api.ts";
import { CommandFailure } from "./errors.ts";

export interface ApiSettings {
  endpoint: string;
  token?: string;
  requestTimeoutMs: number;
}

/** The client generated from openapi/openapi.json, as the commands use it. */
export interface Api {
  readonly endpoint: string;
  /** Every request fails once the request timeout has passed. */
  readonly client: ApiClient;
  /** For streams that stay open: the caller bounds only the wait for the headers. */
  readonly streaming: ApiClient;
  readonly requestTimeoutMs: number;
}

/** A request that failed: the API's problem, or no answer at all (status undefined). */
export class ApiFailure extends CommandFailure {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }

  /** Worth asking again while waiting: the server is busy, briefly away, or overloaded. */
  get transient(): boolean {
    return this.status === undefined || this.status === 429 || this.status >= 500;
  }
}

/** A rate-limited read is asked again, after the server's Retry-After, a few times. */
const RATE_LIMIT_RETRIES = 3;
const MAX_RETRY_AFTER_MS = 5000;

export function connectApi(settings: ApiSettings): Api {
  const client = createApiClient(settings);
  client.use({
    onRequest: ({ request }) =>
      new Request(request, {
        signal: AbortSignal.any([request.signal, AbortSignal.timeout(settings.requestTimeoutMs)]),
      }),
    // Listing many unit files, or waiting for many units, may outrun the server's rate
    // limit; a read is safe to repeat (a write that got 429 was not carried out, but its
    // body is spent, so it fails with the server's message instead).
    onResponse: async ({ request, response }) => {
      let answer = response;
      for (let retry = 0; retry < RATE_LIMIT_RETRIES; retry++) {
        if (answer.status !== 429 || request.method !== "GET") break;
        await new Promise((resolve) => setTimeout(resolve, retryAfterMs(answer)));
        answer = await fetch(request);
      }
      return answer;
    },
  });
  return {
    endpoint: settings.endpoint,
    client,
    streaming: createApiClient(settings),
    requestTimeoutMs: settings.requestTimeoutMs,
  };
}

function retryAfterMs(response: Response): number {
  const seconds = Number(response.headers.get("retry-after"));
  return Number.isFinite(seconds) && seconds > 0
    ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS)
    : 1000;
}

/** What openapi-fetch resolves to, whatever the operation. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The body of a successful answer; anything else throws an ApiFailure of one line. */
export async function expectData<T>(api: Api, pending: Promise<Answer<T>>): Promise<T> {
  const answer = await reach(api, pending);
  if (answer.response.ok) return answer.data as T;
  throw failureOf(answer);
}

/** As expectData, but a 404 is an answer: undefined. */
export async function expectFound<T>(
  api: Api,
  pending: Promise<Answer<T>>,
): Promise<T | undefined> {
  const answer = await reach(api, pending);
  if (answer.response.status === 404) return undefined;
  if (answer.response.ok) return answer.data as T;
  throw failureOf(answer);
}

async function reach<T>(api: Api, pending: Promise<Answer<T>>): Promise<Answer<T>> {
  try {
    return await pending;
  } catch (error) {
    throw unreachable(api, error);
  }
}

export function unreachable(api: Api, error: unknown): ApiFailure {
  const failure = error as Error & { cause?: Error };
  if (failure.name === "TimeoutError") {
    return new ApiFailure(
      `the API at ${api.endpoint} did not answer within ${api.requestTimeoutMs / 1000}s`,
    );
  }
  const why = failure.cause?.message ?? failure.message;
  return new ApiFailure(`cannot reach the API at ${api.endpoint}: ${why}`);
}

/** The server's problem document as one readable line. */
export function failureOf(answer: { error?: unknown; response: Response }): ApiFailure {
  const { status } = answer.response;
  const problem = answer.error as Partial<Problem> | string | undefined;
  if (typeof problem !== "object" || problem === null) {
    const body = typeof problem === "string" ? problem.trim().slice(0, 200) : "";
    return new ApiFailure(`the API answered ${status}${body ? `: ${body}` : ""}`, status);
  }
  const details = (problem.errors ?? []).map(
    (error) => `${error.line === undefined ? "" : `line ${error.line}: `}${error.message}`,
  );
  const headline = problem.detail ?? problem.title ?? `the API answered ${status}`;
  const extra = details.filter((detail) => !headline.includes(detail));
  return new ApiFailure(extra.length > 0 ? `${headline} (${extra.join("; ")})` : headline, status);
}
