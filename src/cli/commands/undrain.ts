import { defineCommand } from "../command.ts";
import { EXIT_OK } from "../errors.ts";
import { undrainMachine } from "../machine-drains.ts";
import { machineIdLegend, machineIdOf, machineLegend } from "../machines.ts";

export const undrainCommand = defineCommand({
  name: "undrain",
  summary: "End a machine's drain: it takes new units again",
  usage: "MACHINE",
  description: `Makes a drained machine eligible again: new units may be placed on it. Units
that moved away stay where they are. A machine not drained is left as it is. The drain of a
machine whose agent is gone for good (retired) is ended too: give its whole id. MACHINE is a
machine id, a unique prefix of at least 8 characters, or the machine as list-machines prints it.
With -o json, the machine as the API shows it, or {id, present: false} for a machine whose
agent is gone.`,
  examples: [["fleetctl undrain 2c2a7f0e", "the machine takes new units again"]],
  options: {},
  arguments: "machine",
  async run(context, { positionals }) {
    const named = positionals[0] as string;
    // A machine's whole id, present or retired, or a present one's prefix or legend.
    const known = await context.machines.find(named);
    const id = known?.id ?? machineIdOf(named);
    const machine = await undrainMachine(context.api, id);
    if (context.out.json) {
      context.out.document(machine ?? { id, present: false });
      return EXIT_OK;
    }
    if (!machine) {
      context.out.message(
        `Machine ${machineIdLegend(id, false)} is not present; its drain is ended`,
      );
      return EXIT_OK;
    }
    const legend = machineLegend(machine.id, machine, false);
    context.out.message(
      known !== undefined && known.drain === undefined
        ? `Machine ${legend} is not drained`
        : `Machine ${legend} takes new units again`,
    );
    return EXIT_OK;
  },
});
