import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, networkInterfaces } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ETCD_FLAGS, etcdConnection } from "../config/etcd.ts";
import { ConfigError, normalisePrefix, parseListen, parseSeconds } from "../config/parse.ts";
import { type TlsFiles, tlsFiles } from "../config/tls.ts";
import type { EtcdOptions } from "../registry/etcd-client.ts";

export interface AgentConfig {
  machineId: string;
  publicIP: string;
  privateIP: string;
  metadata: Record<string, string>;
  etcdEndpoints: string[];
  /** TLS and user/password for etcd, when configured. */
  etcdSecurity?: Pick<EtcdOptions, "tls" | "auth">;
  prefix: string;
  host: string;
  port: number;
  /**
   * Where the control plane reaches the API, when not at the listen address: behind a proxy
   * or a NAT. Announced in the machine record instead of the address derived from `--listen`.
   */
  advertiseURL?: string;
  dockerHost: string;
  token?: string;
  /** The API's certificate and key; with `ca`, only clients with a certificate it signed get in. */
  tls?: TlsFiles;
  presenceTtlSeconds: number;
  /** How often the unit states in etcd are compared with the units' own. */
  stateCheckSeconds: number;
  stateDir: string;
  leaveRunning: boolean;
  logLevel: string;
  /**
   * Scale tests only: units run in a simulated runtime (no Docker, no processes) while the
   * presence lease, state reports and HTTP API stay real. Never the default.
   */
  simulate: boolean;
}

export const AGENT_DEFAULTS = {
  listen: "127.0.0.1:7601",
  etcd: "http://127.0.0.1:2379",
  prefix: "/flotilla/",
  dockerHost: "unix:///var/run/docker.sock",
  presenceTtlSeconds: 10,
  stateCheckSeconds: 300,
} as const;

