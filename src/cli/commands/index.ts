import type { Command } from "../command.ts";
import { backupCommand } from "./backup.ts";
import { catCommand } from "./cat.ts";
import { completionCommand } from "./completion.ts";
import { destroyCommand } from "./destroy.ts";
import { downCommand } from "./down.ts";
import { drainCommand } from "./drain.ts";
import { journalCommand } from "./journal.ts";
import { listMachinesCommand } from "./list-machines.ts";
import { listUnitFilesCommand } from "./list-unit-files.ts";
import { listUnitsCommand } from "./list-units.ts";
import { loadCommand } from "./load.ts";
import { planCommand } from "./plan.ts";
import { restartCommand } from "./restart.ts";
import { restoreCommand } from "./restore.ts";
import { rolloutCommand } from "./rollout.ts";
import { startCommand } from "./start.ts";
import { statusCommand } from "./status.ts";
import { stopCommand } from "./stop.ts";
import { submitCommand } from "./submit.ts";
import { undrainCommand } from "./undrain.ts";
import { unloadCommand } from "./unload.ts";
import { upCommand } from "./up.ts";
import { versionCommand } from "./version.ts";

/** Every CLI command, in the order help lists them (`help` itself is run.ts's). */
export const commands: readonly Command[] = [
  backupCommand,
  catCommand,
  completionCommand,
  destroyCommand,
  downCommand,
  drainCommand,
  journalCommand,
  listMachinesCommand,
  listUnitFilesCommand,
  listUnitsCommand,
  loadCommand,
  planCommand,
  restartCommand,
  restoreCommand,
  rolloutCommand,
  startCommand,
  statusCommand,
  stopCommand,
  submitCommand,
  undrainCommand,
  unloadCommand,
  upCommand,
  versionCommand,
];

export function findCommand(name: string): Command | undefined {
  return commands.find((command) => command.name === name);
}
