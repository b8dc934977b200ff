import { ApiFailure, expectData } from "../api.ts";
import { blockFlagHelp, blockingOf, blockOptions } from "../blocking.ts";
import type { CliContext } from "../command.ts";
import { defineCommand } from "../command.ts";
import { EXIT_OK } from "../errors.ts";
import { isTemplate, unitNameOf } from "../unit-names.ts";

export const destroyCommand = defineCommand({
  name: "destroy",
  summary: "Destroy one or more units in the cluster",
  usage: "UNIT...",
  description: `Stops the units and removes them, and their unit files, from the cluster. A
template is removed as a unit file; its instances keep their content. Units that do not
exist are skipped, so destroying twice succeeds.`,
  // fleetctl took the blocking flags here too; the API destroys before it answers.
  examples: [
    ["fleetctl destroy apache@80.service", "stop, unload and forget an instance"],
    ["fleetctl destroy apache@.service", "remove a template (its instances must be gone)"],
  ],
  options: { ...blockOptions },
  flagHelp: blockFlagHelp,
  arguments: "units",
  async run(context, { values, positionals }) {
    blockingOf(values); // checked for mistakes only: there is nothing left to wait for
    const names = [...new Set(positionals.map(unitNameOf))];
    const destroyed: string[] = [];
    for (const name of names) {
      if (await destroy(context, name)) {
        destroyed.push(name);
        context.out.message(`Destroyed ${name}`);
      }
    }
    if (destroyed.length === 0) context.out.note("Units not found in registry");
    if (context.out.json) {
      context.out.document(names.map((name) => ({ name, destroyed: destroyed.includes(name) })));
    }
    return EXIT_OK;
  },
});

/** False when there was nothing to destroy. */
async function destroy(context: CliContext, name: string): Promise<boolean> {
  const { api } = context;
  const params = { path: { name } };
  try {
    await expectData(
      api,
      isTemplate(name)
        ? api.client.DELETE("/v1/unit-files/{name}", {
            params: { ...params, query: { force: "true" } },
          })
        : api.client.DELETE("/v1/units/{name}", { params }),
    );
    return true;
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 404) return false;
    throw error;
  }
}
