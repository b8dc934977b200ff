import type { Static } from "typebox";
import type { ClusterView } from "../../registry/view.ts";
import type {
  FleetMachine,
  FleetUnit,
  FleetUnitOption,
  FleetUnitState,
} from "../../schema/fleet.ts";
import { parseUnitFile } from "../../unit/parse.ts";
import { fleetRequirements } from "../../unit/xfleet.ts";
import { currentStateOf } from "../entities.ts";

export type FleetUnitView = Static<typeof FleetUnit>;
export type FleetUnitOptionView = Static<typeof FleetUnitOption>;
export type FleetUnitStateView = Static<typeof FleetUnitState>;
export type FleetMachineView = Static<typeof FleetMachine>;

interface FleetContent {
  options: FleetUnitOptionView[];
  /** `[X-Fleet] Global=true`: the unit runs on every machine. */
  global: boolean;
}

/**
 * fleet's entities from the view. fleet omitted every empty field, and its clients read a
 * missing field as empty, so empty values are left out here too.
 */
export class FleetEntities {
  /** Parsed content per hash: thousands of instances share a few templates. */
  private readonly contentByHash = new Map<string, FleetContent>();

  constructor(private readonly view: ClusterView) {}

  /**
   * A unit as fleet showed it. For one unit (`item`), fleet left out where and how a global
   * unit runs, as it runs everywhere; its list showed global units as "inactive" nonetheless.
   */
  unit(name: string, { item = false } = {}): FleetUnitView | undefined {
    const record = this.view.units.get(name);
    if (!record) return undefined;
    const { options, global } = this.content(record.hash, name);
    const unit: FleetUnitView = {};
    if (!(item && global)) {
      const machineId = this.view.placements.get(name)?.machineId;
      const state = machineId ? this.view.states.get(name)?.get(machineId) : undefined;
      unit.currentState = currentStateOf(state, record, machineId);
      unit.desiredState = record.desiredState;
      if (machineId) unit.machineID = machineId;
    } else {
      unit.desiredState = record.desiredState;
    }
    unit.name = name;
    if (options.length > 0) unit.options = options;
    return unit;
  }

  units(): FleetUnitView[] {
    const units: FleetUnitView[] = [];
    for (const name of this.view.unitNames.all()) {
      const unit = this.unit(name);
      if (unit) units.push(unit);
    }
    return units;
  }

  states(filter: { machineId?: string; unitName?: string }): FleetUnitStateView[] {
    const states: FleetUnitStateView[] = [];
    // fleet listed every report, including those of units destroyed while still running.
    const names = filter.unitName ? [filter.unitName] : [...this.view.states.keys()].sort();
    for (const name of names) {
      const byMachine = this.view.states.get(name);
      if (!byMachine) continue;
      for (const machineId of [...byMachine.keys()].sort()) {
        if (filter.machineId && machineId !== filter.machineId) continue;
        const state = byMachine.get(machineId);
        if (!state) continue;
        states.push(
          omitEmpty({
            hash: state.hash,
            machineID: machineId,
            name,
            systemdActiveState: state.activeState,
            systemdLoadState: state.loadState,
            systemdSubState: state.subState,
          }),
        );
      }
    }
    return states;
  }

  machines(): FleetMachineView[] {
    return [...this.view.machines.keys()].sort().map((id) => {
      const machine = this.view.machines.get(id);
      const metadata = this.view.metadataOf(id);
      return omitEmpty({
        id,
        metadata: Object.keys(metadata).length > 0 ? metadata : undefined,
        primaryIP: machine?.publicIP,
      });
    });
  }

  private content(hash: string, unitName: string): FleetContent {
    const cached = this.contentByHash.get(hash);
    if (cached) return cached;
    const text = this.view.unitTexts.get(hash);
    const parsed = text === undefined ? undefined : parseUnitFile(text);
    const content: FleetContent = parsed?.ok
      ? {
          options: parsed.file.options.map(({ section, name, value }) =>
            value === "" ? { name, section } : { name, section, value },
          ),
          global: fleetRequirements(parsed.file, unitName).requirements.global,
        }
      : { options: [], global: false };
    if (this.contentByHash.size > 10_000) this.contentByHash.clear();
    this.contentByHash.set(hash, content);
    return content;
  }
}

function omitEmpty<T extends Record<string, unknown>>(entity: T): T {
  for (const key of Object.keys(entity)) {
    if (entity[key] === undefined || entity[key] === "") delete entity[key];
  }
  return entity;
}
