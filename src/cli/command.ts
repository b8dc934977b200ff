import type { parseArgs } from "node:util";
import type { Api } from "./api.ts";
import type { ParseArgsOptionsConfig } from "./flags.ts";
import type { MachineBook } from "./machines.ts";
import type { Output, OutputFormat } from "./output.ts";
import type { ProgramName } from "./program.ts";

/** What a command works with; nothing in it reaches the network until a command asks. */
export interface CliContext {
  readonly program: ProgramName;
  readonly out: Output;
  readonly api: Api;
  readonly machines: MachineBook;
  /** Where relative unit file paths are read from. */
  readonly cwd: string;
}

export interface CommandInput<O extends ParseArgsOptionsConfig> {
  values: ReturnType<
    typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>
  >["values"];
  positionals: string[];
}

export interface Command<O extends ParseArgsOptionsConfig = ParseArgsOptionsConfig> {
  readonly name: string;
  /** One sentence, for the list of commands. */
  readonly summary: string;
  /** What follows the command's name, e.g. `[--no-block|--block-attempts=N] UNIT...`. */
  readonly usage: string;
  readonly description?: string;
  readonly options: O;
  readonly flagHelp?: readonly (readonly [string, string])[];
  /** Command lines as a user types them, each with what it does; help shows them all. */
  readonly examples: readonly (readonly [string, string])[];
  /**
   * `units`: one or more; `unit`: exactly one; `machine`: exactly one machine (its id, a
   * prefix of one, or its legend); `none`; `any`. Checked before run.
   */
  readonly arguments: "units" | "unit" | "machine" | "none" | "any";
  /** Extra --output values the command takes, beside table and json. */
  readonly outputAliases?: Readonly<Record<string, OutputFormat>>;
  /** Resolves to the exit code. */
  run(context: CliContext, input: CommandInput<O>): Promise<number>;
}

/** Keeps each command's flag types precise while the registry holds them all alike. */
export function defineCommand<const O extends ParseArgsOptionsConfig>(
  command: Command<O>,
): Command<O> {
  return command;
}
