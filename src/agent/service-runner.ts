import { parseExecLine } from "../unit/exec-line.ts";
import { SERVICE_RUNS_KEPT } from "../unit/limits.ts";
import type { ServiceDefinition } from "../unit/service.ts";
import type { CommandExecutor } from "./commands.ts";
import {
  type Adoption,
  type AnnounceGate,
  type CommandContext,
  describeStatus,
  type ExitStatus,
  type MainProcess,
  succeeded,
} from "./runtime/types.ts";
import type { UnitLog } from "./unit-log.ts";

export type ActiveState = "inactive" | "activating" | "active" | "deactivating" | "failed";

export interface ServiceStatus {
  activeState: ActiveState;
  subState: string;
  since: string;
  /** The command that failed and how, kept until the next start. */
  error?: string;
  restarts: number;
  /** How the main process last ended, kept across starts (Kubernetes' lastState). */
  lastExit?: LastExit;
  /** A oneshot's latest runs, oldest first, at most SERVICE_RUNS_KEPT. */
  runs?: ServiceRun[];
}

/** One run of a oneshot service, from its start to its end. */
export interface ServiceRun {
  startedAt: string;
  /** Absent while it runs. */
  endedAt?: string;
  result?: "success" | "failed";
  /** Why it failed: the command and its status. */
  reason?: string;
}

export interface LastExit {
  at: string;
  reason: string;
}

/** The run an earlier agent of the machine reported, for the agent that adopts it. */
export interface PreviousRun {
  activeState: string;
  subState: string;
  since: string;
  error?: string;
  lastExit?: LastExit;
}

export interface ServiceRunnerOptions {
  commands: CommandExecutor;
  log: UnitLog;
  /** Labels for the containers of each start (they name the unit, its content and launch). */
  labels: () => Readonly<Record<string, string>>;
  /** When its announcements may exist; absent: always. */
  announceGate?: AnnounceGate;
  /** Resolves the unit's environment at each start; rejects with a reason a user can act on. */
  environment: () => Promise<Record<string, string>>;
  onChange: (status: ServiceStatus) => void;
}

class StartFailure extends Error {}

/**
 * One service's lifecycle with systemd's semantics: ExecStartPre, ExecStart (a main process
 * for Type=simple, commands run in turn for Type=oneshot), ExecStartPost; ExecStop, then the
 * kill per KillMode, then ExecStopPost; Restart= with RestartSec, and the start limit
 * (StartLimitBurst= starts within StartLimitIntervalSec=); start and stop timeouts.
 * Starts and stops are serialised; a stop interrupts a pending restart.
 */
