import { spawn } from "node:child_process";
import {
  type CommandContext,
  type ExitStatus,
  MACHINE_ENV,
  MACHINE_LABEL,
  type MainProcess,
  UNIT_ENV,
} from "./types.ts";

/**
 * Runs a plain command line as a child process in its own process group; output goes to the
 * unit's log. For commands that run to completion (ExecStartPre=, ExecStop=, ...): a unit's
 * main process runs supervised (supervised-process.ts), to outlive the agent.
 */
export function startProcess(argv: readonly string[], context: CommandContext): MainProcess {
  const [program, ...args] = argv;
  const description = argv.join(" ");
  if (!program) {
    return {
      description,
      exited: Promise.resolve({ code: null, message: "empty command line" }),
      terminate: async () => {},
    };
  }
  const machineId = context.labels[MACHINE_LABEL];
  const child = spawn(program, args, {
    // The mark lets an agent that starts later find what this one left running (leftovers.ts).
    env: {
      ...context.env,
      ...(machineId ? { [MACHINE_ENV]: machineId, [UNIT_ENV]: context.unit } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => context.log.write(chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => context.log.write(chunk));
  const exited = new Promise<ExitStatus>((resolve) => {
    child.on("error", (error) => {
      context.log.flush();
      resolve({ code: null, message: `cannot run ${program}: ${error.message}` });
    });
    child.on("close", (code, signal) => {
      context.log.flush();
      resolve(signal ? { code: null, signal } : { code });
    });
  });
  return {
    description,
    exited,
    terminate: async (signal) => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        child.kill(signal);
      }
    },
  };
}
