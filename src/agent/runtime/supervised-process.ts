import { spawn } from "node:child_process";
import { type FSWatcher, constants as fsConstants, watch } from "node:fs";
import {
  access,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  truncate,
  writeFile,
} from "node:fs/promises";
import { constants } from "node:os";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { processIds, procStat } from "./proc-stat.ts";
import {
  type CommandContext,
  type ExitStatus,
  MACHINE_ENV,
  MACHINE_LABEL,
  type MainProcess,
  UNIT_ENV,
} from "./types.ts";

/**
 * A unit's main process runs under this shell, not as the agent's child: it outlives the
 * agent, its output goes to a file the agent follows (a pipe to a dead agent would kill it),
 * and its exit status is written where the next agent finds it. The traps keep the shell
 * alive through the signals a stop sends the process group (a trapped signal waits for the
 * foreground command), and are not inherited: the command gets every signal as it would.
 * mv by its path: the unit's environment may set another PATH.
 */
const SUPERVISOR = `trap : HUP INT QUIT TERM USR1 USR2 PIPE
dir=$1
shift
"$@" >>"$dir/output" 2>&1 </dev/null
code=$?
echo "$code" >"$dir/status.new" && /bin/mv -f "$dir/status.new" "$dir/status"`;

/** How often an adopted supervisor (not the agent's child) is checked for its end. */
const ADOPTED_POLL_MS = 500;
/** Past this, the output file is emptied once read: the unit's log keeps the recent lines. */
const OUTPUT_KEPT_BYTES = 1024 * 1024;

/** What the agent records of a supervisor, to know it again after a restart. */
export interface SupervisorRecord {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: with the pid, names one process for the whole boot. */
  startTime: string;
  /** The labels of the start that made it (unit, machine, content hash, launch). */
  labels: Record<string, string>;
  description: string;
}

/** Where a unit's supervised main processes keep their records, output and exit status. */
export function supervisorDir(processDir: string, unit: string): string {
  return join(processDir, unit);
}

/** Tells runs of one agent apart, within a millisecond. */
let runs = 0;

/**
 * Starts `argv` as the unit's main process, under a supervisor in a directory of its own in
 * `unitDir`: a run that outlives its stop (KillMode=none, a stop that timed out) keeps its
 * own output and status. Ended runs' directories go.
 */
