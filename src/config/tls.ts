import { readFileSync } from "node:fs";
import { ConfigError } from "./parse.ts";

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  /** The certificate authority that signs the peer's certificate, when it is checked. */
  ca?: Buffer;
}

/** Reads a PEM file named by a flag, turning a missing file into a usage error naming the flag. */
export function readPem(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(`${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

/** A certificate and key (both or neither), and an optional CA, from flag values. */
export function tlsFiles(
  names: { cert: string; key: string; ca: string },
  paths: { cert?: string; key?: string; ca?: string },
): TlsFiles | undefined {
  if (paths.cert === undefined && paths.key === undefined) {
    if (paths.ca !== undefined)
      throw new ConfigError(`${names.ca} needs ${names.cert} and ${names.key}`);
    return undefined;
  }
  if (paths.cert === undefined || paths.key === undefined) {
    throw new ConfigError(`${names.cert} and ${names.key} go together`);
  }
  return {
    cert: readPem(names.cert, paths.cert),
    key: readPem(names.key, paths.key),
    ...(paths.ca === undefined ? {} : { ca: readPem(names.ca, paths.ca) }),
  };
}

/** What a client needs to call a TLS server: the CA that signs its certificate, and for mutual TLS our own. */
export interface ClientTls {
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/**
 * A CA alone (verify the server, authenticate by token), or a CA with a certificate and key
 * (mutual TLS). A certificate without the CA is refused: the peers' certificates come from a
 * private CA, so without it no handshake could succeed and the mistake would surface only later.
 */
export function clientTls(
  names: { cert: string; key: string; ca: string },
  paths: { cert?: string; key?: string; ca?: string },
): ClientTls | undefined {
  if ((paths.cert === undefined) !== (paths.key === undefined))
    throw new ConfigError(`${names.cert} and ${names.key} go together`);
  if (paths.ca === undefined) {
    if (paths.cert !== undefined) throw new ConfigError(`${names.cert} needs ${names.ca}`);
    return undefined;
  }
  return {
    ca: readPem(names.ca, paths.ca),
    ...(paths.cert && paths.key
      ? { cert: readPem(names.cert, paths.cert), key: readPem(names.key, paths.key) }
      : {}),
  };
}
