import type { FleetRequirements } from "../unit/xfleet.ts";
import type { MachineDrain } from "./cluster-state.ts";
import { compilePattern, type Pattern, PrefixIndex } from "./pattern.ts";
import { lowerBound, SortedNames } from "./sorted-names.ts";

export interface SchedulerMachine {
  id: string;
  metadata: Readonly<Record<string, string>>;
  /** Set while the machine is drained: it takes no new unit but global ones. */
  drain?: MachineDrain;
}

export interface SchedulerUnit {
  name: string;
  requirements: FleetRequirements;
  /**
   * When the unit was last asked to run (its desired state left inactive), as an ISO time:
   * of two units that replace each other, the one asked later wins. Absent sorts first.
   */
  scheduledAt?: string;
}

/**
 * Placed units tied to one pattern, machine by machine: either the units whose names the
 * pattern matches (it is some unit's MachineOf, Conflicts or Replaces target), or the units
 * that declare the pattern in their own Conflicts or Replaces.
 */
export interface PlacedByPattern {
  readonly pattern: Pattern;
  /** machine id → names of the placed units there; machines with none are absent. */
  readonly byMachine: ReadonlyMap<string, ReadonlySet<string>>;
}

class Holders implements PlacedByPattern {
  readonly byMachine = new Map<string, Set<string>>();
  /** How many placed units use the pattern as a target (forward holders only). */
  refs = 0;

  constructor(readonly pattern: Pattern) {}

  add(machineId: string, name: string): void {
    const names = this.byMachine.get(machineId);
    if (names === undefined) this.byMachine.set(machineId, new Set([name]));
    else names.add(name);
  }

  delete(machineId: string, name: string): void {
    const names = this.byMachine.get(machineId);
    if (names?.delete(name) && names.size === 0) this.byMachine.delete(machineId);
  }

  copy(): Holders {
    const copy = new Holders(this.pattern);
    copy.refs = this.refs;
    for (const [machineId, names] of this.byMachine) copy.byMachine.set(machineId, new Set(names));
    return copy;
  }
}

/** For one kind of declaration (Conflicts or Replaces): per distinct pattern, who declares it where. */
class Declarations {
  readonly literal = new Map<string, Holders>();
  readonly globs = new Map<string, Holders>();
  readonly prefix = new PrefixIndex<Holders>();

  add(pattern: Pattern, machineId: string, unitName: string): void {
    if (pattern.kind === "invalid") return;
    const map = pattern.kind === "literal" ? this.literal : this.globs;
    let holders = map.get(pattern.text);
    if (holders === undefined) {
      holders = new Holders(pattern);
      map.set(pattern.text, holders);
      if (pattern.kind === "glob") this.prefix.add(holders);
    }
    holders.add(machineId, unitName);
  }

  delete(pattern: Pattern, machineId: string, unitName: string): void {
    const map = pattern.kind === "literal" ? this.literal : this.globs;
    const holders = map.get(pattern.text);
    if (holders === undefined) return;
    holders.delete(machineId, unitName);
    if (holders.byMachine.size > 0) return;
    map.delete(pattern.text);
    if (pattern.kind === "glob") this.prefix.delete(holders);
  }

  /** The declared patterns that match `name`. */
  matching(name: string): Holders[] {
    const globs: Holders[] = [];
    this.prefix.forEachMatch(name, (holders) => globs.push(holders));
    // In the patterns' order, not the order they were declared in: an index built change by
    // change and one rebuilt at once must explain a decision in the same words.
    if (globs.length > 1) globs.sort((a, b) => compareText(a.pattern.text, b.pattern.text));
    const literal = this.literal.get(name);
    return literal === undefined ? globs : [literal, ...globs];
  }

  clone(): Declarations {
    const copy = new Declarations();
    for (const [text, holders] of this.literal) copy.literal.set(text, holders.copy());
    for (const [text, holders] of this.globs) {
      const held = holders.copy();
      copy.globs.set(text, held);
      copy.prefix.add(held);
    }
    return copy;
  }
}

interface MachineRecord {
  machine: SchedulerMachine;
  units: Set<string>;
}

interface UnitRecord {
  unit: SchedulerUnit;
  machines: Set<string>;
  /** The forward holders of its MachineOf, Conflicts and Replaces targets, kept alive by it. */
  targets: Holders[];
}

export type DeclarationKind = "conflicts" | "replaces";

const EMPTY: ReadonlySet<string> = new Set();
// Target patterns looked up by decide() for units that were never placed are kept until this
// many have piled up, then dropped together.
const MAX_IDLE_TARGETS = 1024;

