import { request } from "undici";

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

/** One HTTP request with undici, returning the whole body. */
export async function http(
  method: string,
  url: string,
  options: { body?: string; headers?: Record<string, string>; json?: unknown } = {},
): Promise<HttpResult> {
  const headers = { ...(options.headers ?? {}) };
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["content-type"] ??= "application/json";
  }
  const response = await request(url, { method: method as "GET", headers, body });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, json: jsonOf(text) };
}

/** A body parsed as JSON; undefined when it is empty or not JSON. */
export function jsonOf(text: string): unknown {
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
