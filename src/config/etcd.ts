import type { EtcdOptions } from "../registry/etcd-client.ts";
import { ConfigError, parseEndpoints } from "./parse.ts";
import { readPem } from "./tls.ts";

/** The etcd flags the server and the agent share. */
export const ETCD_FLAGS = {
  etcd: { type: "string" },
  "etcd-ca": { type: "string" },
  "etcd-cert": { type: "string" },
  "etcd-key": { type: "string" },
  "etcd-username": { type: "string" },
  "etcd-password": { type: "string" },
} as const;

type EtcdFlagValues = Partial<Record<keyof typeof ETCD_FLAGS, string>>;

/** How to reach etcd: endpoints, TLS (for https:// endpoints) and user/password authentication. */
export function etcdConnection(
  values: EtcdFlagValues,
  env: NodeJS.ProcessEnv,
  fallback: string,
): EtcdOptions {
  const endpoints = parseEndpoints(values.etcd ?? env.FLOTILLA_ETCD ?? fallback);
  const ca = values["etcd-ca"] ?? env.FLOTILLA_ETCD_CA;
  const cert = values["etcd-cert"] ?? env.FLOTILLA_ETCD_CERT;
  const key = values["etcd-key"] ?? env.FLOTILLA_ETCD_KEY;
  const username = values["etcd-username"] ?? env.FLOTILLA_ETCD_USERNAME;
  const password = values["etcd-password"] ?? env.FLOTILLA_ETCD_PASSWORD;
  const secure = endpoints.some((endpoint) => endpoint.startsWith("https://"));
  if (secure && ca === undefined) throw new ConfigError("https:// etcd endpoints need --etcd-ca");
  if ((cert === undefined) !== (key === undefined))
    throw new ConfigError("--etcd-cert and --etcd-key go together");
  if ((username === undefined) !== (password === undefined)) {
    throw new ConfigError(
      "--etcd-username and --etcd-password (or FLOTILLA_ETCD_PASSWORD) go together",
    );
  }
  return {
    endpoints,
    ...(ca === undefined
      ? {}
      : {
          tls: {
            ca: readPem("--etcd-ca", ca),
            ...(cert && key
              ? { cert: readPem("--etcd-cert", cert), key: readPem("--etcd-key", key) }
              : {}),
          },
        }),
    ...(username && password ? { auth: { username, password } } : {}),
  };
}
