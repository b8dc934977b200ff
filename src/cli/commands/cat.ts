import { defineCommand } from "../command.ts";
import { EXIT_FAILURE, EXIT_OK } from "../errors.ts";
import { getUnitFile } from "../unit-files.ts";
import { unitNameOf } from "../unit-names.ts";

export const catCommand = defineCommand({
  name: "cat",
  summary: "Output the contents of a submitted unit",
  usage: "UNIT",
  description: `Prints the unit file as the cluster holds it (templates and instances too).
With -o json, its name, hash, options and text.`,
  examples: [
    ["fleetctl cat apache@.service", "the template as submitted"],
    ["fleetctl cat apache@80.service", "an instance: its template's text"],
  ],
  options: {},
  arguments: "unit",
  async run(context, { positionals }) {
    const name = unitNameOf(positionals[0] as string);
    const file = await getUnitFile(context.api, name);
    if (!file) {
      context.out.note(`Unit ${name} not found`);
      return EXIT_FAILURE;
    }
    if (context.out.json) context.out.document(file);
    else context.out.raw(file.text);
    return EXIT_OK;
  },
});
