import { readFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { type Duplex, PassThrough, finished as streamFinished } from "node:stream";
import type Dockerode from "dockerode";
import {
  type DockerCommand,
  type DockerRunSpec,
  parseDockerEnvFile,
  resolveDockerEnv,
} from "../../unit/docker-command.ts";
import { type CommandContext, type ExitStatus, MAIN_LABEL, type MainProcess } from "./types.ts";

/** The docker CLI's status when the engine refuses to create or start a container. */
const ENGINE_REFUSED = 125;

/** How often an agent that lost the engine asks whether it answers again. */
const ENGINE_RETRY_MS = 1000;

/** A wait whose connection the engine dropped: it died or restarted, the container's fate is unknown. */
const ENGINE_LOST = Symbol("engine lost");
type WaitResult = { StatusCode: number } | typeof ENGINE_LOST;

/**
 * Executes docker command lines through the Engine API, as the docker CLI would: the
 * machine needs only the engine's socket. A foreground `docker run` is a main process whose
 * exit is the container's.
 */
export class DockerRuntime {
  constructor(private readonly docker: Dockerode) {}

  /** Runs a docker command to completion; a foreground run waits for its container. */
  async run(command: DockerCommand, context: CommandContext): Promise<ExitStatus> {
    try {
      switch (command.verb) {
        case "run":
        case "create":
          if (command.verb === "create" || command.run.detach) {
            const container = await this.create(command.run, context);
            if (command.verb === "run") await container.start();
            context.log.line(container.id);
            return { code: 0 };
          }
          return await (await this.start(command, context)).exited;
        case "start":
          if (command.attach) return await (await this.start(command, context)).exited;
          for (const name of command.containers) {
            await this.docker.getContainer(name).start();
            context.log.line(name);
          }
          return { code: 0 };
        case "stop":
          for (const name of command.containers) {
            await ignoreNotModified(
              this.docker.getContainer(name).stop(optional("t", command.timeoutSeconds)),
            );
            context.log.line(name);
          }
          return { code: 0 };
        case "restart":
          for (const name of command.containers) {
            await this.docker.getContainer(name).restart(optional("t", command.timeoutSeconds));
            context.log.line(name);
          }
          return { code: 0 };
        case "kill":
          for (const name of command.containers) {
            await this.docker.getContainer(name).kill(optional("signal", command.signal));
            context.log.line(name);
          }
          return { code: 0 };
        case "rm":
          for (const name of command.containers) {
            await this.docker
              .getContainer(name)
              .remove({ force: command.force, v: command.volumes });
            context.log.line(name);
          }
          return { code: 0 };
        case "pull":
          await this.pull(command.image, context);
          return { code: 0 };
      }
    } catch (error) {
      return refused(error, context);
    }
  }

  /** Starts a foreground `docker run` or `docker start -a` as the unit's main process. */
  async start(command: DockerCommand, context: CommandContext): Promise<MainProcess> {
    let container: Dockerode.Container;
    try {
      if (command.verb === "run")
        container = await this.create(command.run, context, { [MAIN_LABEL]: "true" });
      else if (
        command.verb === "start" &&
        command.containers.length === 1 &&
        command.containers[0]
      ) {
        container = this.docker.getContainer(command.containers[0]);
      } else {
        const message =
          "only a foreground docker run or docker start -a of one container can be a main process";
        return finished(message, context);
      }
      const logs = await this.attachLogs(container, context);
      // "next-exit": the default condition returns at once for a container not yet started.
      const abandon = new AbortController();
      const exit = this.wait(container, "next-exit", abandon.signal);
      try {
        await ignoreNotModified(container.start());
      } catch (error) {
        // Never started, it never exits: its wait and attach would hang on for good.
        abandon.abort();
        logs.destroy();
        throw error;
      }
      const description = `container ${containerName(command) ?? container.id.slice(0, 12)}`;
      return this.followed(container, description, exit, context);
    } catch (error) {
      return {
        description: "docker",
        exited: Promise.resolve(refused(error, context)),
        terminate: async () => {},
      };
    }
  }

  /**
   * Takes over a unit's running container that an earlier agent of this machine started: its
   * output from now on goes to the unit's log, and its end is the unit's main process's.
   */
  async adopt(containerId: string, name: string, context: CommandContext): Promise<MainProcess> {
    const container = this.docker.getContainer(containerId);
    await this.attachLogs(container, context);
    // "not-running": it runs already, and a stop between the listing and now returns at once.
    const exit = this.wait(container, "not-running");
    return this.followed(container, `container ${name}`, exit, context);
  }

  /** What an unknown container turned into while no agent watched it, in words. */
  async endedWhileAway(containerId: string, name: string): Promise<string> {
    try {
      const { State } = await this.docker.getContainer(containerId).inspect();
      if (State.Running) return `container ${name} is running again`;
      return `container ${name} exited with status ${State.ExitCode} while no agent watched it`;
    } catch {
      return `container ${name} ended and was removed while no agent watched it`;
    }
  }

  private followed(
    container: Dockerode.Container,
    description: string,
    exit: Promise<WaitResult>,
    context: CommandContext,
  ): MainProcess {
    let stopSignal: NodeJS.Signals | undefined;
    return {
      description,
      containerId: container.id,
      exited: this.exitStatus(container, description, exit, context, () => stopSignal),
      terminate: async (signal) => {
        stopSignal = signal;
        await container.kill({ signal }).catch(() => {});
      },
    };
  }

  /**
   * How the container ended. The engine dropping the wait's connection (it was killed or
   * restarted) says nothing about that: the container may still run, be stopped, or be gone.
   * So the agent waits for the engine to answer again and asks it, instead of taking the
   * unit for running forever (a wait that never returns) or for dead while it still runs.
   */
  private async exitStatus(
    container: Dockerode.Container,
    description: string,
    wait: Promise<WaitResult>,
    context: CommandContext,
    stopSignal: () => NodeJS.Signals | undefined,
  ): Promise<ExitStatus> {
    let pending = wait;
    for (;;) {
      let result: WaitResult;
      try {
        result = await pending;
      } catch (error) {
        return refused(error, context);
      }
      if (result !== ENGINE_LOST) return { code: result.StatusCode };
      context.log.line(
        `Lost the Docker engine while waiting for ${description}; waiting for it to answer again`,
      );
      await this.engineAnswers();
      let state: Dockerode.ContainerInspectInfo["State"];
      try {
        state = (await container.inspect()).State;
      } catch (error) {
        if (engineUnreachable(error)) {
          pending = Promise.resolve(ENGINE_LOST);
          continue;
        }
        if ((error as { statusCode?: number }).statusCode === 404) {
          const message = `an unknown status: ${description} was removed while the Docker engine was away`;
          context.log.line(message);
          return { code: null, message };
        }
        return refused(error, context);
      }
      if (!state.Running) {
        const message = `exit status ${state.ExitCode} while the Docker engine was away`;
        context.log.line(`${description} ended with ${message}`);
        return { code: state.ExitCode, message };
      }
      // Still running (an engine with live-restore keeps its containers): follow it again,
      // and stop it if it was asked to stop meanwhile.
      context.log.line(`${description} still runs; following it again`);
      await this.attachLogs(container, context).catch(() => {});
      pending = this.wait(container, "not-running");
      const signal = stopSignal();
      if (signal) await container.kill({ signal }).catch(() => {});
    }
  }

  /**
   * POST /containers/{id}/wait, reading the response itself: dockerode's wait never settles
   * when the engine dies after the response's headers, which it sends at once.
   */
  private wait(
    container: Dockerode.Container,
    condition: "next-exit" | "not-running",
    signal?: AbortSignal,
  ): Promise<WaitResult> {
    return new Promise((resolve, reject) => {
      this.docker.modem.dial(
        {
          path: `/containers/${container.id}/wait?`,
          method: "POST",
          isStream: true,
          statusCodes: {
            200: true,
            400: "bad parameter",
            404: "no such container",
            500: "server error",
          },
          options: { condition },
          abortSignal: signal,
        },
        (error, response) => {
          if (error) {
            if (engineUnreachable(error)) resolve(ENGINE_LOST);
            else reject(error);
            return;
          }
          const stream = response as IncomingMessage;
          let body = "";
          stream.setEncoding("utf8").on("data", (chunk: string) => {
            body += chunk;
          });
          streamFinished(stream, (streamError) => {
            if (streamError) return resolve(ENGINE_LOST);
            try {
              resolve(JSON.parse(body) as { StatusCode: number });
            } catch {
              resolve(ENGINE_LOST);
            }
          });
        },
      );
    });
  }

  /** Resolves once the engine answers a ping. */
  private async engineAnswers(): Promise<void> {
    for (;;) {
      const answered = await this.docker.ping().then(
        () => true,
        () => false,
      );
      if (answered) return;
      await new Promise((resolve) => setTimeout(resolve, ENGINE_RETRY_MS));
    }
  }

  private async create(
    spec: DockerRunSpec,
    context: CommandContext,
    extraLabels: Readonly<Record<string, string>> = {},
  ): Promise<Dockerode.Container> {
    if (!(await this.hasImage(spec.image))) await this.pull(spec.image, context);
    const env = [
      ...(await this.envFiles(spec.envFiles, context)),
      ...resolveDockerEnv(spec.env, context.env),
    ];
    const exposed: Record<string, object> = {};
    const bindings: Record<string, { HostIp?: string; HostPort?: string }[]> = {};
    for (const port of spec.publish) {
      const key = `${port.containerPort}/${port.protocol}`;
      exposed[key] = {};
      bindings[key] = [
        ...(bindings[key] ?? []),
        { HostIp: port.hostIp ?? "", HostPort: port.hostPort ?? "" },
      ];
    }
    const [restartName, restartRetries] = (spec.restart ?? "no").split(":");
    return this.docker.createContainer({
      name: spec.name,
      Image: spec.image,
      Cmd: spec.command.length > 0 ? spec.command : undefined,
      Entrypoint:
        spec.entrypoint === undefined
          ? undefined
          : spec.entrypoint === ""
            ? [""]
            : [spec.entrypoint],
      Env: env,
      WorkingDir: spec.workdir,
      User: spec.user,
      Hostname: spec.hostname,
      Tty: spec.tty,
      OpenStdin: spec.interactive,
      Labels: { ...spec.labels, ...context.labels, ...extraLabels },
      ExposedPorts: exposed,
      HostConfig: {
        // An init process as PID 1 (docker run --init): a main process that installs no
        // SIGTERM handler still stops on SIGTERM, in milliseconds instead of a stop timeout.
        Init: true,
        PortBindings: bindings,
        Binds: spec.volumes,
        AutoRemove: spec.remove,
        NetworkMode: spec.network,
        RestartPolicy: {
          Name: restartName ?? "no",
          MaximumRetryCount: Number(restartRetries ?? 0),
        },
        Memory: spec.memoryBytes,
        NanoCpus: spec.nanoCpus,
        ExtraHosts: spec.addHosts,
      },
    });
  }

  private async hasImage(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return false;
      throw error;
    }
  }

  /** Pulls an image, logging progress; an error inside the progress stream fails the pull. */
  private async pull(image: string, context: CommandContext): Promise<void> {
    const reference = withTag(image);
    context.log.line(`pulling ${reference}`);
    const stream = await this.docker.pull(reference);
    await new Promise<void>((resolve, reject) => {
      let streamError: string | undefined;
      this.docker.modem.followProgress(
        stream,
        (error: Error | null) => {
          if (error) reject(error);
          else if (streamError) reject(new Error(streamError));
          else resolve();
        },
        (event: { status?: string; id?: string; error?: string; progress?: string }) => {
          if (event.error) streamError = event.error;
          else if (event.status && !event.progress)
            context.log.line(event.id ? `${event.id}: ${event.status}` : event.status);
        },
      );
    });
  }

  /** Copies the container's output to the unit's log; returns the attached connection. */
  private async attachLogs(
    container: Dockerode.Container,
    context: CommandContext,
  ): Promise<Duplex> {
    const stream = (await container.attach({
      stream: true,
      stdout: true,
      stderr: true,
    })) as Duplex;
    const output = new PassThrough();
    output.setEncoding("utf8").on("data", (chunk: string) => context.log.write(chunk));
    output.on("end", () => context.log.flush());
    this.docker.modem.demuxStream(stream, output, output);
    stream.on("end", () => output.end());
    // The engine dying resets the connection: the output ends there, the agent goes on.
    stream.on("error", () => output.end());
    return stream;
  }

  /** --env-file, read as the docker CLI reads it (not with systemd's quoting rules). */
  private async envFiles(paths: readonly string[], context: CommandContext): Promise<string[]> {
    const entries: string[] = [];
    for (const path of paths) {
      const parsed = parseDockerEnvFile(await readFile(path, "utf8"), context.env);
      if (!parsed.ok) throw new Error(`--env-file ${path}: ${parsed.error}`);
      entries.push(...parsed.env);
    }
    return entries;
  }
}