export async function startSupervised(
  argv: readonly string[],
  context: CommandContext,
  unitDir: string,
): Promise<MainProcess> {
  const description = argv.join(" ");
  const [program = ""] = argv;
  const missing = await notRunnable(program, context.env.PATH);
  if (missing) {
    const message = `cannot run ${program}: ${missing}`;
    context.log.line(message);
    return {
      description,
      exited: Promise.resolve({ code: null, message }),
      terminate: async () => {},
    };
  }
  await removeEndedRuns(unitDir);
  const dir = join(unitDir, `${Date.now().toString(36)}-${process.pid}-${++runs}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "output"), "");
  const child = spawn("/bin/sh", ["-c", SUPERVISOR, "flotilla-supervise", dir, ...argv], {
    env: markedEnv(context),
    stdio: "ignore",
    detached: true,
  });
  // Listened for at once: a command that ends at once may end before the record is written.
  const supervisorExit = new Promise<NodeJS.Signals | null>((resolve) => {
    child.once("exit", (_code, signal) => resolve(signal));
  });
  const spawned = await new Promise<Error | undefined>((resolve) => {
    child.once("spawn", () => resolve(undefined));
    child.once("error", resolve);
  });
  if (spawned || child.pid === undefined) {
    const message = `cannot run ${argv[0]}: ${spawned?.message ?? "no process"}`;
    context.log.line(message);
    return {
      description,
      exited: Promise.resolve({ code: null, message }),
      terminate: async () => {},
    };
  }
  const pid = child.pid;
  child.unref();
  const record: SupervisorRecord = {
    pid,
    startTime: (await startTimeOf(pid)) ?? "",
    labels: { ...context.labels },
    description,
  };
  // Written whole or not at all: a record cut short would name no process.
  await writeFile(join(dir, "supervisor.json.new"), JSON.stringify(record));
  await rename(join(dir, "supervisor.json.new"), join(dir, "supervisor.json"));
  const output = new OutputFollower(join(dir, "output"), context, 0);
  let sent: NodeJS.Signals | undefined;
  const exited = supervisorExit.then((signal) => ended(pid, dir, output, signal ?? sent));
  const terminate = (signal: NodeJS.Signals) => {
    sent = signal;
    return signalRun(pid, signal, exited);
  };
  return { description, exited, terminate };
}

/**
 * Takes over a supervisor an earlier agent started: its output from now on goes to the unit's
 * log, and its end (polled: it is not this agent's child) is the unit's main process's.
 */
export async function adoptSupervised(
  record: SupervisorRecord,
  context: CommandContext,
  dir: string,
): Promise<MainProcess> {
  const size = (await stat(join(dir, "output")).catch(() => undefined))?.size ?? 0;
  const output = new OutputFollower(join(dir, "output"), context, size);
  let sent: NodeJS.Signals | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    const poll = setInterval(() => {
      void isRunning(record).then((running) => {
        if (running) return;
        clearInterval(poll);
        void ended(record.pid, dir, output, sent).then(resolve);
      });
    }, ADOPTED_POLL_MS);
  });
  return {
    description: record.description,
    exited,
    terminate: (signal) => {
      sent = signal;
      return signalRun(record.pid, signal, exited);
    },
  };
}

/** The records of supervisors earlier agents left under `processDir`, a run directory each. */
export async function supervisorsIn(
  processDir: string,
): Promise<{ dir: string; record: SupervisorRecord; running: boolean }[]> {
  const found: { dir: string; record: SupervisorRecord; running: boolean }[] = [];
  for (const unit of await readdir(processDir).catch(() => [] as string[]))
    for (const { dir, record, running } of await runsIn(join(processDir, unit)))
      if (record) found.push({ dir, record, running });
  return found;
}

/** A unit's run directories, with their records (none: cut short, or never written). */
async function runsIn(
  unitDir: string,
): Promise<{ dir: string; record: SupervisorRecord | undefined; running: boolean }[]> {
  const found: { dir: string; record: SupervisorRecord | undefined; running: boolean }[] = [];
  for (const entry of await readdir(unitDir).catch(() => [] as string[])) {
    const dir = join(unitDir, entry);
    const text = await readFile(join(dir, "supervisor.json"), "utf8").catch(() => undefined);
    let record: SupervisorRecord | undefined;
    try {
      record = text === undefined ? undefined : (JSON.parse(text) as SupervisorRecord);
    } catch {
      // A record cut short (the agent died writing it): nothing to adopt.
    }
    found.push({ dir, record, running: record !== undefined && (await isRunning(record)) });
  }
  return found;
}

/** Removes the directories of a unit's runs that have ended. */
async function removeEndedRuns(unitDir: string): Promise<void> {
  for (const run of await runsIn(unitDir))
    if (!run.running) await rm(run.dir, { recursive: true, force: true });
}

/** How a supervisor's command ended while no agent watched, in words. */
export async function endedWhileAway(dir: string, description: string): Promise<string> {
  const status = await statusIn(dir, undefined);
  return `${description} ended with ${status.signal ? `signal ${status.signal}` : `exit status ${status.code ?? "unknown"}`} while no agent watched it`;
}

/** Whether the supervisor the record names still runs (the same process, not a reused pid). */
async function isRunning(record: SupervisorRecord): Promise<boolean> {
  const startTime = await startTimeOf(record.pid);
  return startTime !== undefined && startTime === record.startTime;
}

/**
 * Why `program` cannot be run, as spawning it would say (ENOENT, EACCES); undefined when it
 * can. Checked before the supervisor starts, so that a unit whose program is missing fails to
 * start, as it did when the agent spawned it itself, instead of failing once it runs.
 */
async function notRunnable(program: string, path: string | undefined): Promise<string | undefined> {
  if (program === "") return "empty command line";
  const candidates = program.includes("/")
    ? [program]
    : (path ?? "/usr/local/bin:/usr/bin:/bin")
        .split(":")
        .filter((dir) => dir !== "")
        .map((dir) => join(dir, program));
  let reason = "ENOENT";
  for (const candidate of candidates) {
    try {
      await access(candidate, fsConstants.X_OK);
      return undefined;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "ENOENT";
      if (code !== "ENOENT") reason = code;
    }
  }
  return `spawn ${program} ${reason}`;
}

/** How often a signalled run is looked at for a command started after the signal. */
const LATE_COMMAND_POLL_MS = 100;
/** How long that goes on at most: a stop's SIGKILL ends a run that outlives it. */
const LATE_COMMAND_WATCH_MS = 30_000;

/**
 * Signals a supervisor's process group: the supervisor, its command, and whatever that
 * started. The supervisor traps the signal to outlive its command; one that lands before it
 * has started its command is trapped all the same, and the command then starts unsignalled
 * and runs on, holding the stop for its whole timeout. So until the run ends, a child of the
 * supervisor that was not there when the group was signalled gets the signal too; a process
 * the command starts (a cleanup on SIGTERM, say) is not the supervisor's child, and is left.
 */
export async function signalRun(
  supervisor: number,
  signal: NodeJS.Signals,
  ended: Promise<unknown>,
): Promise<void> {
  // SIGKILL is not trapped: the group has it all, and a late command starts nowhere.
  const signalled = new Set(signal === "SIGKILL" ? [] : await childrenOf(supervisor));
  try {
    process.kill(-supervisor, signal);
  } catch {
    return; // Gone already.
  }
  if (signal !== "SIGKILL") void signalLateCommand(supervisor, signal, signalled, ended);
}

async function signalLateCommand(
  supervisor: number,
  signal: NodeJS.Signals,
  signalled: Set<string>,
  ended: Promise<unknown>,
): Promise<void> {
  let over = false;
  void ended.then(
    () => {
      over = true;
    },
    () => {
      over = true;
    },
  );
  const until = Date.now() + LATE_COMMAND_WATCH_MS;
  while (!over && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, LATE_COMMAND_POLL_MS));
    if (over) return;
    for (const child of await childrenOf(supervisor)) {
      if (signalled.has(child)) continue;
      signalled.add(child);
      try {
        process.kill(Number(child.slice(0, child.indexOf(":"))), signal);
      } catch {
        // Ended meanwhile.
      }
    }
  }
}

/** A process's children, each as `pid:starttime` (a pid alone may be reused). */
async function childrenOf(parent: number): Promise<string[]> {
  const children: string[] = [];
  for (const pid of await processIds()) {
    const stat = await procStat(pid);
    if (stat?.parent === parent && stat.state !== "Z") children.push(`${pid}:${stat.startTime}`);
  }
  return children;
}

async function ended(
  pid: number,
  dir: string,
  output: OutputFollower,
  signal: NodeJS.Signals | undefined,
): Promise<ExitStatus> {
  // The supervisor may have been killed alone (the OOM killer): what it ran goes with it, so
  // that a restart never runs a second copy beside it. The group is the run's own.
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // The group is empty: the usual end.
  }
  await output.close();
  return statusIn(dir, signal);
}

/**
 * The command's exit status as the supervisor wrote it (a shell's: 128 + n for signal n);
 * without one, the supervisor itself was killed (SIGKILL reaches the whole group).
 */
async function statusIn(dir: string, signal: NodeJS.Signals | undefined): Promise<ExitStatus> {
  const text = await readFile(join(dir, "status"), "utf8").catch(() => undefined);
  const code = text === undefined ? Number.NaN : Number.parseInt(text, 10);
  if (Number.isNaN(code))
    return signal ? { code: null, signal } : { code: null, signal: "SIGKILL" };
  const byNumber = Object.entries(constants.signals).find(([, n]) => n === code - 128);
  if (code > 128 && byNumber) return { code: null, signal: byNumber[0] };
  return { code };
}

function markedEnv(context: CommandContext): Record<string, string> {
  const machineId = context.labels[MACHINE_LABEL];
  return {
    ...context.env,
    ...(machineId ? { [MACHINE_ENV]: machineId, [UNIT_ENV]: context.unit } : {}),
  };
}

async function startTimeOf(pid: number): Promise<string | undefined> {
  const stat = await procStat(pid);
  return stat && stat.state !== "Z" ? stat.startTime : undefined;
}

/**
 * Copies what is appended to a file into the unit's log, as it comes (inotify, with a slow
 * poll behind it). Once past OUTPUT_KEPT_BYTES and fully read, the file is emptied: the
 * command appends (O_APPEND), so its next write lands at the new end.
 */
class OutputFollower {
  private watcher: FSWatcher | undefined;
  private readonly timer: NodeJS.Timeout;
  private reading: Promise<void> = Promise.resolve();
  private closed = false;
  /** A character cut between two reads waits here for the rest of its bytes. */
  private readonly decoder = new StringDecoder("utf8");

  constructor(
    private readonly path: string,
    private readonly context: CommandContext,
    private offset: number,
  ) {
    try {
      this.watcher = watch(path, () => this.read());
      this.watcher.on("error", () => {});
    } catch {
      this.watcher = undefined;
    }
    this.timer = setInterval(() => this.read(), 1000);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    clearInterval(this.timer);
    this.read(true);
    await this.reading;
    this.context.log.flush();
  }

  private read(final = false): void {
    if (this.closed && !final) return;
    this.reading = this.reading.then(() => this.readMore()).catch(() => {});
  }

  private async readMore(): Promise<void> {
    const file = await open(this.path, "r").catch(() => undefined);
    if (!file) return;
    try {
      const { size } = await file.stat();
      if (size < this.offset) this.offset = 0;
      while (this.offset < size) {
        const buffer = Buffer.alloc(Math.min(64 * 1024, size - this.offset));
        const { bytesRead } = await file.read(buffer, 0, buffer.length, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        this.context.log.write(this.decoder.write(buffer.subarray(0, bytesRead)));
      }
      if (this.offset > OUTPUT_KEPT_BYTES && (await file.stat()).size === this.offset) {
        await truncate(this.path, 0);
        this.offset = 0;
      }
    } finally {
      await file.close();
    }
  }
}
