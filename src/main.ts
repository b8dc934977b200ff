import { runEtcdctlCommand } from "./agent/etcdctl-tool.ts";
import { runAgent } from "./agent/run.ts";
import { ConfigError } from "./config/parse.ts";
import { runServer } from "./server/run.ts";

const USAGE = `Usage: flotilla <command> [flags]

Daemons:
  server    Run a control-plane server (--listen, --etcd, --prefix)
  agent     Run the node agent of this machine (--machine-id, --public-ip, --etcd, --listen, ...)

Tools:
  etcdctl   etcdctl v2 command lines (set, mk, update, get, rm, ls) against etcd v3

Run 'flotilla help' for this text.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "server":
      await runServer(rest);
      return -1;
    case "agent":
      await runAgent(rest);
      return -1;
    case "etcdctl":
      return runEtcdctlCommand(rest);
    case "help":
    case "--help":
    case "-h":
      console.log(USAGE);
      return 0;
    case "version":
    case "--version":
      console.log("flotilla 0.1.0");
      return 0;
    default:
      console.error(command ? `flotilla: unknown command ${command}\n\n${USAGE}` : USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (
      error instanceof ConfigError ||
      (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      console.error(`flotilla: ${(error as Error).message}`);
      process.exitCode = 2;
      return;
    }
    console.error(`flotilla: ${(error as Error).message ?? error}`);
    process.exitCode = 1;
  },
);
