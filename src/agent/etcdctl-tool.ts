import { etcdConnection } from "../config/etcd.ts";
import { ConfigError, parseEndpoints } from "../config/parse.ts";
import { connectEtcd, type EtcdOptions } from "../registry/etcd-client.ts";
import { UserKeys } from "../registry/user-keys.ts";
import { parseEtcdctlCommand } from "../unit/etcdctl-command.ts";
import { ETCDCTL_SETTINGS_VARIABLE, readEtcdctlSettings } from "./etcdctl-settings.ts";
import { runEtcdctl } from "./runtime/etcdctl-runtime.ts";

const ENDPOINT_FLAGS = new Set(["--endpoints", "--endpoint", "--peers", "-C"]);

/**
 * `flotilla etcdctl ...`: fleet-era etcdctl v2 command lines against etcd v3, for scripts
 * that units run (the agent puts an `etcdctl` that calls this on their PATH).
 */
export async function runEtcdctlCommand(argv: string[]): Promise<number> {
  const parsed = parseEtcdctlCommand(["etcdctl", ...argv]);
  if (!parsed.ok) throw new ConfigError(parsed.error);
  const etcd = connectEtcd(connection(argv, process.env));
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

/**
 * Run by the agent's shim: the agent's own connection, from the settings file it names, with
 * endpoints a script gives winning. Run by hand: the FLOTILLA_ETCD* variables, as for the agent.
 */
function connection(argv: string[], env: NodeJS.ProcessEnv): EtcdOptions {
  const flag = endpointFlag(argv);
  const settings = env[ETCDCTL_SETTINGS_VARIABLE];
  if (settings === undefined) return etcdConnection({ etcd: flag }, env, "http://127.0.0.1:2379");
  const agents = readEtcdctlSettings(settings);
  return flag === undefined ? agents : { ...agents, endpoints: parseEndpoints(flag) };
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
