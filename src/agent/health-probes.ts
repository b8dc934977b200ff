import { spawn } from "node:child_process";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import { PassThrough } from "node:stream";
import type Dockerode from "dockerode";
import { type ResolvedProbe, statusExpected } from "../unit/health-probe.ts";
import type { HealthStatus } from "../unit/health-status.ts";
import { type ImageHealth, OUTPUT_BYTES } from "./health-state.ts";
import { MACHINE_ENV } from "./runtime/types.ts";

/** What one check found: whether it passed, and what it said. */
export interface ProbeOutcome {
  ok: boolean;
  output: string;
}

/** What a unit's checks run against: its variables, and its container when it runs in one. */
export interface ProbeTarget {
  env: Readonly<Record<string, string>>;
  containerId?: string;
}

/** Docker's health of a container, and how often its image checks it. */
export interface ImageHealthReport {
  health: ImageHealth;
  intervalSeconds: number;
}

/** The checks' I/O, apart from the monitor that times them (so that its tests need none). */
export interface HealthProbes {
  /** Runs one check; `signal` aborts it when its time is up. */
  run(probe: ResolvedProbe, target: ProbeTarget, signal: AbortSignal): Promise<ProbeOutcome>;
  /** Docker's health of a container whose image has a HEALTHCHECK; undefined when it has none. */
  imageHealth(containerId: string): Promise<ImageHealthReport | undefined>;
}

/** Docker's default HEALTHCHECK interval, for an image that sets none. */
const DOCKER_DEFAULT_INTERVAL_SECONDS = 30;
/** Output read from a check before it is cut off: more than is kept, to end on a whole line. */
const READ_BYTES = 4 * OUTPUT_BYTES;

/**
 * The checks as they run on a machine: HTTP and TCP from the agent, a command as a child
 * process with the unit's environment, a command in the unit's container through the Engine
 * API, and Docker's own health of a container.
 */
export class MachineProbes implements HealthProbes {
  /**
   * A ContainerExecCheck abandoned (timed out, or the check stopped) while it still ran, by
   * container: the engine cannot kill an exec, so no other starts there until it has ended.
   */
  private readonly abandonedExecs = new Map<string, Dockerode.Exec>();

  /** `machineId` marks check processes as the unit's are, so a later agent finds any left over. */
  constructor(
    private readonly docker: Dockerode | undefined,
    private readonly machineId: string,
  ) {}

  run(probe: ResolvedProbe, target: ProbeTarget, signal: AbortSignal): Promise<ProbeOutcome> {
    switch (probe.kind) {
      case "http":
        return httpGet(probe.url, probe.expectStatus, signal);
      case "tcp":
        return tcpConnect(probe.host, probe.port, signal);
      case "exec":
        return execOnMachine(probe.argv, { ...target.env, [MACHINE_ENV]: this.machineId }, signal);
      case "container-exec":
        if (!this.docker || !target.containerId) {
          return Promise.resolve({ ok: false, output: "the unit runs in no container" });
        }
        return this.execInContainer(this.docker, target.containerId, probe.argv, signal);
    }
  }

  /** A ContainerExecCheck, unless the one abandoned before it in that container still runs. */
  private async execInContainer(
    docker: Dockerode,
    containerId: string,
    argv: string[],
    signal: AbortSignal,
  ): Promise<ProbeOutcome> {
    const previous = this.abandonedExecs.get(containerId);
    if (previous) {
      const running = await previous.inspect().then(
        (info) => info.Running,
        () => false,
      );
      if (running) {
        return {
          ok: false,
          output:
            "previous check still running (a command in a container ends with it or by itself)",
        };
      }
      this.abandonedExecs.delete(containerId);
    }
    return execInContainer(docker, containerId, argv, signal, (exec) =>
      this.abandonedExecs.set(containerId, exec),
    );
  }

  async imageHealth(containerId: string): Promise<ImageHealthReport | undefined> {
    if (!this.docker) return undefined;
    const info = await this.docker.getContainer(containerId).inspect();
    const test = info.Config.Healthcheck?.Test;
    const health = info.State.Health as DockerHealth | undefined;
    if (!test || test.length === 0 || test[0] === "NONE" || !health) return undefined;
    const last = health.Log?.at(-1);
    const intervalNs = info.Config.Healthcheck?.Interval ?? 0;
    return {
      health: {
        status: dockerStatus(health.Status),
        failingStreak: health.FailingStreak ?? 0,
        ...(last
          ? {
              last: {
                ok: last.ExitCode === 0,
                output: last.Output ?? "",
                at: Date.parse(last.End),
              },
            }
          : {}),
      },
      intervalSeconds: intervalNs > 0 ? intervalNs / 1e9 : DOCKER_DEFAULT_INTERVAL_SECONDS,
    };
  }
}

/** For `flotilla agent --simulate`: nothing runs, so every check passes. */
export const simulatedProbes: HealthProbes = {
  run: async () => ({ ok: true, output: "simulated" }),
  imageHealth: async () => undefined,
};

interface DockerHealth {
  Status: string;
  FailingStreak?: number;
  Log?: { End: string; ExitCode: number; Output?: string }[];
}

