import type { Static } from "typebox";
import { Agent, type Dispatcher, request } from "undici";
import { type Backoff, retry } from "../backoff.ts";
import type { ClientTls } from "../config/tls.ts";
import type {
  AgentUnit,
  AgentUnitBatchResult,
  AgentUnitList,
  AgentUnitRequest,
} from "../schema/agent.ts";

export type AgentUnitView = Static<typeof AgentUnit>;
export type AgentUnitRequestBody = Static<typeof AgentUnitRequest>;
export type AgentUnitBatchResultView = Static<typeof AgentUnitBatchResult>;

export interface AgentClientOptions {
  /** The agent's base URL, as it announces it (http://127.0.0.11:7601). */
  url: string;
  token?: string;
  /** Per attempt: how long to wait for the agent's answer. */
  timeoutMs?: number;
  /** Attempts (at least one) for network errors and 5xx answers; every call is idempotent. */
  attempts?: number;
  dispatcher?: Dispatcher;
}

export class AgentError extends Error {
  constructor(
    message: string,
    /** The agent's HTTP status; undefined when it could not be reached. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * A pool of connections to agents; every AgentClient of a control plane shares one. For agents
 * that serve HTTPS, `tls` holds the CA that signs their certificates, and ours for mutual TLS.
 */
export function agentDispatcher(tls?: ClientTls): Dispatcher {
  return new Agent({ keepAliveTimeout: 10_000, connections: 16, ...(tls ? { connect: tls } : {}) });
}

const shared = agentDispatcher();

/** Between attempts of one call: 0.4 s, 0.8 s, ... up to 2 s, each from half to 1.5 times that. */
const CALL_BACKOFF: Backoff = { firstMs: 400, maxMs: 2000, jitter: 0.5 };

/** The control plane's client of one agent's HTTP API: timeouts, and retries with backoff. */
export class AgentClient {
  private readonly timeoutMs: number;
  private readonly attempts: number;

  constructor(private readonly options: AgentClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.attempts = options.attempts ?? 3;
  }

  applyUnit(name: string, body: AgentUnitRequestBody): Promise<AgentUnitView> {
    return this.call("PUT", `/v1/units/${encodeURIComponent(name)}`, body);
  }

  /**
   * Several units at once, each with its own outcome (as `applyUnit` would answer); a unit's
   * text, when given, is sent once per content.
   */
  async applyUnits(
    units: readonly (AgentUnitRequestBody & { name: string })[],
  ): Promise<AgentUnitBatchResultView["results"]> {
    const texts: Record<string, string> = {};
    for (const unit of units) if (unit.text !== undefined) texts[unit.hash] = unit.text;
    const body = {
      units: units.map(({ name, desiredState, hash, launch, draining }) => ({
        name,
        desiredState,
        hash,
        ...(launch === undefined ? {} : { launch }),
        ...(draining ? { draining } : {}),
      })),
      ...(Object.keys(texts).length > 0 ? { texts } : {}),
    };
    return (await this.call<AgentUnitBatchResultView>("POST", "/v1/units", body)).results;
  }

  async listUnits(): Promise<AgentUnitView[]> {
    return (await this.call<Static<typeof AgentUnitList>>("GET", "/v1/units")).units;
  }

  async getUnit(name: string): Promise<AgentUnitView | undefined> {
    try {
      return await this.call("GET", `/v1/units/${encodeURIComponent(name)}`);
    } catch (error) {
      if (error instanceof AgentError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The unit's recent log lines; with follow, a stream of lines that ends when `signal` aborts. */
  async logs(
    name: string,
    options: {
      lines?: number;
      follow?: boolean;
      signal?: AbortSignal;
      /** Only lines written within these ISO times. */
      since?: string;
      until?: string;
    } = {},
  ) {
    const query = new URLSearchParams({
      lines: String(options.lines ?? 100),
      follow: String(options.follow ?? false),
      ...(options.since !== undefined ? { since: options.since } : {}),
      ...(options.until !== undefined ? { until: options.until } : {}),
    });
    const response = await request(
      `${this.base()}/v1/units/${encodeURIComponent(name)}/logs?${query}`,
      {
        headers: this.headers(),
        signal: options.signal,
        dispatcher: this.options.dispatcher ?? shared,
        headersTimeout: this.timeoutMs,
        bodyTimeout: options.follow ? 0 : this.timeoutMs,
      },
    );
    if (response.statusCode !== 200) {
      throw new AgentError(
        await problemDetail(response.body, response.statusCode),
        response.statusCode,
      );
    }
    return response.body;
  }

  private call<T>(method: "GET" | "PUT" | "POST", path: string, body?: unknown): Promise<T> {
    return retry(() => this.callOnce<T>(method, path, body), {
      backoff: CALL_BACKOFF,
      attempts: this.attempts,
      retryable: (error) => !isRefusal(error),
    });
  }

  private async callOnce<T>(
    method: "GET" | "PUT" | "POST",
    path: string,
    body: unknown,
  ): Promise<T> {
    try {
      const response = await request(`${this.base()}${path}`, {
        method,
        headers: {
          ...this.headers(),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: this.options.dispatcher ?? shared,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      if (response.statusCode >= 200 && response.statusCode < 300)
        return (await response.body.json()) as T;
      throw new AgentError(
        await problemDetail(response.body, response.statusCode),
        response.statusCode,
      );
    } catch (error) {
      if (error instanceof AgentError) throw error;
      throw new AgentError(`agent ${this.options.url} unreachable: ${(error as Error).message}`);
    }
  }

  private base(): string {
    return this.options.url.replace(/\/+$/, "");
  }

  private headers(): Record<string, string> {
    return this.options.token ? { authorization: `Bearer ${this.options.token}` } : {};
  }
}

async function problemDetail(
  body: Dispatcher.ResponseData["body"],
  status: number,
): Promise<string> {
  const text = await body.text().catch(() => "");
  try {
    const parsed = JSON.parse(text) as { detail?: string };
    return parsed.detail ?? `agent answered ${status}`;
  } catch {
    return `agent answered ${status}: ${text.slice(0, 200)}`;
  }
}

/** An answer that another attempt would not change: the agent understood and said no. */
function isRefusal(error: unknown): boolean {
  return error instanceof AgentError && error.status !== undefined && error.status < 500;
}
