import { defineCommand } from "../command.ts";
import { EXIT_OK } from "../errors.ts";
import { drainMachine } from "../machine-drains.ts";
import { machineIdOf, machineLegend } from "../machines.ts";

export const drainCommand = defineCommand({
  name: "drain",
  summary: "Move a machine's units to other machines, and give it no new ones",
  usage: "[--reason=TEXT] MACHINE",
  description: `Drains a machine before its agent is stopped, upgraded or retired: the engine
moves its units to other machines (a service with its MachineOf sidekicks), or leaves those
no other machine can take waiting with a reason; global units stay. The machine takes no new
unit until 'undrain'. The drain is kept in etcd and outlives the agent. Draining a drained
machine keeps when it began. MACHINE is a machine id, a unique prefix of at least 8 characters, or the machine
as list-machines prints it. list-machines --fields=machine,ip,drain shows when nothing is
left to move. With -o json, the machine as the API shows it.`,
  examples: [
    ["fleetctl drain --reason='kernel upgrade' 2c2a7f0e", "move the machine's units elsewhere"],
  ],
  options: { reason: { type: "string" } },
  flagHelp: [["--reason=TEXT", "Why, shown with the drain and in the scheduler's reasons"]],
  arguments: "machine",
  async run(context, { values, positionals }) {
    const named = positionals[0] as string;
    const known = await context.machines.find(named);
    const reason = typeof values.reason === "string" ? values.reason : undefined;
    const machine = await drainMachine(context.api, known?.id ?? machineIdOf(named), reason);
    if (context.out.json) {
      context.out.document(machine);
      return EXIT_OK;
    }
    const drain = machine.drain;
    const why = drain?.reason === undefined ? "" : ` (${drain.reason})`;
    const left = drain?.remainingUnits.length ?? 0;
    const moving =
      left === 0 ? "nothing left on it to move" : `${left} unit${left === 1 ? "" : "s"} to move`;
    context.out.message(
      `Draining machine ${machineLegend(machine.id, machine, false)} since ${drain?.since}${why}: ${moving}`,
    );
    return EXIT_OK;
  },
});
