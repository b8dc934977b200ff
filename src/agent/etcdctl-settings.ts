import { readFileSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import { ConfigError } from "../config/parse.ts";
import type { EtcdOptions } from "../registry/etcd-client.ts";

/** The variable the shim sets to name the settings file for `flotilla etcdctl`. */
export const ETCDCTL_SETTINGS_VARIABLE = "FLOTILLA_ETCDCTL_SETTINGS";

interface SettingsFile {
  endpoints: string[];
  ca?: string;
  cert?: string;
  key?: string;
  username?: string;
  password?: string;
}

/**
 * Writes how the agent reaches etcd (endpoints, TLS certificates and key, user and password)
 * to a file only the agent's user may read (0600), for the etcdctl of units' scripts.
 *
 * The secrets go in this file rather than in units' environment: an environment is inherited
 * by everything a unit starts, lands in the unit's log (which API readers fetch through the
 * control plane) when a script prints it, and can be handed to a container with `docker run
 * -e`; the file is read only while etcdctl runs. Units' processes run as the agent's user, so
 * the shim they call can read it.
 * Written to a fresh file and renamed, so the secrets are never in a file with looser modes.
 */
export async function writeEtcdctlSettings(path: string, etcd: EtcdOptions): Promise<void> {
  const settings: SettingsFile = {
    endpoints: etcd.endpoints,
    ca: etcd.tls?.ca?.toString("utf8"),
    cert: etcd.tls?.cert?.toString("utf8"),
    key: etcd.tls?.key?.toString("utf8"),
    username: etcd.auth?.username,
    password: etcd.auth?.password,
  };
  const fresh = `${path}.${process.pid}.tmp`;
  await rm(fresh, { force: true });
  await writeFile(fresh, `${JSON.stringify(settings)}\n`, { mode: 0o600, flag: "wx" });
  await rename(fresh, path);
}

/** The etcd connection a settings file describes; an unreadable or malformed file is a usage error. */
export function readEtcdctlSettings(path: string): EtcdOptions {
  let settings: SettingsFile;
  try {
    settings = JSON.parse(readFileSync(path, "utf8")) as SettingsFile;
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(`${ETCDCTL_SETTINGS_VARIABLE}=${path}: ${why}`);
  }
  if (!Array.isArray(settings.endpoints) || settings.endpoints.length === 0) {
    throw new ConfigError(`${ETCDCTL_SETTINGS_VARIABLE}=${path}: no etcd endpoints in it`);
  }
  const pem = (text: string | undefined) => (text === undefined ? undefined : Buffer.from(text));
  return {
    endpoints: settings.endpoints,
    ...(settings.ca === undefined
      ? {}
      : { tls: { ca: pem(settings.ca), cert: pem(settings.cert), key: pem(settings.key) } }),
    ...(settings.username !== undefined && settings.password !== undefined
      ? { auth: { username: settings.username, password: settings.password } }
      : {}),
  };
}
