import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, open, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Dockerode from "dockerode";
import { docker as sharedDocker } from "./agents.ts";
import { waitUntil } from "./wait.ts";

const exec = promisify(execFile);

/** Why a second engine cannot run on this machine, or undefined when it can. */
export async function dedicatedEngineUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) {
    return "needs root: it starts a second dockerd and creates a network bridge";
  }
  for (const program of ["dockerd", "ip", "umount"]) {
    const found = await exec("sh", ["-c", `command -v ${program}`]).then(
      () => true,
      () => false,
    );
    if (!found) return `${program} is not installed`;
  }
  return undefined;
}

/** Engines still running, asked to stop (and so to stop their containers) however the test process ends. */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGTERM");
});

/**
 * A Docker engine of a test's own, beside the machine's shared one, which other test files use
 * at the same time and which must never be restarted: its own socket, data, state and bridge.
 * It can be killed and started again on the same data, as a machine's engine restarts.
 */
export class DedicatedDockerd {
  readonly client: Dockerode;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private readonly bridge: string,
    private readonly extraArgs: readonly string[],
  ) {
    this.client = new Dockerode({ socketPath: this.socket });
  }

  /** Makes its directory and its bridge; `destroy` removes both. `extraArgs` go to every start. */
  static async create(extraArgs: readonly string[] = []): Promise<DedicatedDockerd> {
    const dir = await mkdtemp(join(tmpdir(), "flotilla-dockerd-"));
    try {
      return new DedicatedDockerd(dir, await createBridge(), extraArgs);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  get socket(): string {
    return join(this.dir, "docker.sock");
  }

  /** The engine's address as an agent's --docker-host takes it. */
  get host(): string {
    return `unix://${this.socket}`;
  }

  async start(): Promise<void> {
    const log = await open(join(this.dir, "dockerd.log"), "a");
    const child = spawn(
      "dockerd",
      [
        `--host=${this.host}`,
        `--data-root=${join(this.dir, "data")}`,
        `--exec-root=${join(this.dir, "exec")}`,
        `--pidfile=${join(this.dir, "docker.pid")}`,
        // Its own bridge: with --bridge=none dockerd would delete the shared engine's docker0.
        `--bridge=${this.bridge}`,
        // The shared engine owns the host's DOCKER chains; ports publish through docker-proxy.
        "--iptables=false",
        "--ip-masq=false",
        "--registry-mirror=http://127.0.0.1:5000",
        ...this.extraArgs,
      ],
      { stdio: ["ignore", log.fd, log.fd] },
    );
    await log.close();
    this.child = child;
    running.add(child);
    this.exited = new Promise((resolve) =>
      child.on("exit", () => {
        running.delete(child);
        resolve();
      }),
    );
    try {
      await waitUntil(
        "the dedicated dockerd to answer",
        async () => {
          if (child.exitCode !== null) throw new Error("dockerd exited early");
          return this.client.ping().then(
            () => true,
            () => false,
          );
        },
        60_000,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; the end of its log:\n${await this.logTail()}`);
    }
  }

  /** Signals the engine and waits until it has exited (SIGTERM: after stopping its containers). */
  async kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await this.exited;
    await this.forgetDeadContainerd();
  }

  /**
   * dockerd's containerd dies with it (parent-death signal) but, orphaned, waits for this
   * machine's init to reap it, which may never happen here. dockerd started again finds its
   * pid file, sees the zombie as alive and waits in vain for its socket: a dead containerd
   * must not leave a pid file, as it would not once reaped.
   */
  private async forgetDeadContainerd(): Promise<void> {
    const pidFile = join(this.dir, "exec", "containerd", "containerd.pid");
    const pid = Number((await readFile(pidFile, "utf8").catch(() => "")).trim());
    if (!pid) return;
    const dead = await waitUntil(
      "the engine's containerd to end",
      async () => (await processState(pid)) === "gone",
      5_000,
    ).catch(() => false);
    if (dead) await rm(pidFile, { force: true });
  }

  /** Copies an image from the shared engine, so that nothing needs pulling. */
  async loadImage(image: string): Promise<void> {
    const tarball = await sharedDocker.getImage(image).get();
    const loading = await this.client.loadImage(tarball);
    await new Promise<void>((resolve, reject) =>
      this.client.modem.followProgress(loading, (error: Error | null) =>
        error ? reject(error) : resolve(),
      ),
    );
  }

  async logTail(lines = 30): Promise<string> {
    const text = await readFile(join(this.dir, "dockerd.log"), "utf8").catch(() => "");
    return text.split("\n").slice(-lines).join("\n");
  }

  /** Stops the engine and its containers, and removes its mounts, directory and bridge. */
  async destroy(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      let timer: NodeJS.Timeout | undefined;
      const stopped = await Promise.race([
        this.exited.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), 60_000);
        }),
      ]);
      clearTimeout(timer);
      if (!stopped) await this.kill("SIGKILL");
    }
    await killProcessesNaming(this.dir);
    await unmountUnder(this.dir);
    await rm(this.dir, { recursive: true, force: true });
    await exec("ip", ["link", "delete", this.bridge]).catch(() => {});
  }
}

/** A process's state letter and parent, from /proc; undefined when there is no such process. */
async function processStat(pid: number): Promise<{ state: string; parent: number } | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (stat === undefined) return undefined;
  // "pid (command) state parent ...": the command may hold spaces and parentheses.
  const [state = "", parent = "0"] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { state, parent: Number(parent) };
}

/** "gone" when no such process exists or it is a zombie, else "running". */
async function processState(pid: number): Promise<"gone" | "running"> {
  const state = (await processStat(pid))?.state;
  return state === undefined || state === "Z" || state === "X" ? "gone" : "running";
}

/**
 * A bridge on a /24 of 10.213.0.0/16 that no interface or route of this machine uses yet
 * (docker0 is on 172.17.0.0/16), named after it.
 */
async function createBridge(): Promise<string> {
  for (let subnet = 1; subnet < 255; subnet++) {
    const routes = (await exec("ip", ["-4", "route", "show", "table", "all"])).stdout;
    const addresses = (await exec("ip", ["-4", "-o", "address", "show"])).stdout;
    if (`${routes}\n${addresses}`.includes(`10.213.${subnet}.`)) continue;
    const name = `flotilla-dr${subnet}`;
    const created = await exec("ip", ["link", "add", name, "type", "bridge"]).then(
      () => true,
      () => false,
    );
    // Taken by a concurrent run, or left by a killed one: try the next.
    if (!created) continue;
    try {
      await exec("ip", ["address", "add", `10.213.${subnet}.1/24`, "dev", name]);
      await exec("ip", ["link", "set", name, "up"]);
      return name;
    } catch (error) {
      await exec("ip", ["link", "delete", name]).catch(() => {});
      throw error;
    }
  }
  throw new Error("no free 10.213.x.0/24 for a bridge");
}

/**
 * Kills, containers first, what an engine that could not stop its containers (it died, or
 * did not start again) leaves behind: the shims, whose command lines name its directory,
 * and the containers' processes under them.
 */
async function killProcessesNaming(dir: string): Promise<void> {
  const parents = new Map<number, number>();
  const shims: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const parent = (await processStat(pid))?.parent;
    if (parent) parents.set(pid, parent);
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(`${dir}/`)) shims.push(pid);
  }
  const doomed = [...shims];
  for (let i = 0; i < doomed.length; i++) {
    for (const [pid, parent] of parents) if (parent === doomed[i]) doomed.push(pid);
  }
  for (const pid of doomed.reverse()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/** Unmounts what dockerd left mounted under `dir` (it bind-mounts its data root), deepest first. */
async function unmountUnder(dir: string): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const mountInfo = await readFile("/proc/self/mountinfo", "utf8");
    const points = mountInfo
      .split("\n")
      .map((line) => line.split(" ")[4])
      .filter((point): point is string => point !== undefined)
      .map((point) =>
        point.replace(/\\([0-7]{3})/g, (_, octal) =>
          String.fromCharCode(Number.parseInt(octal, 8)),
        ),
      )
      .filter((point) => point === dir || point.startsWith(`${dir}/`))
      .sort((a, b) => b.length - a.length);
    if (points.length === 0) return;
    for (const point of points) await exec("umount", ["-l", point]).catch(() => {});
  }
}
