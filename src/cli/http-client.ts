import type { IncomingMessage, RequestOptions } from "node:http";
import type { paths } from "../client/openapi.ts";

/**
 * The CLI's HTTP client: typed by the paths of the client types generated from
 * openapi/openapi.json, sent with node:http. Not fetch: Node's fetch loads and compiles its
 * own HTTP stack (undici, with a WebAssembly parser) on first use, which more than doubles
 * how long a command like `list-units` takes to start; node:http is already in the binary.
 */

type Method = "get" | "put" | "post" | "delete";
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

/** The paths that have an operation for the method. */
export type PathsWith<M extends Method> = {
  [P in keyof paths]-?: paths[P][M] extends { responses: unknown } ? P : never;
}[keyof paths];

type ParametersOf<O> = O extends { parameters: infer X } ? X : never;
type PathParameters<O> = ParametersOf<O> extends { path: infer X } ? X : never;
type QueryParameters<O> = ParametersOf<O> extends { query?: infer X } ? X : never;
type JsonBodyOf<O> = O extends {
  requestBody?: { content: { "application/json": infer B } };
}
  ? B
  : never;

type Success = 200 | 201 | 202 | 204;
type ContentOf<R> = R extends { content: { "application/json": infer B } } ? B : undefined;
type DataOf<O> = O extends { responses: infer R }
  ? { [C in keyof R & Success]: ContentOf<R[C]> }[keyof R & Success]
  : never;

export type ParseAs = "json" | "text" | "stream";
type Parsed<O, A extends ParseAs> = A extends "text"
  ? string
  : A extends "stream"
    ? AsyncIterable<Buffer>
    : DataOf<O>;

export interface RequestInit<O, A extends ParseAs> {
  params?: { path?: PathParameters<O>; query?: QueryParameters<O> };
  /** A JSON body, as the operation's application/json schema has it. */
  body?: JsonBodyOf<O>;
  /** A text/plain body instead (unit files, as curl sends them). */
  text?: string;
  /** `json` (default), `text`, or `stream`: the body as it arrives, for a follow. */
  parseAs?: A;
  signal?: AbortSignal;
}

/** The status line and headers of an answer. */
export interface AnswerHead {
  readonly status: number;
  readonly ok: boolean;
  header(name: string): string | undefined;
}

/** A 2xx answer has data; any other has error (the problem document, or the body's text). */
export interface Answer<T> {
  data?: T;
  error?: unknown;
  response: AnswerHead;
}

export interface HttpClientOptions {
  endpoint: string;
  token?: string;
  /** Bounds every request until its whole answer is read; a stream only until it begins. */
  timeoutMs: number;
  /** How often a read refused with 429 is asked again (default 3). */
  rateLimitRetries?: number;
}

/** A request that never got an answer in time (name TimeoutError, as fetch's would be). */
class TimeoutError extends Error {
  override name = "TimeoutError";
}

export class HttpClient {
  private readonly base: URL;

