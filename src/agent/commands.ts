import type { Registry } from "../registry/registry.ts";
import type { UserKeys } from "../registry/user-keys.ts";
import { classifyExec } from "../unit/command-kind.ts";
import { startAnnounceLoop } from "./runtime/announce-runtime.ts";
import type { DockerRuntime } from "./runtime/docker-runtime.ts";
import { runEtcdctl } from "./runtime/etcdctl-runtime.ts";
import { startProcess } from "./runtime/process-runtime.ts";
import type { CommandContext, ExitStatus, MainProcess } from "./runtime/types.ts";

/** What a unit's service runner needs: runs its command lines and starts its main process. */
export interface CommandExecutor {
  /** Runs to completion (ExecStartPre, ExecStop, a oneshot's ExecStart, ...). */
  run(argv: string[], context: CommandContext): Promise<ExitStatus>;
  /** Starts the unit's main process (ExecStart of a simple service). */
  start(argv: string[], context: CommandContext): Promise<MainProcess>;
}

/**
 * Runs one command line of a unit by what it is: docker lines through the Engine API,
 * etcdctl lines and sidekick announce loops natively against etcd, anything else as a
 * child process.
 */
export class CommandRunner implements CommandExecutor {
  constructor(
    private readonly docker: DockerRuntime,
    private readonly keys: UserKeys,
    private readonly registry: Registry,
    private readonly machineId: string,
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
        if (command.loop.ttlSeconds === 0) return startProcess(argv, context);
        return startAnnounceLoop(command.loop, context, this.registry, this.machineId);
      case "process":
        return startProcess(command.argv, context);
      default:
        return completed(this.run(argv, context), argv);
    }
  }
}

/** A command that completes by itself, seen as a main process that ends when it does. */
function completed(status: Promise<ExitStatus>, argv: string[]): MainProcess {
  return { description: argv.join(" "), exited: status, terminate: async () => {} };
}
