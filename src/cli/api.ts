import type { components } from "../client/openapi.ts";
import { CommandFailure } from "./errors.ts";
import { type Answer, type AnswerHead, HttpClient } from "./http-client.ts";

type Problem = components["schemas"]["Problem"];

export interface ApiSettings {
  endpoint: string;
  token?: string;
  requestTimeoutMs: number;
}

/** Flotilla's API as the commands use it: the typed client, and what to say when it fails. */
export interface Api {
  readonly endpoint: string;
  /** Every request fails once the request timeout has passed; a stream once it has begun. */
  readonly client: HttpClient;
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

export function connectApi(settings: ApiSettings): Api {
  return {
    endpoint: settings.endpoint,
    client: new HttpClient({
      endpoint: settings.endpoint,
      token: settings.token,
      timeoutMs: settings.requestTimeoutMs,
    }),
    requestTimeoutMs: settings.requestTimeoutMs,
  };
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
  return new ApiFailure(`cannot reach the API at ${api.endpoint}: ${reasonOf(failure)}`);
}

/**
 * Why a connection failed, in words. A name with both an IPv4 and an IPv6 address fails with
 * an AggregateError whose own message is empty: the first attempt's says it.
 */
function reasonOf(failure: Error & { cause?: Error; code?: string; errors?: Error[] }): string {
  return (
    failure.cause?.message ||
    failure.message ||
    failure.errors?.[0]?.message ||
    failure.code ||
    "unknown error"
  );
}

/** The server's problem document as one readable line. */
export function failureOf(answer: { error?: unknown; response: AnswerHead }): ApiFailure {
  const { status } = answer.response;
  const problem = answer.error as Partial<Problem> | string | undefined;
  const location = answer.response.header("location");
  if (status >= 300 && status < 400 && location) {
    // Followed silently, a redirect would take the token along: the user decides.
    return new ApiFailure(
      `the API answered ${status}, redirecting to ${location}: --endpoint must name the API itself`,
      status,
    );
  }
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