function containerName(command: DockerCommand): string | undefined {
  if (command.verb === "run") return command.run.name;
  if (command.verb === "start") return command.containers[0];
  return undefined;
}

/** An untagged reference means :latest; without it the engine would pull every tag. */
export function withTag(image: string): string {
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  return lastSegment.includes(":") || image.includes("@") ? image : `${image}:latest`;
}

function optional<K extends string, V>(key: K, value: V | undefined): Record<K, V> | undefined {
  return value === undefined ? undefined : ({ [key]: value } as Record<K, V>);
}

/** 304 means already stopped (or started): the CLI treats that as success. */
async function ignoreNotModified(operation: Promise<unknown>): Promise<void> {
  try {
    await operation;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 304) throw error;
  }
}

/** A transport error (no HTTP status): the engine's socket refuses, is gone, or was reset. */
function engineUnreachable(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === undefined;
}

function refused(error: unknown, context: CommandContext): ExitStatus {
  const detail = error as {
    json?: { message?: string };
    reason?: string;
    message?: string;
    statusCode?: number;
  };
  const message = `Error response from daemon: ${detail.json?.message ?? detail.message ?? detail.reason ?? String(error)}`;
  context.log.line(message);
  return {
    code: detail.statusCode === 404 || detail.statusCode === 409 ? 1 : ENGINE_REFUSED,
    message,
  };
}

function finished(message: string, context: CommandContext): MainProcess {
  context.log.line(message);
  return {
    description: "docker",
    exited: Promise.resolve({ code: 1, message }),
    terminate: async () => {},
  };
}
