import { defineCommand } from "../command.ts";
import { EXIT_OK } from "../errors.ts";
import { VERSION } from "../program.ts";

export const versionCommand = defineCommand({
  name: "version",
  summary: "Print the version and exit",
  usage: "",
  examples: [
    ["fleetctl version", "the CLI's version"],
    ["fleetctl version -o json", "as JSON"],
  ],
  options: {},
  arguments: "none",
  async run(context) {
    if (context.out.json) context.out.document({ version: VERSION });
    else context.out.line(`${context.program} version ${VERSION}`);
    return EXIT_OK;
  },
});
