import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../config/parse.ts";
import { defaultStateDir } from "./config.ts";

/** The agent flags `flotilla agent drain|undrain` takes, to find this machine's id. */
const ID_FLAGS = ["--machine-id", "--state-dir"] as const;

/**
 * `flotilla agent drain [--reason=TEXT] [flags]` (or `undrain`) on a machine: the CLI's
 * `drain MACHINE` with this machine's id, found as its agent finds it (`--machine-id`,
 * FLOTILLA_MACHINE_ID, /etc/machine-id, the state directory's machine-id). Returns the CLI's
 * argument list; the API is reached as by any CLI command (--endpoint, FLOTILLA_ENDPOINT).
 */
export function localMachineCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  etcMachineId = "/etc/machine-id",
): string[] {
  const [verb, ...rest] = argv;
  const given: Partial<Record<(typeof ID_FLAGS)[number], string>> = {};
  const passed: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const argument = rest[i] as string;
    const flag = ID_FLAGS.find((name) => argument === name || argument.startsWith(`${name}=`));
    if (!flag) {
      passed.push(argument);
      continue;
    }
    const value = argument === flag ? rest[++i] : argument.slice(flag.length + 1);
    if (value === undefined || value === "") throw new ConfigError(`${flag} needs a value`);
    given[flag] = value;
  }
  // A word after `--flag` (without `=`) is the flag's value; any other is a machine named.
  const named = passed.some(
    (argument, i) => !argument.startsWith("-") && !/^--[^=]+$/.test(passed[i - 1] ?? ""),
  );
  if (named)
    throw new ConfigError(
      `flotilla agent ${verb} acts on this machine and takes no machine: run 'flotilla ${verb} MACHINE' for another`,
    );
  const id =
    given["--machine-id"] ??
    env.FLOTILLA_MACHINE_ID ??
    storedMachineId(
      given["--state-dir"] ?? env.FLOTILLA_STATE_DIR ?? defaultStateDir(),
      etcMachineId,
    );
  return [verb as string, ...passed, id];
}

function storedMachineId(stateDir: string, etcMachineId: string): string {
  for (const path of [etcMachineId, join(stateDir, "machine-id")]) {
    if (!existsSync(path)) continue;
    const id = readFileSync(path, "utf8").trim();
    if (id !== "") return id;
  }
  throw new ConfigError(
    `this machine has no id yet (no ${etcMachineId}, no ${join(stateDir, "machine-id")}): give --machine-id, or --state-dir as its agent has it`,
  );
}
