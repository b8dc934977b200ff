/** Parsing of the settings every Flotilla process shares; each error is a usage error. */
export class ConfigError extends Error {}

export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen);
  const port = Number(match?.[3]);
  if (!match || port > 65535)
    throw new ConfigError(`--listen ${listen}: expected HOST:PORT, e.g. 127.0.0.1:7600`);
  return { host: match[1] ?? (match[2] || "0.0.0.0"), port };
}

export function parseEndpoints(list: string): string[] {
  const endpoints = list
    .split(",")
    .map((endpoint) => endpoint.trim())
    .filter((endpoint) => endpoint !== "");
  for (const endpoint of endpoints) {
    if (!/^https?:\/\/[^/\s]+\/?$/.test(endpoint)) {
      throw new ConfigError(`--etcd ${endpoint}: expected a URL such as http://127.0.0.1:2379`);
    }
  }
  if (endpoints.length === 0) throw new ConfigError("--etcd: at least one endpoint is needed");
  return endpoints;
}

/** Keys live under the prefix, so it must start and end with '/'. */
export function normalisePrefix(prefix: string): string {
  if (!/^\/[A-Za-z0-9_./-]*$/.test(prefix)) {
    throw new ConfigError(`--prefix ${prefix}: expected an etcd key prefix such as /flotilla/`);
  }
  return prefix.endsWith("/") ? prefix : `${prefix}/`;
}

/** Whole seconds between 2 and 3600, for TTLs. */
export function parseSeconds(flag: string, value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 2 || seconds > 3600) {
    throw new ConfigError(`${flag} ${value}: expected whole seconds between 2 and 3600`);
  }
  return seconds;
}