export class ServiceRunner {
  status: ServiceStatus = {
    activeState: "inactive",
    subState: "dead",
    since: new Date().toISOString(),
    restarts: 0,
  };
  private main: MainProcess | undefined;
  /** Counts main processes; one whose end was already dealt with belongs to an older one. */
  private mainGeneration = 0;
  private wanted = false;
  private restartTimer: NodeJS.Timeout | undefined;
  /** The start limit's window: when it began, and the starts made in it. */
  private startWindow = { began: 0, starts: 0 };
  private environment: Record<string, string> = {};
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly definition: ServiceDefinition,
    private readonly options: ServiceRunnerOptions,
  ) {}

  get isActive(): boolean {
    return this.status.activeState === "active" || this.status.activeState === "activating";
  }

  /** The container of the running main process, when it is one: where ContainerExecCheck= runs. */
  get mainContainer(): string | undefined {
    return this.main?.containerId;
  }

  /** The environment of the last start: the variables a health check's values are given. */
  get startedEnvironment(): Readonly<Record<string, string>> {
    return this.environment;
  }

  /**
   * Starts the unit when it is not running. An explicit start opens a new start-limit window,
   * as systemctl reset-failed followed by start would: the limit is there to stop restart
   * loops, not to refuse the operator. `trigger` is what started it, for this start's
   * environment: systemd's $TRIGGER_UNIT and $TRIGGER_TIMER_REALTIME_USEC.
   */
  start(trigger?: Readonly<Record<string, string>>): Promise<void> {
    this.wanted = true;
    return this.serialise(async () => {
      if (!this.isActive) this.startWindow = { began: 0, starts: 0 };
      await this.doStart(trigger);
    });
  }

  stop(): Promise<void> {
    this.wanted = false;
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = undefined;
      this.setState("inactive", "dead");
    }
    return this.serialise(() => this.doStop());
  }

  /**
   * The stop of a restart as Restart= would make it: counted, and the start that follows
   * (`resume`) is within the start limit, so a unit that keeps failing its health check is not
   * restarted in a tight loop. True when it stopped; nothing happens to a unit that is not
   * running or not wanted.
   */
  stopForRestart(): Promise<boolean> {
    return this.serialise(async () => {
      if (!this.wanted || this.status.activeState !== "active") return false;
      await this.doStop();
      this.status.restarts++;
      return true;
    });
  }

  /**
   * The start of a restart, within the start limit: nothing when a stop was asked since (it
   * no longer wants the unit), however long the stop took.
   */
  resume(): Promise<void> {
    return this.serialise(() => this.doStart());
  }

  /**
   * Takes up the run an earlier agent of the machine reported (`previous`) without running
   * any of the unit's commands: a failed or exited unit's state as it was, a running one's
   * main process followed again. `ended`: the main process ended while no agent watched, and
   * the unit stays inactive, for the caller to start again; `unsupported`: nothing was taken
   * up (a run between states, a child process), and the unit stays inactive.
   */
  adopt(previous: PreviousRun): Promise<Adoption["kind"]> {
    return this.serialise(async () => {
      const { definition } = this;
      const lastExit = previous.lastExit ? { lastExit: previous.lastExit } : {};
      const taken = (activeState: ActiveState, error?: string) => {
        this.status = {
          activeState,
          subState: previous.subState,
          since: previous.since,
          restarts: 0,
          ...(error ? { error } : {}),
          ...lastExit,
          ...(this.status.runs ? { runs: this.status.runs } : {}),
        };
        this.options.onChange(this.status);
        return "adopted" as const;
      };
      if (previous.activeState === "failed") return taken("failed", previous.error);
      if (previous.activeState !== "active") return "unsupported";
      try {
        this.environment = await this.options.environment();
      } catch {
        return "unsupported";
      }
      if (definition.type === "oneshot") {
        if (previous.subState !== "exited") return "unsupported";
        this.wanted = true;
        return taken("active");
      }
      const [execStart, ...extra] = definition.execStart;
      if (previous.subState !== "running" || execStart === undefined || extra.length > 0)
        return "unsupported";
      const parsed = parseExecLine(execStart, this.environment);
      if (!parsed.ok) return "unsupported";
      const adoption = (await this.options.commands.adopt?.(parsed.line.argv, this.context())) ?? {
        kind: "unsupported" as const,
      };
      if (adoption.kind === "ended") {
        this.options.log.line(`${adoption.reason}; starting it again`);
        this.status = {
          ...this.status,
          restarts: 1,
          lastExit: { at: new Date().toISOString(), reason: adoption.reason },
        };
        return "ended";
      }
      if (adoption.kind === "unsupported") return "unsupported";
      this.wanted = true;
      this.follow(adoption.main, execStart);
      this.options.log.line(
        `Adopted ${adoption.main.description}, left running by an earlier agent`,
      );
      return taken("active");
    });
  }

  private serialise<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.queue.then(operation, operation);
    this.queue = next.then(
      () => {},
      () => {},
    );
    return next;
  }

  private async doStart(trigger?: Readonly<Record<string, string>>): Promise<void> {
    if (!this.wanted || this.status.activeState === "active") return;
    const { definition } = this;
    const { log } = this.options;
    if (!this.withinStartLimit()) {
      const { intervalSeconds, burst } = definition.startLimit;
      log.line(`${definition.description}: start request repeated too quickly.`);
      this.fail(
        `start request repeated too quickly: more than ${burst} starts within ${intervalSeconds} s (StartLimitBurst=, StartLimitIntervalSec=)`,
      );
      return;
    }
    this.status.error = undefined;
    if (definition.type === "oneshot") this.beginRun();
    this.setState("activating", "start-pre");
    log.line(`Starting ${definition.description}...`);
    const deadline = Date.now() + definition.startTimeoutSeconds * 1000;
    try {
      this.environment = {
        ...(await this.options.environment().catch((error: Error) => {
          throw new StartFailure(error.message);
        })),
        ...trigger,
      };
      for (const line of definition.execStartPre)
        await this.runStep("ExecStartPre", line, deadline);
      if (definition.type === "oneshot") {
        this.setState("activating", "start");
        for (const line of definition.execStart) await this.runStep("ExecStart", line, deadline);
        for (const line of definition.execStartPost)
          await this.runStep("ExecStartPost", line, deadline);
        await this.runAll("ExecStopPost", definition.execStopPost);
        // Before the run ends: its output, read by its times, ends with this line.
        log.line(`Finished ${definition.description}.`);
        this.endRun("success");
        if (definition.remainAfterExit) this.setState("active", "exited");
        else this.setState("inactive", "dead");
        return;
      }
      const [execStart, ...extra] = definition.execStart;
      if (execStart === undefined || extra.length > 0) {
        throw new StartFailure(
          `Type=simple needs exactly one ExecStart=, this unit has ${definition.execStart.length}`,
        );
      }
      this.setState("activating", "start");
      await this.startMain(execStart);
      this.setState("active", "running");
      for (const line of definition.execStartPost)
        await this.runStep("ExecStartPost", line, deadline);
      log.line(`Started ${definition.description}.`);
    } catch (error) {
      const reason =
        error instanceof StartFailure
          ? error.message
          : `internal error: ${(error as Error).message}`;
      log.line(`Failed to start ${definition.description}: ${reason}`);
      await this.killMain("SIGKILL");
      this.forgetMain();
      await this.runAll("ExecStopPost", definition.execStopPost);
      this.endRun("failed", reason);
      this.fail(reason);
      this.scheduleRestart(false);
    }
  }

  private async startMain(line: string): Promise<void> {
    const parsed = parseExecLine(line, this.environment);
    if (!parsed.ok) throw new StartFailure(`ExecStart=${line}: ${parsed.error}`);
    this.follow(await this.options.commands.start(parsed.line.argv, this.context()), line);
  }

  /** `main` is the unit's main process, started for ExecStart=`line`. */
  private follow(main: MainProcess, line: string): void {
    this.main = main;
    const generation = ++this.mainGeneration;
    // Whether this end still matters is decided in turn, not when it happens: a stop that was
    // waiting for it, and a start queued meanwhile, may both run before.
    void main.exited.then((status) =>
      this.serialise(async () => {
        if (generation === this.mainGeneration) await this.mainExited(line, status);
      }),
    );
  }

  /** The main process is no longer this runner's to follow: its end was dealt with. */
  private forgetMain(): void {
    this.main = undefined;
    this.mainGeneration++;
  }

  private async mainExited(line: string, status: ExitStatus): Promise<void> {
    this.forgetMain();
    const { definition } = this;
    const { log } = this.options;
    log.line(`Main process exited: ${describeStatus(status)}`);
    this.status.lastExit = { at: new Date().toISOString(), reason: describeStatus(status) };
    this.setState("deactivating", "stop");
    await this.runAll("ExecStop", definition.execStop);
    await this.runAll("ExecStopPost", definition.execStopPost);
    if (succeeded(status)) {
      this.setState("inactive", "dead");
    } else {
      this.fail(
        `ExecStart=${line} ${status.signal ? "was" : "exited with"} ${describeStatus(status)}`,
      );
    }
    this.scheduleRestart(succeeded(status), status.signal !== undefined);
  }

  /** Counts a start against the limit; false when it is one too many (systemd's ratelimit). */
  private withinStartLimit(): boolean {
    const { intervalSeconds, burst } = this.definition.startLimit;
    if (intervalSeconds <= 0) return true;
    const now = Date.now();
    if (this.startWindow.began === 0 || now > this.startWindow.began + intervalSeconds * 1000)
      this.startWindow = { began: now, starts: 0 };
    if (this.startWindow.starts >= burst) return false;
    this.startWindow.starts++;
    return true;
  }

  private scheduleRestart(success: boolean, bySignal = false): void {
    const policy = this.definition.restart;
    const restart =
      this.wanted &&
      (policy === "always" ||
        (policy === "on-success" && success) ||
        (policy === "on-failure" && !success) ||
        ((policy === "on-abnormal" || policy === "on-abort") && bySignal));
    if (!restart) return;
    this.status.restarts++;
    this.setState("activating", "auto-restart");
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.serialise(() => this.doStart());
    }, this.definition.restartSeconds * 1000);
  }

  private async doStop(): Promise<void> {
    const { definition } = this;
    const { log } = this.options;
    if (
      this.main === undefined &&
      (this.status.activeState === "inactive" || this.status.activeState === "failed")
    ) {
      return;
    }
    log.line(`Stopping ${definition.description}...`);
    this.setState("deactivating", "stop");
    const deadline = Date.now() + definition.stopTimeoutSeconds * 1000;
    for (const line of definition.execStop)
      await this.runStep("ExecStop", line, deadline).catch(() => {});
    if (definition.killMode !== "none")
      await this.killMain(definition.killSignal as NodeJS.Signals, deadline);
    this.forgetMain();
    await this.runAll("ExecStopPost", definition.execStopPost);
    this.setState("inactive", "dead");
    log.line(`Stopped ${definition.description}.`);
  }

  /** Signals the main process and waits for it; past the deadline, SIGKILL. */
  private async killMain(signal: NodeJS.Signals, deadline = Date.now() + 10_000): Promise<void> {
    const main = this.main;
    if (!main) return;
    this.setState(this.status.activeState, signal === "SIGKILL" ? "stop-sigkill" : "stop-sigterm");
    await main.terminate(signal);
    const ended = await within(main.exited, deadline - Date.now());
    if (!ended && signal !== "SIGKILL") {
      this.options.log.line(`${main.description} did not stop in time; sending SIGKILL`);
      this.setState(this.status.activeState, "stop-sigkill");
      await main.terminate("SIGKILL");
      await within(main.exited, 10_000);
    }
  }

  /** Runs one Exec line to completion; a failure without "-" fails the start. */
  private async runStep(setting: string, line: string, deadline: number): Promise<void> {
    const parsed = parseExecLine(line, this.environment);
    if (!parsed.ok) throw new StartFailure(`${setting}=${line}: ${parsed.error}`);
    const remaining = deadline - Date.now();
    const status = await within(
      this.options.commands.run(parsed.line.argv, this.context()),
      remaining,
    );
    if (status === undefined) throw new StartFailure(`${setting}=${line} timed out`);
    if (succeeded(status) || parsed.line.ignoreFailure) return;
    throw new StartFailure(`${setting}=${line} failed: ${describeStatus(status)}`);
  }

  /** Runs Exec lines whose failures are only logged (ExecStop, ExecStopPost). */
  private async runAll(setting: string, lines: readonly string[]): Promise<void> {
    for (const line of lines) {
      try {
        await this.runStep(setting, line, Date.now() + this.definition.stopTimeoutSeconds * 1000);
      } catch (error) {
        this.options.log.line((error as Error).message);
      }
    }
  }

  private context(): CommandContext {
    const { log, labels, announceGate } = this.options;
    return {
      unit: this.definition.name,
      env: this.environment,
      log,
      labels: labels(),
      ...(announceGate ? { announceGate } : {}),
    };
  }

  private beginRun(): void {
    const runs = [...(this.status.runs ?? []), { startedAt: new Date().toISOString() }];
    this.status.runs = runs.slice(-SERVICE_RUNS_KEPT);
  }

  /** Ends the run in progress; the state change that follows reports it. */
  private endRun(result: "success" | "failed", reason?: string): void {
    const runs = this.status.runs ?? [];
    const last = runs[runs.length - 1];
    if (!last || last.endedAt !== undefined) return;
    const ended = {
      ...last,
      endedAt: new Date().toISOString(),
      result,
      ...(reason ? { reason } : {}),
    };
    this.status.runs = [...runs.slice(0, -1), ended];
  }

  private fail(reason: string): void {
    this.status.error = reason;
    this.setState("failed", "failed");
  }

  private setState(activeState: ActiveState, subState: string): void {
    if (this.status.activeState === activeState && this.status.subState === subState) return;
    this.status = { ...this.status, activeState, subState, since: new Date().toISOString() };
    this.options.onChange(this.status);
  }
}

/** The promise's value, or undefined once `milliseconds` have passed (Infinity: no limit). */
async function within<T>(promise: Promise<T>, milliseconds: number): Promise<T | undefined> {
  if (!Number.isFinite(milliseconds)) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, milliseconds));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
