import { KeyExistsError, KeyNotFoundError, type UserKeys } from "../../registry/user-keys.ts";
import type { EtcdctlCommand } from "../../unit/etcdctl-command.ts";
import type { ExitStatus } from "./types.ts";

/** etcdctl v2's exit status for a cluster error such as a missing key. */
const CLUSTER_ERROR = 4;

/**
 * Runs a fleet-era `etcdctl` command line natively against etcd v3, printing what etcdctl
 * v2 printed. `out` receives standard output (the unit's log, or the shim's stdout).
 */
export async function runEtcdctl(
  command: EtcdctlCommand,
  keys: UserKeys,
  out: (line: string) => void,
): Promise<ExitStatus> {
  try {
    switch (command.verb) {
      case "set":
        await keys.set(command.key, command.value, command.ttlSeconds);
        out(command.value);
        break;
      case "mk":
        await keys.create(command.key, command.value, command.ttlSeconds);
        out(command.value);
        break;
      case "update":
        await keys.update(command.key, command.value, command.ttlSeconds);
        out(command.value);
        break;
      case "get":
        out(await keys.get(command.key));
        break;
      case "rm":
        await keys.remove(command.key, command.recursive || command.dir);
        break;
      case "ls":
        for (const key of await keys.list(command.key, command.recursive)) out(key);
        break;
    }
    return { code: 0 };
  } catch (error) {
    if (error instanceof KeyNotFoundError) return failure(out, `Error:  100: ${error.message}`);
    if (error instanceof KeyExistsError) return failure(out, `Error:  105: ${error.message}`);
    return failure(out, `Error:  cluster is unreachable: ${(error as Error).message}`);
  }
}

function failure(out: (line: string) => void, message: string): ExitStatus {
  out(message);
  return { code: CLUSTER_ERROR, message };
}