/** `flotilla agent`'s flags (src/agent/usage.ts says what each does). */
export const AGENT_OPTIONS = {
  "machine-id": { type: "string" },
  "public-ip": { type: "string" },
  "private-ip": { type: "string" },
  metadata: { type: "string", multiple: true },
  ...ETCD_FLAGS,
  prefix: { type: "string" },
  listen: { type: "string" },
  "advertise-url": { type: "string" },
  "docker-host": { type: "string" },
  token: { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  "tls-client-ca": { type: "string" },
  "presence-ttl": { type: "string" },
  "state-check-interval": { type: "string" },
  "state-dir": { type: "string" },
  "leave-running": { type: "boolean" },
  "log-level": { type: "string" },
  simulate: { type: "boolean" },
} as const;

/** Flags win over FLOTILLA_<FLAG> environment variables, which win over defaults. */
export function agentConfig(argv: string[], env: NodeJS.ProcessEnv): AgentConfig {
  const { values } = parseArgs({
    args: argv,
    options: AGENT_OPTIONS,
    strict: true,
    allowPositionals: false,
  });
  const listen = values.listen ?? env.FLOTILLA_LISTEN ?? AGENT_DEFAULTS.listen;
  const { host, port } = parseListen(listen);
  const stateDir = values["state-dir"] ?? env.FLOTILLA_STATE_DIR ?? defaultStateDir();
  const publicIP = values["public-ip"] ?? env.FLOTILLA_PUBLIC_IP ?? defaultAddress(host);
  const ttl = parseSeconds(
    "--presence-ttl",
    values["presence-ttl"] ??
      env.FLOTILLA_PRESENCE_TTL ??
      String(AGENT_DEFAULTS.presenceTtlSeconds),
  );
  const etcd = etcdConnection(values, env, AGENT_DEFAULTS.etcd);
  const metadataList =
    values.metadata ?? (env.FLOTILLA_METADATA ? env.FLOTILLA_METADATA.split(",") : []);
  return {
    machineId: machineId(values["machine-id"] ?? env.FLOTILLA_MACHINE_ID, stateDir),
    publicIP,
    privateIP: values["private-ip"] ?? env.FLOTILLA_PRIVATE_IP ?? publicIP,
    metadata: parseMetadata(metadataList),
    etcdEndpoints: etcd.endpoints,
    etcdSecurity: { tls: etcd.tls, auth: etcd.auth },
    prefix: normalisePrefix(values.prefix ?? env.FLOTILLA_PREFIX ?? AGENT_DEFAULTS.prefix),
    host,
    port,
    advertiseURL: parseAdvertiseURL(values["advertise-url"] ?? env.FLOTILLA_ADVERTISE_URL),
    dockerHost:
      values["docker-host"] ??
      env.FLOTILLA_DOCKER_HOST ??
      env.DOCKER_HOST ??
      AGENT_DEFAULTS.dockerHost,
    token: values.token ?? env.FLOTILLA_TOKEN,
    tls: tlsFiles(
      { cert: "--tls-cert", key: "--tls-key", ca: "--tls-client-ca" },
      {
        cert: values["tls-cert"] ?? env.FLOTILLA_TLS_CERT,
        key: values["tls-key"] ?? env.FLOTILLA_TLS_KEY,
        ca: values["tls-client-ca"] ?? env.FLOTILLA_TLS_CLIENT_CA,
      },
    ),
    presenceTtlSeconds: ttl,
    stateCheckSeconds: parseSeconds(
      "--state-check-interval",
      values["state-check-interval"] ??
        env.FLOTILLA_STATE_CHECK_INTERVAL ??
        String(AGENT_DEFAULTS.stateCheckSeconds),
    ),
    stateDir,
    leaveRunning: values["leave-running"] ?? env.FLOTILLA_LEAVE_RUNNING === "true",
    logLevel: values["log-level"] ?? env.FLOTILLA_LOG_LEVEL ?? "info",
    simulate: values.simulate ?? env.FLOTILLA_SIMULATE === "true",
  };
}

/** An http(s) URL of a host and port alone, without its trailing slash. */
function parseAdvertiseURL(given: string | undefined): string | undefined {
  if (given === undefined) return undefined;
  const url = URL.canParse(given) ? new URL(given) : undefined;
  const bare =
    (url?.protocol === "http:" || url?.protocol === "https:") &&
    url.username === "" &&
    url.password === "" &&
    url.pathname === "/" &&
    url.search === "" &&
    url.hash === "";
  if (!url || !bare)
    throw new ConfigError(
      `--advertise-url ${given}: expected http:// or https:// with a host and port only, e.g. http://10.0.0.1:7601`,
    );
  return `${url.protocol}//${url.host}`;
}

function parseMetadata(entries: string[]): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const entry of entries) {
    const match = /^([A-Za-z0-9_.-]+)=(.*)$/.exec(entry.trim());
    if (!match) throw new ConfigError(`--metadata ${entry}: expected key=value`);
    metadata[match[1] as string] = match[2] as string;
  }
  return metadata;
}

export function defaultStateDir(): string {
  return process.getuid?.() === 0
    ? "/var/lib/flotilla"
    : join(homedir(), ".local", "state", "flotilla");
}

/** The listen address when it names one, else the first external IPv4 address. */
function defaultAddress(host: string): string {
  if (host !== "0.0.0.0" && host !== "::" && host !== "") return host;
  for (const addresses of Object.values(networkInterfaces())) {
    const external = addresses?.find((address) => address.family === "IPv4" && !address.internal);
    if (external) return external.address;
  }
  return "127.0.0.1";
}

/** The flag, else /etc/machine-id, else an id generated once and kept in the state directory. */
function machineId(given: string | undefined, stateDir: string): string {
  if (given !== undefined) {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(given))
      throw new ConfigError(`--machine-id ${given}: letters, digits, - and _ only`);
    return given;
  }
  for (const path of ["/etc/machine-id", join(stateDir, "machine-id")]) {
    try {
      const id = readFileSync(path, "utf8").trim();
      if (id !== "") return id;
    } catch {
      // not there: try the next
    }
  }
  const generated = randomBytes(16).toString("hex");
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(join(stateDir, "machine-id"), `${generated}\n`);
  return generated;
}
