import { ConfigError, parseEndpoints } from "../config/parse.ts";
import { connectEtcd } from "../registry/etcd-client.ts";
import { UserKeys } from "../registry/user-keys.ts";
import { parseEtcdctlCommand } from "../unit/etcdctl-command.ts";
import { runEtcdctl } from "./runtime/etcdctl-runtime.ts";

const ENDPOINT_FLAGS = new Set(["--endpoints", "--endpoint", "--peers", "-C"]);

/**
 * `flotilla etcdctl ...`: fleet-era etcdctl v2 command lines against etcd v3, for scripts
 * that units run (the agent puts an `etcdctl` that calls this on their PATH).
 */
export async function runEtcdctlCommand(argv: string[]): Promise<number> {
  const parsed = parseEtcdctlCommand(["etcdctl", ...argv]);
  if (!parsed.ok) throw new ConfigError(parsed.error);
  const endpoints = parseEndpoints(
    endpointFlag(argv) ?? process.env.FLOTILLA_ETCD ?? "http://127.0.0.1:2379",
  );
  const etcd = connectEtcd({ endpoints });
  try {
    const status = await runEtcdctl(parsed.command, new UserKeys(etcd), (line) => {
      if (line.startsWith("Error:")) console.error(line);
      else console.log(line);
    });
    return status.code ?? 1;
  } finally {
    etcd.close();
  }
}

function endpointFlag(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.split("=", 2) as [string, string | undefined];
    if (!ENDPOINT_FLAGS.has(flag)) continue;
    return inline ?? argv[i + 1];
  }
  return undefined;
}
