import type { CommandExecutor } from "../commands.ts";
import type { CommandContext, ExitStatus, MainProcess } from "./types.ts";

/**
 * A runtime that runs nothing, for scale tests and benchmarks only (`flotilla agent
 * --simulate`): every command line succeeds at once, and a main process "runs" until it is
 * terminated. No container, no child process, no etcd key: the agent around it (presence
 * lease, state reports, HTTP API) stays real, so a simulated machine costs the control
 * plane what a real one does. Never the default.
 */
export class SimulatedRuntime implements CommandExecutor {
  async run(argv: string[], context: CommandContext): Promise<ExitStatus> {
    context.log.line(`simulated: ran ${argv.join(" ")}`);
    return { code: 0 };
  }

  async start(argv: string[], context: CommandContext): Promise<MainProcess> {
    const description = `simulated ${argv.join(" ")}`;
    context.log.line(`simulated: started ${argv.join(" ")}`);
    let end: (status: ExitStatus) => void = () => {};
    const exited = new Promise<ExitStatus>((resolve) => {
      end = resolve;
    });
    return {
      description,
      exited,
      terminate: async (signal) => {
        context.log.line(`simulated: ${signal} ended ${argv.join(" ")}`);
        end({ code: null, signal });
      },
    };
  }
}
