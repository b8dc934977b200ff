import { programName } from "./cli/program.ts";
import { runCli } from "./cli/run.ts";
import { ConfigError } from "./config/parse.ts";

/**
 * One binary, installed as `flotilla` and as `fleetctl`: the daemons and the etcdctl tool by
 * name, and every other argument list goes to the CLI. The daemons are imported only when
 * run, so that a CLI command loads neither their code nor their dependencies; the CLI's own
 * code is part of this module's bundle, so that a command loads as few files as possible.
 */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // `server --help`, and `help server` as for the CLI's commands.
  const helpFor = command === "help" && rest.length === 1 ? rest[0] : undefined;
  if (isTool(helpFor)) return printUsage(helpFor);
  if (command === "agent" && (rest[0] === "drain" || rest[0] === "undrain")) {
    // The CLI's drain of this machine (its --help is the CLI command's).
    const { localMachineCommand } = await import("./agent/local-machine.ts");
    const cli = wantsHelp(rest) ? [rest[0], "--help"] : localMachineCommand(rest, process.env);
    return exitAfterOutput(await runCli(cli, programName(process.argv[1])));
  }
  if (isTool(command) && wantsHelp(rest)) return printUsage(command);
  switch (command) {
    case "server": {
      const { runServer } = await import("./server/run.ts");
      await runServer(rest);
      return -1;
    }
    case "agent": {
      const { runAgent } = await import("./agent/run.ts");
      await runAgent(rest);
      return -1;
    }
    case "etcdctl": {
      const { runEtcdctlCommand } = await import("./agent/etcdctl-tool.ts");
      return runEtcdctlCommand(rest);
    }
    default:
      return exitAfterOutput(await runCli(argv, programName(process.argv[1])));
  }
}

const TOOLS = ["server", "agent", "etcdctl"] as const;

function isTool(name: string | undefined): name is (typeof TOOLS)[number] {
  return TOOLS.some((tool) => tool === name);
}

async function printUsage(tool: (typeof TOOLS)[number]): Promise<number> {
  if (tool === "etcdctl") {
    const { ETCDCTL_USAGE } = await import("./agent/etcdctl-usage.ts");
    process.stdout.write(ETCDCTL_USAGE);
    return 0;
  }
  const { usageText } = await import("./config/usage.ts");
  const { SERVER_USAGE } = await import("./server/usage.ts");
  const { AGENT_USAGE } = await import("./agent/usage.ts");
  process.stdout.write(usageText(tool === "server" ? SERVER_USAGE : AGENT_USAGE));
  return 0;
}

function wantsHelp(args: string[]): boolean {
  return args.includes("--help") || args.includes("-h");
}

/**
 * A CLI command is over once its output is written; idle keep-alive connections to the API
 * must not hold the process open for seconds after it.
 */
async function exitAfterOutput(code: number): Promise<never> {
  await Promise.all(
    [process.stdout, process.stderr].map(
      (stream) => new Promise((resolve) => stream.write("", resolve)),
    ),
  );
  process.exit(code);
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
