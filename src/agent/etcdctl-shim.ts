import { chmod, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const FLOTILLA_BIN = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "bin",
  "flotilla.js",
);

/**
 * Writes an `etcdctl` that understands fleet-era v2 command lines into `<stateDir>/bin`, for
 * the PATH of the processes units start, so hand-written scripts that call etcdctl work.
 */
export async function writeEtcdctlShim(stateDir: string, etcdEndpoints: string[]): Promise<string> {
  const binDir = join(stateDir, "bin");
  await mkdir(binDir, { recursive: true });
  const shim = join(binDir, "etcdctl");
  const script = [
    "#!/bin/sh",
    "# etcdctl v2 command lines, run by Flotilla against etcd v3. Written by flotilla agent.",
    `FLOTILLA_ETCD='${etcdEndpoints.join(",")}' exec '${process.execPath}' '${FLOTILLA_BIN}' etcdctl "$@"`,
    "",
  ].join("\n");
  await writeFile(shim, script);
  await chmod(shim, 0o755);
  return binDir;
}