  constructor(private readonly options: HttpClientOptions) {
    this.base = new URL(options.endpoint.replace(/\/*$/, "/"));
  }

  GET<P extends PathsWith<"get">, A extends ParseAs = "json">(
    path: P,
    init: RequestInit<Operation<P, "get">, A> = {},
  ): Promise<Answer<Parsed<Operation<P, "get">, A>>> {
    return this.send("GET", path, init);
  }

  PUT<P extends PathsWith<"put">, A extends ParseAs = "json">(
    path: P,
    init: RequestInit<Operation<P, "put">, A> = {},
  ): Promise<Answer<Parsed<Operation<P, "put">, A>>> {
    return this.send("PUT", path, init);
  }

  POST<P extends PathsWith<"post">, A extends ParseAs = "json">(
    path: P,
    init: RequestInit<Operation<P, "post">, A> = {},
  ): Promise<Answer<Parsed<Operation<P, "post">, A>>> {
    return this.send("POST", path, init);
  }

  DELETE<P extends PathsWith<"delete">, A extends ParseAs = "json">(
    path: P,
    init: RequestInit<Operation<P, "delete">, A> = {},
  ): Promise<Answer<Parsed<Operation<P, "delete">, A>>> {
    return this.send("DELETE", path, init);
  }

  private async send<T>(
    method: string,
    path: string,
    init: RequestInit<unknown, ParseAs>,
  ): Promise<Answer<T>> {
    const url = new URL(this.base.pathname.replace(/\/$/, "") + fillPath(path, init), this.base);
    const headers: Record<string, string> = { accept: "application/json, */*" };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let payload: string | undefined;
    if (init.text !== undefined) {
      payload = init.text;
      headers["content-type"] = "text/plain";
    } else if (init.body !== undefined) {
      payload = JSON.stringify(init.body);
      headers["content-type"] = "application/json";
    }
    const parseAs = init.parseAs ?? "json";
    for (let retry = 0; ; retry++) {
      const deadline = new Deadline(this.options.timeoutMs, init.signal);
      try {
        const response = await this.exchange(url, { method, headers }, payload, deadline);
        const head = headOf(response);
        // A read that the rate limit refused is safe to ask again, after the server's wait.
        const retries = this.options.rateLimitRetries ?? RATE_LIMIT_RETRIES;
        if (head.status === 429 && method === "GET" && retry < retries) {
          response.resume();
          deadline.end();
          await new Promise((resolve) => setTimeout(resolve, retryAfterMs(head)));
          continue;
        }
        if (head.ok && parseAs === "stream") {
          deadline.end();
          return { data: response as AsyncIterable<Buffer> as T, response: head };
        }
        const text = await deadline.bound(readText(response));
        const body = parseAs === "text" && head.ok ? text : parseBody(text, head);
        return head.ok ? { data: body as T, response: head } : { error: body, response: head };
      } finally {
        deadline.end();
      }
    }
  }

  /** Sends the request and resolves once the status line and headers are in. */
  private async exchange(
    url: URL,
    options: RequestOptions,
    payload: string | undefined,
    deadline: Deadline,
  ): Promise<IncomingMessage> {
    // TLS is loaded only for an https endpoint.
    const { request } =
      url.protocol === "https:" ? await import("node:https") : await import("node:http");
    return deadline.bound(
      new Promise<IncomingMessage>((resolve, reject) => {
        const outgoing = request(url, options, resolve);
        deadline.onAbort((reason) => outgoing.destroy(reason));
        outgoing.on("error", reject);
        outgoing.end(payload);
      }),
    );
  }
}

/** A read that gets 429 is asked again, after the server's Retry-After, a few times. */
const RATE_LIMIT_RETRIES = 3;
const MAX_RETRY_AFTER_MS = 5000;

function retryAfterMs(head: AnswerHead): number {
  const seconds = Number(head.header("retry-after"));
  return Number.isFinite(seconds) && seconds > 0
    ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS)
    : 1000;
}

/** One request's time limit and the caller's signal: either ends it with a clear error. */
class Deadline {
  private readonly timer: NodeJS.Timeout;
  private reason?: Error;
  private readonly listeners: ((reason: Error) => void)[] = [];
  private readonly onCallerAbort = () => this.abort(asError(this.signal?.reason));

  constructor(
    timeoutMs: number,
    private readonly signal?: AbortSignal,
  ) {
    this.timer = setTimeout(
      () => this.abort(new TimeoutError(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    if (signal?.aborted) this.onCallerAbort();
    else signal?.addEventListener("abort", this.onCallerAbort, { once: true });
  }

  onAbort(listener: (reason: Error) => void): void {
    if (this.reason) listener(this.reason);
    else this.listeners.push(listener);
  }

  /** The promise, or the deadline's error if that comes first. */
  bound<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.onAbort(reject);
      promise.then(resolve, (error: unknown) => reject(this.reason ?? error));
    });
  }

  /** The request no longer needs bounding (answered, or a stream that has begun). */
  end(): void {
    clearTimeout(this.timer);
    this.signal?.removeEventListener("abort", this.onCallerAbort);
  }

  private abort(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    this.end();
    for (const listener of this.listeners.splice(0)) listener(reason);
  }
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

/** `/v1/units/{name}` with `{name}` filled in, percent-encoded, and the query appended. */
function fillPath(template: string, init: RequestInit<unknown, ParseAs>): string {
  const pathParams = (init.params?.path ?? {}) as Record<string, string>;
  const path = template.replace(/\{([^}]+)\}/g, (_, key: string) => {
    const value = pathParams[key];
    if (value === undefined) throw new Error(`no value for {${key}} in ${template}`);
    return encodeURIComponent(value);
  });
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries((init.params?.query ?? {}) as object)) {
    if (value !== undefined) query.append(key, String(value));
  }
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

function headOf(response: IncomingMessage): AnswerHead {
  const status = response.statusCode ?? 0;
  return {
    status,
    ok: status >= 200 && status < 300,
    header: (name) => {
      const value = response.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

async function readText(response: IncomingMessage): Promise<string> {
  response.setEncoding("utf8");
  let text = "";
  for await (const chunk of response) text += chunk;
  return text;
}

/** JSON when the answer says it is (application/json or a problem+json), else its text. */
function parseBody(text: string, head: AnswerHead): unknown {
  if (text === "") return undefined;
  if (!/[/+]json\b/.test(head.header("content-type") ?? "")) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
