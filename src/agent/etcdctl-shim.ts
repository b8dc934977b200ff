import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../package-root.ts";
import type { EtcdOptions } from "../registry/etcd-client.ts";
import { ETCDCTL_SETTINGS_VARIABLE, writeEtcdctlSettings } from "./etcdctl-settings.ts";

const FLOTILLA_BIN = join(PACKAGE_ROOT, "bin", "flotilla.js");

/**
 * Writes an `etcdctl` that understands fleet-era v2 command lines into `<stateDir>/bin`, for
 * the PATH of the processes units start, so hand-written scripts that call etcdctl work. It
 * reaches etcd as the agent does; the shim is world-readable and on PATH, so it only names the
 * file that holds the secrets (see writeEtcdctlSettings).
 */
export async function writeEtcdctlShim(stateDir: string, etcd: EtcdOptions): Promise<string> {
  const binDir = join(stateDir, "bin");
  await mkdir(binDir, { recursive: true });
  const settings = join(stateDir, "etcdctl.json");
  await writeEtcdctlSettings(settings, etcd);
  const shim = join(binDir, "etcdctl");
  const script = [
    "#!/bin/sh",
    "# etcdctl v2 command lines, run by Flotilla against etcd v3. Written by flotilla agent.",
    `${ETCDCTL_SETTINGS_VARIABLE}=${quote(settings)} exec ${quote(process.execPath)} ${quote(FLOTILLA_BIN)} etcdctl "$@"`,
    "",
  ].join("\n");
  await writeFile(shim, script);
  await chmod(shim, 0o755);
  return binDir;
}

/** One word for sh, whatever the path holds. */
function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