const byId = (a: SchedulerMachine, b: SchedulerMachine): number =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/**
 * An incremental index of machines and placed units, so that one decision costs about
 * O(machines), never O(units): per machine the set of unit names (its load is their count) and
 * its place in a load-then-id order; per distinct MachineOf/Conflicts/Replaces target pattern,
 * the machines holding units whose names match it (built on first use from a sorted name list,
 * then maintained on place/unplace by looking patterns up by literal prefix); per distinct
 * Conflicts and Replaces pattern declared by a placed unit, the machines of its declarers (for
 * the reverse checks). Mutated only by the engine through setMachine, removeMachine, place and
 * unplace; decide() only reads it (it may add a derived target-pattern entry, which changes no
 * answer).
 */
export class ClusterIndex {
  #machines = new Map<string, MachineRecord>();
  #sorted: SchedulerMachine[] | undefined;
  /** Machine ids by load: #byLoad[n] lists, sorted, the machines holding n units. */
  #byLoad: string[][] = [];
  #metadata = new Map<string, Map<string, Set<string>>>();
  #units = new Map<string, UnitRecord>();
  #names = new SortedNames();
  #patterns = new Map<string, Pattern>();
  #targetLiterals = new Map<string, Holders>();
  #targetGlobs = new Map<string, Holders>();
  #targetPrefix = new PrefixIndex<Holders>();
  #idle = new Set<Holders>();
  #conflicts = new Declarations();
  #replaces = new Declarations();

  /** Adds a machine, or updates its metadata and drain; the units placed on it stay. */
  setMachine(machine: SchedulerMachine): void {
    const copy: SchedulerMachine = {
      id: machine.id,
      metadata: { ...machine.metadata },
      ...(machine.drain ? { drain: { ...machine.drain } } : {}),
    };
    this.#sorted = undefined;
    const record = this.#machines.get(machine.id);
    if (record !== undefined) {
      this.#indexMetadata(record.machine, false);
      record.machine = copy;
    } else {
      this.#machines.set(machine.id, { machine: copy, units: new Set() });
      this.#move(machine.id, -1, 0);
    }
    this.#indexMetadata(copy, true);
  }

  /** Removes a machine; returns the units that were placed on it (now unplaced from it), sorted. */
  removeMachine(id: string): string[] {
    const record = this.#machines.get(id);
    if (record === undefined) return [];
    const names = [...record.units].sort();
    for (const name of names) this.unplace(name, id);
    this.#move(id, 0, -1);
    this.#indexMetadata(record.machine, false);
    this.#machines.delete(id);
    this.#sorted = undefined;
    return names;
  }

  /**
   * Records that `unit` runs on `machineId`. A Global unit is placed once per machine; placing a
   * non-global unit that is placed elsewhere moves it. New requirements for a placed unit replace
   * the old ones everywhere it is placed.
   */
  place(unit: SchedulerUnit, machineId: string): void {
    if (!this.#machines.has(machineId)) {
      throw new Error(`cannot place ${unit.name} on unknown machine ${machineId}`);
    }
    const known = this.#units.get(unit.name);
    if (known !== undefined) {
      const previous = [...known.machines];
      const changed = !sameRequirements(known.unit.requirements, unit.requirements);
      if (changed || (!unit.requirements.global && !known.machines.has(machineId))) {
        this.unplace(unit.name);
        if (unit.requirements.global) for (const m of previous) this.#placeOn(unit, m);
      }
    }
    this.#placeOn(unit, machineId);
  }

  /** Removes a unit from one machine, or from every machine when none is given. */
  unplace(unitName: string, machineId?: string): void {
    const record = this.#units.get(unitName);
    if (record === undefined) return;
    const from =
      machineId === undefined
        ? [...record.machines]
        : record.machines.has(machineId)
          ? [machineId]
          : [];
    const { requirements } = record.unit;
    for (const id of from) {
      record.machines.delete(id);
      const machine = this.#machines.get(id) as MachineRecord;
      machine.units.delete(unitName);
      this.#move(id, machine.units.size + 1, machine.units.size);
      this.#targetLiterals.get(unitName)?.delete(id, unitName);
      this.#targetPrefix.forEachMatch(unitName, (holders) => holders.delete(id, unitName));
      for (const text of requirements.conflicts) {
        this.#conflicts.delete(this.pattern(text), id, unitName);
      }
      for (const text of requirements.replaces) {
        this.#replaces.delete(this.pattern(text), id, unitName);
      }
    }
    if (record.machines.size > 0) return;
    this.#units.delete(unitName);
    this.#names.delete(unitName);
    for (const holders of record.targets) {
      holders.refs--;
      if (holders.refs === 0) this.#idle.add(holders);
    }
  }

  /** The machines a unit is placed on, sorted. */
  machinesOf(unitName: string): readonly string[] {
    const record = this.#units.get(unitName);
    return record === undefined ? [] : [...record.machines].sort();
  }

