import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./openapi.ts";

export type ApiClient = ReturnType<typeof createClient<paths>>;
export type Unit = components["schemas"]["Unit"];
export type Machine = components["schemas"]["Machine"];
export type Problem = components["schemas"]["Problem"];

export interface ClientOptions {
  endpoint: string;
  token?: string;
}

/**
 * The typed HTTP client of Flotilla's API, generated from openapi/openapi.json: every path,
 * parameter and body is checked against the document at compile time.
 */
export function createApiClient(options: ClientOptions): ApiClient {
  const client = createClient<paths>({ baseUrl: options.endpoint.replace(/\/+$/, "") });
  if (options.token) {
    const auth: Middleware = {
      onRequest({ request }) {
        request.headers.set("authorization", `Bearer ${options.token}`);
        return request;
      },
    };
    client.use(auth);
  }
  return client;
}
