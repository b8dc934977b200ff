import type { Command } from "./command.ts";
import { commands } from "./commands/index.ts";
import { globalFlagHelp } from "./flags.ts";
import { VERSION } from "./program.ts";
import { tabulate } from "./table.ts";

/** Processes that share the binary; `help server` (or `server --help`) lists their flags. */
const daemons = [
  ["server", "Run a control-plane server (--listen, --etcd, --prefix, --agent-token, ...)"],
  ["agent", "Run the node agent of this machine (--machine-id, --public-ip, --etcd, ...)"],
  ["etcdctl", "etcdctl v2 command lines (set, mk, update, get, rm, ls) against etcd v3"],
] as const;

const environment = [
  ["FLOTILLA_ENDPOINT, FLEETCTL_ENDPOINT", "--endpoint"],
  ["FLOTILLA_TOKEN, FLEETCTL_TOKEN", "--token"],
  ["FLOTILLA_REQUEST_TIMEOUT, FLEETCTL_REQUEST_TIMEOUT", "--request-timeout"],
  ["FLOTILLA_OUTPUT, FLEETCTL_OUTPUT", "--output"],
] as const;

/** fleetctl's help layout: sections, and tab-aligned lists indented by one tab. */
function section(title: string, rows: readonly (readonly string[])[]): string {
  return `${title}:\n${tabulate(rows.map((row) => ["", ...row]))}`;
}

export function generalHelp(program: string): string {
  return [
    section("NAME", [
      [`${program} - run services across a cluster from systemd unit files, as CoreOS fleet did`],
    ]),
    section("USAGE", [[`${program} [global options] <command> [command options] [arguments...]`]]),
    section("VERSION", [[VERSION]]),
    section("COMMANDS", [
      ...commands.map((command) => [command.name, command.summary]),
      ["help", "Show help for a command"],
    ]),
    section("DAEMONS AND TOOLS", daemons),
    section("GLOBAL OPTIONS", globalFlagHelp),
    section("ENVIRONMENT", environment),
    section(
      "EXAMPLES",
      commands.flatMap((command) => examplesOf(program, command)),
    ),
    `Run '${program} help <command>' for a command's options, '${program} help server' (or agent, etcdctl) for a daemon's flags. Exit status: 0 success, 1 failure, 2 usage error.\n`,
  ].join("\n");
}

/** The command's examples, written with the name the user typed. */
function examplesOf(program: string, command: Command): [string, string][] {
  return command.examples.map(([line, what]) => [
    line.replace(/^(fleetctl|flotilla) /, `${program} `),
    `# ${what}`,
  ]);
}

export function commandHelp(program: string, command: Command): string {
  const parts = [
    section("NAME", [[`${program} ${command.name} - ${command.summary}`]]),
    section("USAGE", [[`${program} ${command.name} ${command.usage}`.trimEnd()]]),
  ];
  if (command.description) {
    parts.push(
      section(
        "DESCRIPTION",
        command.description.split("\n").map((line) => [line]),
      ),
    );
  }
  if (command.flagHelp && command.flagHelp.length > 0) {
    parts.push(section("OPTIONS", command.flagHelp));
  }
  parts.push(section("EXAMPLES", examplesOf(program, command)));
  parts.push(section("GLOBAL OPTIONS", globalFlagHelp));
  return parts.join("\n");
}
