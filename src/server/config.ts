import { parseArgs } from "node:util";
import { normalisePrefix, parseEndpoints, parseListen, parseSeconds } from "../config/parse.ts";

export interface ServerConfig {
  host: string;
  port: number;
  etcdEndpoints: string[];
  prefix: string;
  logLevel: string;
  /** The bearer token agents require of the engine. */
  agentToken?: string;
  leaderTtlSeconds: number;
}

export const SERVER_DEFAULTS = {
  listen: "127.0.0.1:7600",
  etcd: "http://127.0.0.1:2379",
  prefix: "/flotilla/",
  logLevel: "info",
} as const;

/** Flags win over FLOTILLA_* environment variables, which win over defaults. */
export function serverConfig(argv: string[], env: NodeJS.ProcessEnv): ServerConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      listen: { type: "string" },
      etcd: { type: "string" },
      prefix: { type: "string" },
      "log-level": { type: "string" },
      "agent-token": { type: "string" },
      "leader-ttl": { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const listen = values.listen ?? env.FLOTILLA_LISTEN ?? SERVER_DEFAULTS.listen;
  const { host, port } = parseListen(listen);
  return {
    host,
    port,
    etcdEndpoints: parseEndpoints(values.etcd ?? env.FLOTILLA_ETCD ?? SERVER_DEFAULTS.etcd),
    prefix: normalisePrefix(values.prefix ?? env.FLOTILLA_PREFIX ?? SERVER_DEFAULTS.prefix),
    logLevel: values["log-level"] ?? env.FLOTILLA_LOG_LEVEL ?? SERVER_DEFAULTS.logLevel,
    agentToken: values["agent-token"] ?? env.FLOTILLA_AGENT_TOKEN,
    leaderTtlSeconds: parseSeconds(
      "--leader-ttl",
      values["leader-ttl"] ?? env.FLOTILLA_LEADER_TTL ?? "10",
    ),
  };
}
