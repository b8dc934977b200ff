import { type Api, expectData } from "./api.ts";
import type { Machine } from "./api-types.ts";

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
