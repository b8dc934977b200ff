import { ConfigError } from "../server/config.ts";
import { runServer } from "../server/run.ts";

const USAGE = `Usage: flotilla <command> [flags]

Daemons:
  server    Run a control-plane server (--listen, --etcd, --prefix)

Run 'flotilla help' for this text.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "server":
      await runServer(rest);
      return -1;
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