function dockerStatus(status: string): HealthStatus {
  return status === "starting" || status === "healthy" || status === "unhealthy" ? status : "none";
}

/**
 * GET, without following redirects (a 3xx is a status like any other) and, as Kubernetes'
 * HTTPS probes, without verifying the certificate: a check asks whether the service answers,
 * and services often answer with a certificate made for another name.
 */
function httpGet(
  url: string,
  expect: Parameters<typeof statusExpected>[1],
  signal: AbortSignal,
): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const request = url.startsWith("https:") ? httpsRequest : httpRequest;
    const sent = request(
      url,
      {
        method: "GET",
        signal,
        rejectUnauthorized: false,
        headers: { "user-agent": "flotilla-health-check", connection: "close" },
      },
      (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        const head = `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ""}`;
        readSome(response, (body) => {
          resolve({ ok: statusExpected(status, expect), output: body ? `${head}: ${body}` : head });
        });
      },
    );
    sent.on("error", (error) => resolve({ ok: false, output: error.message }));
    sent.end();
  });
}

/** The start of a response's body, then the connection is dropped: a check needs no more. */
function readSome(response: IncomingMessage, done: (text: string) => void): void {
  let text = "";
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    response.destroy();
    done(text.trim());
  };
  response.setEncoding("utf8");
  response.on("data", (chunk: string) => {
    text += chunk;
    if (Buffer.byteLength(text) >= READ_BYTES) finish();
  });
  response.on("end", finish);
  response.on("error", finish);
  response.on("close", finish);
}

function tcpConnect(host: string, port: number, signal: AbortSignal): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, signal });
    socket.once("connect", () => {
      socket.destroy();
      resolve({ ok: true, output: `connected to ${host}:${port}` });
    });
    socket.once("error", (error) => resolve({ ok: false, output: error.message }));
  });
}

/** A command on the machine, in its own process group so that a timeout ends all of it. */
function execOnMachine(
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
  signal: AbortSignal,
): Promise<ProbeOutcome> {
  const [program, ...args] = argv;
  return new Promise((resolve) => {
    if (!program) return resolve({ ok: false, output: "empty command line" });
    const child = spawn(program, args, {
      env: { ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const output = new OutputCollector();
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => output.add(chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => output.add(chunk));
    const abort = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    signal.addEventListener("abort", abort, { once: true });
    child.on("error", (error) => {
      signal.removeEventListener("abort", abort);
      resolve({ ok: false, output: `cannot run ${program}: ${error.message}` });
    });
    child.on("close", (code, killedBy) => {
      signal.removeEventListener("abort", abort);
      resolve(commandOutcome(code, killedBy ?? undefined, output.text));
    });
  });
}

/**
 * A command in the unit's container (docker exec). A check that is aborted (timed out, or the
 * unit stopped) is abandoned, and given to `abandoned` so that no other starts beside it: the
 * engine offers no way to kill an exec, so a command that hangs ends with the container.
 */
async function execInContainer(
  docker: Dockerode,
  containerId: string,
  argv: string[],
  signal: AbortSignal,
  abandoned: (exec: Dockerode.Exec) => void,
): Promise<ProbeOutcome> {
  const given = { ok: false, output: "abandoned" };
  try {
    const exec = await docker.getContainer(containerId).exec({
      Cmd: argv,
      AttachStdout: true,
      AttachStderr: true,
    });
    // An abort while the engine answered found no listener yet: it is looked at after each wait.
    if (signal.aborted) return given;
    const stream = await exec.start({ hijack: true, stdin: false });
    if (signal.aborted) {
      stream.destroy();
      abandoned(exec);
      return given;
    }
    const output = new OutputCollector();
    const sink = new PassThrough();
    sink.setEncoding("utf8").on("data", (chunk: string) => output.add(chunk));
    docker.modem.demuxStream(stream, sink, sink);
    await new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", abandon);
        resolve();
      };
      const abandon = () => {
        stream.destroy();
        done();
      };
      signal.addEventListener("abort", abandon, { once: true });
      stream.on("end", done);
      stream.on("close", done);
      stream.on("error", done);
    });
    if (signal.aborted) {
      abandoned(exec);
      return given;
    }
    const { ExitCode } = await exec.inspect();
    return commandOutcome(ExitCode ?? null, undefined, output.text);
  } catch (error) {
    const detail = error as { json?: { message?: string }; message?: string };
    return { ok: false, output: detail.json?.message ?? detail.message ?? String(error) };
  }
}

function commandOutcome(
  code: number | null,
  signal: string | undefined,
  text: string,
): ProbeOutcome {
  const ok = code === 0;
  const status = signal ? `killed by signal ${signal}` : `exit status ${code}`;
  const said = text.trim();
  return { ok, output: ok ? said : said === "" ? status : `${status}: ${said}` };
}

/** A command's output up to READ_BYTES: the beginning says what went wrong. */
class OutputCollector {
  text = "";

  add(chunk: string): void {
    if (Buffer.byteLength(this.text) < READ_BYTES) this.text += chunk;
  }
}
