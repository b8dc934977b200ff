import { readdirSync, readFileSync } from "node:fs";
import { type Daemon, startDaemon } from "../support/process.ts";
import type { Clock } from "./clock.ts";

export type DaemonState = "up" | "paused" | "down";

/**
 * One `flotilla server` or `flotilla agent` of the campaign, across its restarts: always the same
 * command line, so that a killed agent comes back with its machine id and state directory.
 */
export class ManagedDaemon {
  state: DaemonState = "down";
  /** When the state last changed, on the campaign's clock. */
  changedAt = 0;
  /** When it was last killed. */
  killedAt: number | undefined;
  private daemon: Daemon | undefined;
  /** What the earlier processes printed. */
  private readonly outputs: string[] = [];

  constructor(
    readonly name: string,
    private readonly clock: Clock,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly ready: () => Promise<boolean>,
  ) {}

  async start(): Promise<void> {
    try {
      this.daemon = await startDaemon(this.args, this.env, this.ready);
    } catch (error) {
      // A start that timed out leaves its process running, unknown to anyone: an agent of
      // this machine that nobody counts. It goes before anything else is tried.
      this.killLeftBehind();
      throw error;
    }
    this.set("up");
  }

  async kill(): Promise<void> {
    const daemon = this.daemon;
    if (!daemon) return;
    this.daemon = undefined;
    this.killedAt = this.clock.now();
    this.set("down");
    await daemon.stop("SIGKILL");
    this.outputs.push(daemon.output());
  }

  pause(): void {
    if (this.state !== "up") return;
    this.daemon?.child.kill("SIGSTOP");
    this.set("paused");
  }

  resume(): void {
    if (this.state !== "paused") return;
    this.daemon?.child.kill("SIGCONT");
    this.set("up");
  }

  /** Whatever it is doing now, it runs unpaused afterwards. */
  async heal(): Promise<void> {
    if (this.state === "paused") this.resume();
    if (this.state === "down") await this.start();
  }

  /**
   * Whether its process ended though nothing here killed it (a crash): then it is down, and
   * its exit status or signal is returned.
   */
  endedByItself(): string | undefined {
    const child = this.daemon?.child;
    if (!child || (child.exitCode === null && child.signalCode === null)) return undefined;
    const ended = child.signalCode ?? `status ${child.exitCode}`;
    this.outputs.push(this.daemon?.output() ?? "");
    this.daemon = undefined;
    this.set("down");
    return ended;
  }

  /** Kills any process running exactly this command line (each has its own listen address). */
  private killLeftBehind(): void {
    const wanted = this.args.join("\0");
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let commandLine = "";
      try {
        commandLine = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      } catch {
        continue;
      }
      if (!commandLine.endsWith(`\0${wanted}\0`)) continue;
      try {
        process.kill(Number(entry), "SIGKILL");
      } catch {
        // Gone meanwhile.
      }
    }
  }

  /** Everything every process of it printed. */
  output(): string {
    return [...this.outputs, this.daemon?.output() ?? ""].join("\n--- restarted ---\n");
  }

  private set(state: DaemonState): void {
    this.state = state;
    this.changedAt = this.clock.now();
  }
}
