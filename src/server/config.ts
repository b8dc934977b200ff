import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ETCD_FLAGS, etcdConnection } from "../config/etcd.ts";
import { ConfigError, normalisePrefix, parseListen, parseSeconds } from "../config/parse.ts";
import { type ClientTls, clientTls, tlsFiles } from "../config/tls.ts";
import type { EtcdOptions } from "../registry/etcd-client.ts";
import type { ApiTokens } from "./auth.ts";
import type { RateLimit } from "./rate-limit.ts";

export interface ServerConfig {
  host: string;
  port: number;
  etcd: EtcdOptions;
  prefix: string;
  logLevel: string;
  /** The bearer token agents require of the engine. */
  agentToken?: string;
  /** How the engine and the log proxy verify agents' HTTPS, and the certificate they present. */
  agentTls?: ClientTls;
  leaderTtlSeconds: number;
  tokens: ApiTokens;
  tls?: { cert: Buffer; key: Buffer };
  rateLimit: RateLimit;
  maxEventStreams: number;
  /** Check the placement invariant after every engine pass, and log what breaks it. */
  checkPlacements: boolean;
  /** How long a stop asked through /fleet/v1 waits for the client to read the unit. */
  fleetStopHoldSeconds: number;
}

export const SERVER_DEFAULTS = {
  listen: "127.0.0.1:7600",
  etcd: "http://127.0.0.1:2379",
  prefix: "/flotilla/",
  logLevel: "info",
  rateLimit: 100,
  maxEventStreams: 16,
  fleetStopHold: "5",
} as const;

/** `flotilla server`'s flags (src/server/usage.ts says what each does). */
export const SERVER_OPTIONS = {
  listen: { type: "string" },
  ...ETCD_FLAGS,
  prefix: { type: "string" },
  "log-level": { type: "string" },
  "agent-token": { type: "string" },
  "agent-cert": { type: "string" },
  "agent-key": { type: "string" },
  "agent-ca": { type: "string" },
  "leader-ttl": { type: "string" },
  "read-token-file": { type: "string" },
  "write-token-file": { type: "string" },
  "allow-unauthenticated": { type: "boolean" },
  "rate-limit": { type: "string" },
  "max-event-streams": { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  "check-placements": { type: "boolean" },
  "fleet-stop-hold": { type: "string" },
} as const;

/** Flags win over FLOTILLA_* environment variables, which win over defaults. */
export function serverConfig(argv: string[], env: NodeJS.ProcessEnv): ServerConfig {
  const { values } = parseArgs({
    args: argv,
    options: SERVER_OPTIONS,
    strict: true,
    allowPositionals: false,
  });
  const listen = values.listen ?? env.FLOTILLA_LISTEN ?? SERVER_DEFAULTS.listen;
  const { host, port } = parseListen(listen);
  const tokens: ApiTokens = {
    read: tokenList(values["read-token-file"], env.FLOTILLA_READ_TOKENS),
    write: tokenList(values["write-token-file"], env.FLOTILLA_WRITE_TOKENS),
  };
  const open = tokens.read.length + tokens.write.length === 0;
  const allowOpen =
    values["allow-unauthenticated"] ?? env.FLOTILLA_ALLOW_UNAUTHENTICATED === "true";
  if (open && !isLoopback(host) && !allowOpen) {
    throw new ConfigError(
      `refusing to serve an unauthenticated API on ${listen}: set FLOTILLA_WRITE_TOKENS (or --write-token-file), or pass --allow-unauthenticated`,
    );
  }
  const perSecond = count(
    "--rate-limit",
    values["rate-limit"] ?? env.FLOTILLA_RATE_LIMIT,
    SERVER_DEFAULTS.rateLimit,
  );
  return {
    host,
    port,
    etcd: etcdConnection(values, env, SERVER_DEFAULTS.etcd),
    prefix: normalisePrefix(values.prefix ?? env.FLOTILLA_PREFIX ?? SERVER_DEFAULTS.prefix),
    logLevel: values["log-level"] ?? env.FLOTILLA_LOG_LEVEL ?? SERVER_DEFAULTS.logLevel,
    agentToken: values["agent-token"] ?? env.FLOTILLA_AGENT_TOKEN,
    agentTls: clientTls(
      { cert: "--agent-cert", key: "--agent-key", ca: "--agent-ca" },
      {
        cert: values["agent-cert"] ?? env.FLOTILLA_AGENT_CERT,
        key: values["agent-key"] ?? env.FLOTILLA_AGENT_KEY,
        ca: values["agent-ca"] ?? env.FLOTILLA_AGENT_CA,
      },
    ),
    leaderTtlSeconds: parseSeconds(
      "--leader-ttl",
      values["leader-ttl"] ?? env.FLOTILLA_LEADER_TTL ?? "10",
    ),
    tokens,
    tls: tlsFiles(
      { cert: "--tls-cert", key: "--tls-key", ca: "" },
      {
        cert: values["tls-cert"] ?? env.FLOTILLA_TLS_CERT,
        key: values["tls-key"] ?? env.FLOTILLA_TLS_KEY,
      },
    ),
    rateLimit: { perSecond, burst: perSecond * 2 },
    maxEventStreams: count(
      "--max-event-streams",
      values["max-event-streams"] ?? env.FLOTILLA_MAX_EVENT_STREAMS,
      SERVER_DEFAULTS.maxEventStreams,
    ),
    checkPlacements: values["check-placements"] ?? env.FLOTILLA_CHECK_PLACEMENTS === "true",
    fleetStopHoldSeconds: parseSeconds(
      "--fleet-stop-hold",
      values["fleet-stop-hold"] ?? env.FLOTILLA_FLEET_STOP_HOLD ?? SERVER_DEFAULTS.fleetStopHold,
    ),
  };
}

/** Tokens from a file (one per line) or a comma-separated variable. */
function tokenList(file: string | undefined, variable: string | undefined): string[] {
  let text = variable ?? "";
  if (file !== undefined) {
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new ConfigError(
        `cannot read token file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      );
    }
  }
  return text
    .split(/[,\n]/)
    .map((token) => token.trim())
    .filter((token) => token !== "");
}

function count(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new ConfigError(`${flag} ${value}: expected a whole number`);
  return parsed;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}