  /** The machines a unit is placed on, as a live set (empty when it is not placed). */
  placementsOf(unitName: string): ReadonlySet<string> {
    return this.#units.get(unitName)?.machines ?? EMPTY;
  }

  unitsOn(machineId: string): ReadonlySet<string> {
    return this.#machines.get(machineId)?.units ?? EMPTY;
  }

  /** Every machine, sorted by id. */
  machines(): readonly SchedulerMachine[] {
    if (this.#sorted === undefined) {
      this.#sorted = [...this.#machines.values()].map((r) => r.machine).sort(byId);
    }
    return this.#sorted;
  }

  /** An independent copy, for dry runs. */
  clone(): ClusterIndex {
    const copy = new ClusterIndex();
    for (const [id, record] of this.#machines) {
      copy.#machines.set(id, { machine: record.machine, units: new Set(record.units) });
    }
    copy.#sorted = this.#sorted;
    copy.#byLoad = this.#byLoad.map((ids) => ids.slice());
    for (const [key, values] of this.#metadata) {
      const byValue = new Map<string, Set<string>>();
      for (const [value, ids] of values) byValue.set(value, new Set(ids));
      copy.#metadata.set(key, byValue);
    }
    copy.#patterns = this.#patterns;
    const copied = new Map<Holders, Holders>();
    const copyHolders = (holders: Holders): Holders => {
      let held = copied.get(holders);
      if (held === undefined) {
        held = holders.copy();
        copied.set(holders, held);
      }
      return held;
    };
    for (const [text, holders] of this.#targetLiterals) {
      copy.#targetLiterals.set(text, copyHolders(holders));
    }
    for (const [text, holders] of this.#targetGlobs) {
      const held = copyHolders(holders);
      copy.#targetGlobs.set(text, held);
      copy.#targetPrefix.add(held);
    }
    for (const holders of this.#idle) copy.#idle.add(copyHolders(holders));
    for (const [name, record] of this.#units) {
      copy.#units.set(name, {
        unit: record.unit,
        machines: new Set(record.machines),
        targets: record.targets.map(copyHolders),
      });
    }
    copy.#names = this.#names.clone();
    copy.#conflicts = this.#conflicts.clone();
    copy.#replaces = this.#replaces.clone();
    return copy;
  }

  // ---- Read-only queries used by decide() ----

  machine(id: string): SchedulerMachine | undefined {
    return this.#machines.get(id)?.machine;
  }

  machineCount(): number {
    return this.#machines.size;
  }

  /** How many units are placed on a machine. */
  load(machineId: string): number {
    return this.#machines.get(machineId)?.units.size ?? 0;
  }

  /** Machine ids grouped by load: element n lists, sorted by id, the machines holding n units. */
  byLoad(): readonly (readonly string[])[] {
    return this.#byLoad;
  }

  /** The machines whose metadata has `key` set to `value`. */
  machinesWithMetadata(key: string, value: string): ReadonlySet<string> {
    return this.#metadata.get(key)?.get(value) ?? EMPTY;
  }

  /** The machines a MachineID value names: the one with that id, or those it is an 8+ character prefix of. */
  machinesWithId(id: string): string[] {
    if (this.#machines.has(id)) return [id];
    if (id.length < 8) return [];
    const machines = this.machines();
    const found: string[] = [];
    for (let i = lowerBound(machines, id, (machine) => machine.id); i < machines.length; i++) {
      const machine = machines[i] as SchedulerMachine;
      if (!machine.id.startsWith(id)) break;
      found.push(machine.id);
    }
    return found;
  }

  /** The requirements a placed unit was placed with. */
  requirementsOf(unitName: string): FleetRequirements | undefined {
    return this.#units.get(unitName)?.unit.requirements;
  }

  /** Every placed unit with the machines it is placed on. */
  *placedUnits(): Iterable<{ unit: SchedulerUnit; machineIds: readonly string[] }> {
    for (const record of this.#units.values()) {
      if (record.machines.size > 0) yield { unit: record.unit, machineIds: [...record.machines] };
    }
  }

  /** A placed unit as it was placed. */
  unit(unitName: string): SchedulerUnit | undefined {
    return this.#units.get(unitName)?.unit;
  }

  /** The compiled form of a unit-name pattern (cached). */
  pattern(text: string): Pattern {
    let pattern = this.#patterns.get(text);
    if (pattern === undefined) {
      pattern = compilePattern(text);
      this.#patterns.set(text, pattern);
    }
    return pattern;
  }

  /**
   * The placed units whose names match a target pattern (MachineOf, Conflicts or Replaces),
   * by machine; undefined for an invalid glob, which matches nothing. A pattern seen for the
   * first time is indexed from the names starting with its literal prefix.
   */
  placedMatching(text: string): PlacedByPattern | undefined {
    return this.#target(text);
  }

  /** The placed units that declare, in Conflicts or Replaces, a pattern matching `unitName`. */
  declaring(kind: DeclarationKind, unitName: string): readonly PlacedByPattern[] {
    return (kind === "conflicts" ? this.#conflicts : this.#replaces).matching(unitName);
  }

  // ---- Internals ----

  #placeOn(unit: SchedulerUnit, machineId: string): void {
    let record = this.#units.get(unit.name);
    if (record === undefined) {
      const { machineOf, conflicts, replaces } = unit.requirements;
      const targets: Holders[] = [];
      for (const text of new Set([...machineOf, ...conflicts, ...replaces])) {
        const holders = this.#target(text);
        if (holders === undefined) continue;
        holders.refs++;
        this.#idle.delete(holders);
        targets.push(holders);
      }
      record = { unit, machines: new Set(), targets };
      this.#units.set(unit.name, record);
      this.#names.add(unit.name);
    }
    record.unit = unit;
    if (record.machines.has(machineId)) return;
    record.machines.add(machineId);
    const machine = this.#machines.get(machineId) as MachineRecord;
    machine.units.add(unit.name);
    this.#move(machineId, machine.units.size - 1, machine.units.size);
    const name = unit.name;
    this.#targetLiterals.get(name)?.add(machineId, name);
    this.#targetPrefix.forEachMatch(name, (holders) => holders.add(machineId, name));
    for (const text of unit.requirements.conflicts) {
      this.#conflicts.add(this.pattern(text), machineId, name);
    }
    for (const text of unit.requirements.replaces) {
      this.#replaces.add(this.pattern(text), machineId, name);
    }
  }

  #target(text: string): Holders | undefined {
    const pattern = this.pattern(text);
    if (pattern.kind === "invalid") return undefined;
    const map = pattern.kind === "literal" ? this.#targetLiterals : this.#targetGlobs;
    let holders = map.get(text);
    if (holders !== undefined) return holders;
    if (this.#idle.size >= MAX_IDLE_TARGETS) this.#dropIdle();
    const created = new Holders(pattern);
    if (pattern.kind === "literal") {
      for (const id of this.#units.get(text)?.machines ?? EMPTY) created.add(id, text);
    } else {
      this.#names.forEachWithPrefix(pattern.prefix, (name) => {
        if (!pattern.test(name)) return;
        for (const id of this.#units.get(name)?.machines ?? EMPTY) created.add(id, name);
      });
      this.#targetPrefix.add(created);
    }
    holders = created;
    map.set(text, holders);
    this.#idle.add(holders);
    return holders;
  }

  #dropIdle(): void {
    for (const holders of this.#idle) {
      if (holders.pattern.kind === "literal") {
        this.#targetLiterals.delete(holders.pattern.text);
      } else {
        this.#targetGlobs.delete(holders.pattern.text);
        this.#targetPrefix.delete(holders);
      }
    }
    this.#idle.clear();
  }

  /** Moves a machine id from one load bucket to another (-1: none). */
  #move(id: string, from: number, to: number): void {
    if (from >= 0) {
      const ids = this.#byLoad[from];
      if (ids !== undefined) {
        const at = lowerBound(ids, id);
        if (ids[at] === id) ids.splice(at, 1);
      }
    }
    if (to < 0) return;
    while (this.#byLoad.length <= to) this.#byLoad.push([]);
    const ids = this.#byLoad[to] as string[];
    ids.splice(lowerBound(ids, id), 0, id);
  }

  #indexMetadata(machine: SchedulerMachine, add: boolean): void {
    for (const [key, value] of Object.entries(machine.metadata)) {
      let byValue = this.#metadata.get(key);
      if (byValue === undefined) {
        if (!add) continue;
        byValue = new Map();
        this.#metadata.set(key, byValue);
      }
      let ids = byValue.get(value);
      if (ids === undefined) {
        if (!add) continue;
        ids = new Set();
        byValue.set(value, ids);
      }
      if (add) {
        ids.add(machine.id);
      } else {
        ids.delete(machine.id);
        if (ids.size === 0) byValue.delete(value);
        if (byValue.size === 0) this.#metadata.delete(key);
      }
    }
  }
}

function sameRequirements(a: FleetRequirements, b: FleetRequirements): boolean {
  if (a === b) return true;
  const same = (x: readonly string[], y: readonly string[]) =>
    x.length === y.length && x.every((v, i) => v === y[i]);
  return (
    a.machineId === b.machineId &&
    a.global === b.global &&
    same(a.machineOf, b.machineOf) &&
    same(a.conflicts, b.conflicts) &&
    same(a.replaces, b.replaces) &&
    JSON.stringify(a.metadata) === JSON.stringify(b.metadata)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
