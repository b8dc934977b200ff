import { readdir } from "node:fs/promises";
import { parseArgs } from "node:util";
import { FINAL_PHASES } from "../rollout/model.ts";
import { connectApi } from "./api.ts";
import type { CliContext, Command } from "./command.ts";
import { findCommand } from "./commands/index.ts";
import { complete, formatCandidates } from "./completion.ts";
import { CommandFailure, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from "./errors.ts";
import { globalOptions, parseCommandLine, resolveGlobals, splitCommand } from "./flags.ts";
import { commandHelp, generalHelp } from "./help.ts";
import { HttpClient } from "./http-client.ts";
import { MachineBook, machineIdOf } from "./machines.ts";
import { Output } from "./output.ts";
import type { ProgramName } from "./program.ts";

/**
 * Runs one CLI command and resolves to its exit status: 0 success, 1 failure, 2 usage
 * error. Every error ends as one line on stderr, never a stack trace.
 */
export async function runCli(argv: readonly string[], program: ProgramName): Promise<number> {
  const fallbackOutput = new Output("table");
  let commandName: string | undefined;
  try {
    // fleetctl answered `fleetctl --version` and `fleetctl -v` as `fleetctl version`.
    const words =
      argv[0] === "--version" || argv[0] === "-v" ? ["version", ...argv.slice(1)] : argv;
    // What the completion scripts ask; not a command a user types.
    if (words[0] === "__complete") return await printCompletions(words.slice(1), fallbackOutput);
    const { command: name, rest } = splitCommand(words);
    commandName = name;
    if (name === undefined || name === "help") {
      return showHelp(program, parseCommandLine(rest, {}, "help").positionals, fallbackOutput);
    }
    const command = findCommand(name);
    if (!command) throw new UsageError(`unknown command "${name}"`);
    const { values, positionals } = parseCommandLine(rest, command.options, command.name);
    if ((values as { help?: boolean }).help) {
      fallbackOutput.raw(commandHelp(program, command));
      return EXIT_OK;
    }
    checkArguments(command, positionals);
    const settings = resolveGlobals(values, process.env, command.outputAliases);
    const api = connectApi(settings);
    const context: CliContext = {
      program,
      out: new Output(settings.output),
      api,
      machines: new MachineBook(api),
      cwd: process.cwd(),
    };
    try {
      return await command.run(context, { values, positionals });
    } finally {
      context.out.clearProgress();
    }
  } catch (error) {
    return reportError(program, error, commandName, fallbackOutput);
  }
}

/**
 * `__complete bash LINE` (the line up to the cursor) or `__complete zsh WORD...`: the
 * candidates for the last word, one a line.
 */
async function printCompletions(args: readonly string[], out: Output): Promise<number> {
  const [shell = "bash", ...rest] = args;
  const words = shell === "bash" ? wordsOfLine(rest[0] ?? "") : rest;
  const client = () => {
    // The global flags typed so far; anything else on the line does not matter here.
    const { values } = parseArgs({
      args: words.slice(0, -1),
      options: globalOptions,
      allowPositionals: true,
      strict: false,
    });
    const settings = resolveGlobals(values as Record<string, string | undefined>, process.env);
    // A tab press waits for no slow server, and never for a rate limit.
    return new HttpClient({
      endpoint: settings.endpoint,
      token: settings.token,
      timeoutMs: COMPLETION_TIMEOUT_MS,
      rateLimitRetries: 0,
    });
  };
  const unitNames = async () => {
    const answer = await client().GET("/v1/unit-files");
    return answer.data?.unitFiles.map((file) => file.name) ?? [];
  };
  const rolloutIds = async () => {
    const answer = await client().GET("/v1/rollouts");
    const running = answer.data?.rollouts.filter((rollout) => !FINAL_PHASES.has(rollout.phase));
    return running?.map((rollout) => rollout.id) ?? [];
  };
  const machines = async () => {
    const answer = await client().GET("/v1/machines");
    return (answer.data?.machines ?? []).map((machine) => ({
      id: machine.id,
      publicIP: machine.publicIP,
      drained: machine.drain !== undefined,
    }));
  };
  const sources = { unitNames, localPaths, rolloutIds, machines };
  out.raw(formatCandidates(shell, await complete(words, sources)));
  return EXIT_OK;
}

const COMPLETION_TIMEOUT_MS = 2000;

/** The words after the program's name; the last is the one at the cursor, "" after a space. */
function wordsOfLine(line: string): string[] {
  const words = line.split(/\s+/).slice(1);
  return words.length === 0 ? [""] : words;
}

/** Unit files and directories in the directory the prefix names, for commands that read them. */
async function localPaths(prefix: string): Promise<string[]> {
  const slash = prefix.lastIndexOf("/");
  const dir = slash < 0 ? "" : prefix.slice(0, slash + 1);
  const entries = await readdir(dir === "" ? "." : dir, { withFileTypes: true });
  return entries
    .filter(
      (entry) => entry.isDirectory() || /\.(service|socket|timer|target|path)$/.test(entry.name),
    )
    .map((entry) => `${dir}${entry.name}${entry.isDirectory() ? "/" : ""}`);
}

function showHelp(program: ProgramName, topics: string[], out: Output): number {
  const [topic, ...extra] = topics;
  if (extra.length > 0) throw new UsageError("help takes one command at most", "help");
  if (topic === undefined || topic === "help") {
    out.raw(generalHelp(program));
    return EXIT_OK;
  }
  const command = findCommand(topic);
  if (!command) throw new UsageError(`unknown command "${topic}"`);
  out.raw(commandHelp(program, command));
  return EXIT_OK;
}

/** Refuses, as a usage error, a command line whose arguments the command does not take. */
export function checkArguments(command: Command, positionals: readonly string[]): void {
  const count = positionals.length;
  switch (command.arguments) {
    case "units":
      if (count === 0) throw new UsageError("no units given", command.name);
      return;
    case "unit":
      if (count !== 1) throw new UsageError("one unit must be given", command.name);
      return;
    case "machine":
      if (count !== 1 || machineIdOf(positionals[0] as string) === "")
        throw new UsageError("one machine must be given", command.name);
      return;
    case "none":
      if (count > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, command.name);
      return;
    case "any":
      return;
  }
}

function reportError(
  program: ProgramName,
  error: unknown,
  commandName: string | undefined,
  out: Output,
): number {
  if (error instanceof UsageError) {
    const topic = error.command && error.command !== "help" ? ` ${error.command}` : "";
    const where = error.command && error.command !== "help" ? `${error.command}: ` : "";
    out.note(`${program}: ${where}${error.message} (see '${program} help${topic}')`);
    return EXIT_USAGE;
  }
  if (error instanceof CommandFailure) {
    out.note(`${program}: ${error.message}`);
    return EXIT_FAILURE;
  }
  // A bug, not the user's doing: still one line, with the details behind a variable.
  const message = error instanceof Error ? error.message : String(error);
  out.note(`${program}: ${commandName ?? "command"} failed unexpectedly: ${message}`);
  if (process.env.FLOTILLA_DEBUG && error instanceof Error) out.note(error.stack ?? "");
  return EXIT_FAILURE;
}
