import { readFile } from "node:fs/promises";
import { PassThrough } from "node:stream";
import type Dockerode from "dockerode";
import {
  type DockerCommand,
  type DockerRunSpec,
  parseDockerEnvFile,
  resolveDockerEnv,
} from "../../unit/docker-command.ts";
import type { CommandContext, ExitStatus, MainProcess } from "./types.ts";

/** The docker CLI's status when the engine refuses to create or start a container. */
const ENGINE_REFUSED = 125;

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
      if (command.verb === "run") container = await this.create(command.run, context);
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
      await this.attachLogs(container, context);
      // "next-exit": the default condition returns at once for a container not yet started.
      const exit = container.wait({ condition: "next-exit" });
      await container.start().catch(ignoreNotModified);
      const exited: Promise<ExitStatus> = exit.then(
        (result: { StatusCode: number }) => ({ code: result.StatusCode }),
        (error: unknown) => refused(error, context),
      );
      return {
        description: `container ${containerName(command) ?? container.id.slice(0, 12)}`,
        exited,
        terminate: async (signal) => {
          await container.kill({ signal }).catch(() => {});
        },
      };
    } catch (error) {
      return {
        description: "docker",
        exited: Promise.resolve(refused(error, context)),
        terminate: async () => {},
      };
    }
  }

  private async create(spec: DockerRunSpec, context: CommandContext): Promise<Dockerode.Container> {
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
      Labels: { ...spec.labels, ...context.labels },
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

  private async attachLogs(container: Dockerode.Container, context: CommandContext): Promise<void> {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const output = new PassThrough();
    output.setEncoding("utf8").on("data", (chunk: string) => context.log.write(chunk));
    output.on("end", () => context.log.flush());
    this.docker.modem.demuxStream(stream, output, output);
    stream.on("end", () => output.end());
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
