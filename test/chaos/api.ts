import { Agent, request } from "undici";
import { jsonOf } from "../support/http.ts";

/**
 * An answer, or why there is none. `sent` is false only when the request surely never reached
 * the server (nothing listened): then it did not happen. A timeout or a reset leaves it unknown.
 */
export interface Reply {
  status?: number;
  json?: any;
  retryAfter: boolean;
  sent: boolean;
  timedOut: boolean;
  error?: string;
}

export type Outcome = "acked" | "refused" | "unknown";

export function outcomeOf(reply: Reply): Outcome {
  if (reply.status !== undefined && reply.status < 300) return "acked";
  if (!reply.sent || (reply.status !== undefined && reply.status < 500)) return "refused";
  return "unknown";
}

/** A connection per request: a killed server must not leave a pooled socket for the next one. */
const dispatcher = new Agent({ connect: { timeout: 2000 } });

const NOT_SENT = new Set([
  "ECONNREFUSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "EHOSTUNREACH",
  "EADDRNOTAVAIL",
]);
const TIMED_OUT = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

export async function call(
  url: string,
  method: string,
  options: { json?: unknown; text?: string; token?: string; timeoutMs?: number } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.text !== undefined) {
    headers["content-type"] = "text/plain";
    body = options.text;
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const timeout = options.timeoutMs ?? 8000;
  try {
    const response = await request(url, {
      method: method as "GET",
      headers,
      body,
      dispatcher,
      reset: true,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    return {
      status: response.statusCode,
      json: jsonOf(await response.body.text()),
      retryAfter: response.headers["retry-after"] !== undefined,
      sent: true,
      timedOut: false,
    };
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    return {
      retryAfter: false,
      sent: !NOT_SENT.has(code),
      timedOut: TIMED_OUT.has(code),
      error: `${code || "error"}: ${(error as Error).message}`,
    };
  }
}
