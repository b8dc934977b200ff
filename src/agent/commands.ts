import type { Registry } from "../registry/registry.ts";
import type { UserKeys } from "../registry/user-keys.ts";
import { classifyExec } from "../unit/command-kind.ts";
import type { Leftovers } from "./leftovers.ts";
import { startAnnounceLoop } from "./runtime/announce-runtime.ts";
import type { DockerRuntime } from "./runtime/docker-runtime.ts";
import { runEtcdctl } from "./runtime/etcdctl-runtime.ts";
import { startProcess } from "./runtime/process-runtime.ts";
import {
  adoptSupervised,
  endedWhileAway,
  startSupervised,
  supervisorDir,
} from "./runtime/supervised-process.ts";
import type { Adoption, CommandContext, ExitStatus, MainProcess } from "./runtime/types.ts";

/** What a unit's service runner needs: runs its command lines and starts its main process. */
export interface CommandExecutor {
  /** Runs to completion (ExecStartPre, ExecStop, a oneshot's ExecStart, ...). */
  run(argv: string[], context: CommandContext): Promise<ExitStatus>;
  /** Starts the unit's main process (ExecStart of a simple service). */
  start(argv: string[], context: CommandContext): Promise<MainProcess>;
  /**
   * Takes over the unit's main process (ExecStart) as an earlier agent of the machine left it
   * running; absent: nothing can be (a simulated runtime's units start anew).
   */
  adopt?(argv: string[], context: CommandContext): Promise<Adoption>;
}

/**
 * Runs one command line of a unit by what it is: docker lines through the Engine API,
 * etcdctl lines and sidekick announce loops natively against etcd, anything else as a
 * child process.
 */
export class CommandRunner implements CommandExecutor {
  /** What earlier agents of the machine left, while the agent adopts their units. */
  leftovers: Leftovers | undefined;

  constructor(
    private readonly docker: DockerRuntime,
    private readonly keys: UserKeys,
    private readonly registry: Registry,
    private readonly machineId: string,
    /** Where supervised main processes keep their output and status, a directory per unit. */
    private readonly processDir: string,
  ) {}

  /** Runs to completion (ExecStartPre, ExecStop, a oneshot's ExecStart, ...). */
  async run(argv: string[], context: CommandContext): Promise<ExitStatus> {
    const command = classifyExec(argv);
    switch (command.kind) {
      case "docker":
        return this.docker.run(command.command, context);
      case "etcdctl":
        return runEtcdctl(command.command, this.keys, (line) => context.log.line(line));
      case "announce":
        return {
          code: 1,
          message: "an announce loop never ends by itself: it can only be a unit's ExecStart",
        };
      case "process":
        return startProcess(command.argv, context).exited;
      case "invalid":
        context.log.line(command.error);
        return { code: 1, message: command.error };
    }
  }

  /** Starts the unit's main process (ExecStart of a simple service). */
  async start(argv: string[], context: CommandContext): Promise<MainProcess> {
    const command = classifyExec(argv);
    switch (command.kind) {
      case "docker":
        if (
          (command.command.verb === "run" && !command.command.run.detach) ||
          command.command.verb === "start"
        ) {
          return this.docker.start(command.command, context);
        }
        return completed(this.docker.run(command.command, context), argv);
      case "announce":
        // Without a TTL there is no lease to manage: the loop runs as written, with the
        // etcdctl on its PATH.
        if (command.loop.ttlSeconds === 0) return this.supervise(argv, context);
        return startAnnounceLoop(command.loop, context, this.registry, this.machineId);
      case "process":
        return this.supervise(command.argv, context);
      default:
        return completed(this.run(argv, context), argv);
    }
  }

  private supervise(argv: readonly string[], context: CommandContext): Promise<MainProcess> {
    return startSupervised(argv, context, supervisorDir(this.processDir, context.unit));
  }

  /**
   * Adoption by kind: a foreground container, or a process's supervisor, is followed again
   * when it still runs. An announce loop runs in the agent, so it died with the earlier one,
   * and goes on from where it was: its key, still under the earlier lease, is put under a new
   * one at once and never vanishes.
   */
  async adopt(argv: string[], context: CommandContext): Promise<Adoption> {
    const command = classifyExec(argv);
    if (command.kind === "announce" && command.loop.ttlSeconds > 0) {
      const main = await startAnnounceLoop(command.loop, context, this.registry, this.machineId, {
        adopted: true,
      });
      return { kind: "adopted", main };
    }
    if (command.kind === "process" || command.kind === "announce")
      return this.adoptSupervised(context);
    if (command.kind !== "docker") return { kind: "unsupported" };
    const docker = command.command;
    if (docker.verb === "run" && !docker.run.detach)
      return this.adoptContainer(docker.run.name, context);
    if (docker.verb === "start" && docker.attach && docker.containers.length === 1)
      return this.adoptContainer(docker.containers[0], context);
    return { kind: "unsupported" };
  }

  private async adoptSupervised(context: CommandContext): Promise<Adoption> {
    const found = this.leftovers?.mainSupervisor(context.unit, context.labels);
    // None: an agent that ran processes unsupervised; they are stopped, and start anew.
    if (!found) return { kind: "unsupported" };
    if (!found.running) {
      const reason = await endedWhileAway(found.dir, found.record.description);
      return { kind: "ended", reason };
    }
    return { kind: "adopted", main: await adoptSupervised(found.record, context, found.dir) };
  }

  private async adoptContainer(
    name: string | undefined,
    context: CommandContext,
  ): Promise<Adoption> {
    // The engine did not answer: what runs is unknown, so nothing is taken up (or for ended).
    if (this.leftovers?.containersListed === false) return { kind: "unsupported" };
    const found = this.leftovers?.mainContainer(context.unit, context.labels, name);
    const shown = name ?? found?.id.slice(0, 12) ?? "of the unit";
    if (!found) {
      return {
        kind: "ended",
        reason: `container ${shown} ended and was removed while no agent watched it`,
      };
    }
    if (!found.running)
      return { kind: "ended", reason: await this.docker.endedWhileAway(found.id, shown) };
    return { kind: "adopted", main: await this.docker.adopt(found.id, shown, context) };
  }
}

/** A command that completes by itself, seen as a main process that ends when it does. */
function completed(status: Promise<ExitStatus>, argv: string[]): MainProcess {
  return { description: argv.join(" "), exited: status, terminate: async () => {} };
}
