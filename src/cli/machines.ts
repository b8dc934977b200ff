import { type Api, expectData } from "./api.ts";
import type { Machine } from "./api-types.ts";
import { CommandFailure } from "./errors.ts";

/** fleetctl's machine legend: the first 8 characters of the id and "...", unless --full. */
export function machineIdLegend(id: string, full: boolean): string {
  return full ? id : `${id.slice(0, 8)}...`;
}

/** `2c2a7f0e.../10.0.0.1`; without the address when the machine is gone. */
export function machineLegend(id: string, machine: Machine | undefined, full: boolean): string {
  const legend = machineIdLegend(id, full);
  return machine?.publicIP ? `${legend}/${machine.publicIP}` : legend;
}

/**
 * The cluster's machines, read once per invocation as fleetctl cached them, and again only
 * when a unit names a machine that was not there yet. A failure only costs the address.
 */
export class MachineBook {
  private machines?: Promise<Map<string, Machine>>;
  private refreshed = false;

  constructor(private readonly api: Api) {}

  async list(): Promise<Machine[]> {
    return [...(await this.load()).values()];
  }

  async get(id: string): Promise<Machine | undefined> {
    const known = (await this.load()).get(id);
    if (known || this.refreshed) return known;
    this.refreshed = true;
    return (await this.load(true)).get(id);
  }

  /**
   * The present machine a command line names: its id, its legend as the tables print it
   * (`2c2a7f0e...`, `2c2a7f0e.../10.0.0.1`), or a unique prefix of at least
   * MIN_MACHINE_PREFIX characters; undefined when none matches. A shorter prefix matches
   * nothing: `node1` must not name `node10` because node1's agent is away. A prefix that
   * several machines share is a failure naming them.
   */
  async find(named: string): Promise<Machine | undefined> {
    const id = machineIdOf(named);
    const machines = await this.list();
    const exact = machines.find((machine) => machine.id === id);
    if (exact) return exact;
    if (id.length < MIN_MACHINE_PREFIX && id === named) return undefined;
    const matching = machines.filter((machine) => machine.id.startsWith(id));
    if (matching.length <= 1) return matching[0];
    const ids = matching.map((machine) => machine.id).sort();
    throw new CommandFailure(
      `${named} is the start of ${matching.length} machines' ids (${ids.join(", ")}): give more of it`,
    );
  }

  /** `-` for no machine, as fleetctl showed an empty value. */
  async legend(id: string | undefined, full = false): Promise<string> {
    if (!id) return "-";
    return machineLegend(id, await this.get(id).catch(() => undefined), full);
  }

  private load(again = false): Promise<Map<string, Machine>> {
    if (!this.machines || again) {
      this.machines = expectData(this.api, this.api.client.GET("/v1/machines")).then(
        (list) => new Map(list.machines.map((machine) => [machine.id, machine])),
      );
    }
    return this.machines;
  }
}

/** The shortest prefix of a machine's id taken for the machine: the legends' 8 characters. */
export const MIN_MACHINE_PREFIX = 8;

/** The id, or the prefix of one, that a machine's name or legend starts with. */
export function machineIdOf(named: string): string {
  return named.replace(/\/.*$/, "").replace(/\.\.\.$/, "");
}
