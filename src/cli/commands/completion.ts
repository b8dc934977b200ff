import { defineCommand } from "../command.ts";
import { completionScript, SHELLS } from "../completion.ts";
import { EXIT_OK, UsageError } from "../errors.ts";

export const completionCommand = defineCommand({
  name: "completion",
  summary: "Print a bash or zsh completion script",
  usage: "bash|zsh",
  description: `Completes command names, flags, and the names of submitted units (asked of the
API, with the same --endpoint and token settings as other commands). Local unit files
complete as file names.`,
  examples: [
    ["source <(flotilla completion bash)", "in ~/.bashrc"],
    ["source <(flotilla completion zsh)", "in ~/.zshrc, after compinit"],
  ],
  options: {},
  arguments: "any",
  async run(context, { positionals }) {
    const shell = SHELLS.find((known) => known === positionals[0]);
    if (positionals.length !== 1 || !shell) {
      throw new UsageError(
        positionals.length === 1
          ? `unknown shell "${positionals[0]}": expected bash or zsh`
          : "one shell must be given: bash or zsh",
        "completion",
      );
    }
    context.out.raw(completionScript(shell, context.program));
    return EXIT_OK;
  },
});
