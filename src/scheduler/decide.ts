// Placement decisions: pure functions of a ClusterIndex snapshot and one unit's [X-Fleet]
// requirements, with an explanation for every machine that cannot take the unit.
//
// Semantics follow fleet's engine (leastLoadedScheduler.Decide over AgentState.AbleToRun):
// - least loaded eligible machine (fewest placed units, Global ones included), ties by id;
// - MachineID: the machine with that id, or whose id the value is an 8+ character prefix of
//   (fleet accepted the full id or its first 8 characters);
// - MachineOf: each target must be placed on the machine; a glob target (fleet only had names)
//   needs at least one matching unit there;
// - Conflicts: globs, checked both ways (the unit's patterns against the units on the machine,
//   and theirs against the unit's name), as fleet's HasConflict;
// - MachineMetadata: see failingRequirement;
// - a drained machine takes no unit but global ones (fleet had no drain);
// - Replaces: a unit never shares a machine with a unit it replaces or that replaces it. When
//   a machine holding units it replaces can otherwise take it, it goes there (the least loaded
//   such machine) and displaces them, together with their MachineOf dependents there that
//   would be stranded; the engine unplaces and reschedules those (with all their constraints),
//   and they cannot come back to this machine. fleet instead let the replacer land on any
//   least-loaded machine; only if it met the replaced unit there did a later reconcile move
//   the replaced unit to the least loaded other machine, without checking its constraints.
// - Circular Replaces (A replaces B and B replaces A): fleet's hasReplace skipped such a pair
//   ("could result in an infinite loop"), so both could run, side by side on two machines,
//   though its TestScheduleCircularReplace expects exactly one launched unit. Here the two
//   never run at the same time anywhere: the one scheduled later (whose desired state left
//   inactive last; `scheduledAt`, ties by name) is placed where it fits, displacing the other
//   from whatever machine it holds, and the other waits unscheduled, with a reason naming the
//   winner, until the winner is unloaded.
// - A unit displaces only units asked to run before it (scheduledAt); one asked after it is
//   only kept apart from it. With a chain of Replaces that comes back round through three
//   or more units (A replaces B, B replaces C, C replaces A), a unit does not displace one
//   that replaces it through the chain either. Either way, contradictory Replaces settle
//   instead of displacing one another pass after pass.
// A unit's own current placement is ignored throughout, so re-deciding a placed unit neither
// conflicts with nor waits for itself, and its current machine counts one unit lighter.

import type { ClusterIndex, PlacedByPattern, SchedulerUnit } from "./cluster-index.ts";
import type { MachineDrain } from "./cluster-state.ts";
import { failingRequirement, metadataValue, mismatchReason } from "./metadata.ts";
import { compilePattern } from "./pattern.ts";
import { SortedNames } from "./sorted-names.ts";

export interface Rejection {
  machineId: string;
  reason: string;
}

export type Decision =
  | {
      ok: true;
      machineId: string;
      /** Units this one displaces through Replaces= (then their stranded MachineOf dependents
       * on that machine); the engine unplaces and reschedules them. */
      displaces: string[];
    }
  | {
      ok: false;
      /** One sentence summarising why no machine fits. */
      reason: string;
      rejected: Rejection[];
    };

export interface GlobalDecision {
  machineIds: string[];
  rejected: Rejection[];
}

export interface GlobalPlacement extends GlobalDecision {
  ok: true;
  global: true;
}

export interface BatchEntry {
  unit: string;
  decision: Decision | GlobalPlacement;
  /** For a placed unit, when asked: why each other machine was not chosen. */
  rejected?: Rejection[];
}

/** Why each machine but the chosen one was not, with the unit not placed yet. */
export type Explain = (unit: SchedulerUnit, chosen: string) => Rejection[];

interface Target {
  text: string;
  placed: PlacedByPattern | undefined;
}

// A narrowed candidate list from metadata is used when it is at most this long; beyond that,
// walking machines in load order and stopping at the first eligible one is cheaper.
const METADATA_NARROWING = 32;

/** The per-unit view of the index that every machine is checked against. */
class Check {
  readonly self: string;
  readonly machineOf: Target[];
  readonly conflicts: Target[];
  readonly replaces: Target[];
  readonly conflictedBy: readonly PlacedByPattern[];
  readonly replacedBy: readonly PlacedByPattern[];
  readonly idMachines: ReadonlySet<string> | undefined;
  /** Placed units that replace this one and that it replaces, scheduled later: it must wait. */
  readonly circularWinner: string | undefined;
  /** Placed units that replace this one and that it replaces, scheduled earlier: they leave. */
  readonly circularLosers: ReadonlySet<string>;
  readonly #metadataReasons = new Map<string, string>();

  constructor(
    readonly index: ClusterIndex,
    readonly unit: SchedulerUnit,
  ) {
    const { requirements } = unit;
    const target = (text: string): Target => ({ text, placed: index.placedMatching(text) });
    this.self = unit.name;
    this.machineOf = requirements.machineOf.map(target);
    this.conflicts = requirements.conflicts.map(target);
    this.replaces = requirements.replaces.map(target);
    this.conflictedBy = index.declaring("conflicts", unit.name);
    this.replacedBy = index.declaring("replaces", unit.name);
    this.idMachines =
      requirements.machineId === undefined
        ? undefined
        : new Set(index.machinesWithId(requirements.machineId));
    const losers = new Set<string>();
    let winner: string | undefined;
    for (const { placed } of this.replaces) {
      for (const names of placed?.byMachine.values() ?? []) {
        for (const name of names) {
          if (name === this.self || !this.isReplacedBy(name)) continue;
          const other = index.unit(name);
          if (other && scheduledLater(other, unit)) {
            if (winner === undefined || name < winner) winner = name;
          } else losers.add(name);
        }
      }
    }
    this.circularWinner = winner;
    this.circularLosers = losers;
  }

  /** Why the unit cannot run on `machineId` once the units in `leaving` have left it. */
  reject(machineId: string, leaving?: ReadonlySet<string>): string | undefined {
    const machine = this.index.machine(machineId);
    if (machine === undefined) return "is not a machine of the cluster";
    if (this.circularWinner !== undefined) return circularLoss(this.circularWinner);
    const { requirements } = this.unit;
    // A global unit runs on every machine, drained or not, as a DaemonSet survives a drain.
    if (machine.drain !== undefined && !requirements.global) return draining(machine.drain);
    if (this.idMachines !== undefined && !this.idMachines.has(machineId)) {
      return `is not the machine MachineID=${requirements.machineId} names`;
    }
    if (requirements.metadata.length > 0) {
      const failing = failingRequirement(requirements.metadata, machine.metadata);
      if (failing !== undefined) {
        // Machines share few distinct values, so each reason is built once per decision.
        const value = metadataValue(machine.metadata, failing.key);
        const key = `${requirements.metadata.indexOf(failing)}\u0000${value ?? "\u0001"}`;
        let reason = this.#metadataReasons.get(key);
        if (reason === undefined) {
          reason = mismatchReason(failing, value);
          this.#metadataReasons.set(key, reason);
        }
        return reason;
      }
    }
    for (const { text, placed } of this.machineOf) {
      if (this.#other(placed?.byMachine.get(machineId), leaving) === undefined) {
        return `waits for ${describeTarget(this.index, text)} (MachineOf=${text}), which is not on this machine`;
      }
    }
    for (const { text, placed } of this.conflicts) {
      const other = this.#other(placed?.byMachine.get(machineId), leaving);
      if (other !== undefined) return `conflicts with ${other} (Conflicts=${text})`;
    }
    for (const declared of this.conflictedBy) {
      const other = this.#other(declared.byMachine.get(machineId), leaving);
      if (other !== undefined) {
        return `conflicts with ${other} (${other} has Conflicts=${declared.pattern.text})`;
      }
    }
    for (const { text, placed } of this.replaces) {
      const other = this.#other(placed?.byMachine.get(machineId), leaving);
      if (other === undefined) continue;
      return `would share the machine with ${other}, which it replaces (Replaces=${text})`;
    }
    for (const declared of this.replacedBy) {
      const other = this.#other(declared.byMachine.get(machineId), leaving);
      if (other === undefined) continue;
      return `${other} replaces it and runs here (${other} has Replaces=${declared.pattern.text})`;
    }
    return undefined;
  }

  /** Whether the placed unit `name` declares a Replaces pattern matching this unit. */
  isReplacedBy(name: string): boolean {
    const replaces = this.index.requirementsOf(name)?.replaces ?? [];
    return replaces.some((text) => this.index.pattern(text).test(this.self));
  }

  /**
   * Whether the placed unit `name` was asked to run after this one: it is kept apart from
   * this one but not displaced by it, so that units whose Replaces= contradict one another
   * (a chain that comes back round, a sidekick of what is replaced) settle instead of
   * displacing one another pass after pass.
   */
  askedAfter(name: string): boolean {
    const other = this.index.unit(name);
    return (other?.scheduledAt ?? "") > (this.unit.scheduledAt ?? "");
  }

  /**
   * Whether the placed unit `name` replaces this one through a chain of placed units
   * (`name` replaces X, X replaces ... this one). Displacing it would start a round that
   * never ends, each unit of the chain displacing the next pass after pass.
   */
  replacesThroughChain(name: string): boolean {
    const seen = new Set([name]);
    const queue = [name];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      for (const text of this.index.requirementsOf(next)?.replaces ?? []) {
        if (this.index.pattern(text).test(this.self)) return true;
        for (const names of this.index.placedMatching(text)?.byMachine.values() ?? []) {
          for (const other of names) {
            if (seen.has(other) || other === this.self) continue;
            seen.add(other);
            queue.push(other);
          }
        }
      }
    }
    return false;
  }

  /**
   * Per machine, the circular partners this unit displaces wherever it goes, with their
   * MachineOf dependents there that would be left waiting.
   */
  circularDisplacements(): Map<string, Set<string>> {
    const found = new Map<string, Set<string>>();
    for (const name of [...this.circularLosers].sort()) {
      for (const machineId of this.index.placementsOf(name)) {
        let leaving = found.get(machineId);
        if (leaving === undefined) {
          leaving = new Set();
          found.set(machineId, leaving);
        }
        leaving.add(name);
      }
    }
    for (const [machineId, leaving] of found) this.#addStranded(machineId, leaving);
    return found;
  }

  /**
   * Per machine, the placed units this unit would displace there: those it replaces (unless
   * they replace it too), then their MachineOf dependents there that would be left waiting.
   */
  displacements(): Map<string, Set<string>> {
    const found = new Map<string, Set<string>>();
    if (this.replaces.length === 0) return found;
    for (const { placed } of this.replaces) {
      for (const [machineId, names] of placed?.byMachine ?? []) {
        for (const name of names) {
          if (
            name === this.self ||
            this.circularLosers.has(name) ||
            this.isReplacedBy(name) ||
            this.askedAfter(name) ||
            this.replacesThroughChain(name)
          )
            continue;
          let leaving = found.get(machineId);
          if (leaving === undefined) {
            leaving = new Set();
            found.set(machineId, leaving);
          }
          leaving.add(name);
        }
      }
    }
    for (const [machineId, leaving] of found) {
      const replaced = [...leaving].sort();
      leaving.clear();
      for (const name of replaced) leaving.add(name);
      this.#addStranded(machineId, leaving);
    }
    return found;
  }

  #addStranded(machineId: string, leaving: Set<string>): void {
    const units = [...this.index.unitsOn(machineId)].sort();
    for (let changed = true; changed; ) {
      changed = false;
      for (const name of units) {
        if (name === this.self || leaving.has(name)) continue;
        const targets = this.index.requirementsOf(name)?.machineOf ?? [];
        const stranded = targets.some((text) => {
          const there = this.index.placedMatching(text)?.byMachine.get(machineId);
          for (const held of there ?? []) if (held !== name && !leaving.has(held)) return false;
          return true;
        });
        if (stranded) {
          leaving.add(name);
          changed = true;
        }
      }
    }
  }

  /** The first unit by name (so that reasons do not depend on history) in `names`, other than
   * this one and those leaving. */
  #other(
    names: ReadonlySet<string> | undefined,
    leaving?: ReadonlySet<string>,
  ): string | undefined {
    if (names === undefined) return undefined;
    let first: string | undefined;
    for (const name of names) {
      if (name === this.self || leaving?.has(name) === true || this.circularLosers.has(name))
        continue;
      if (first === undefined || name < first) first = name;
    }
    return first;
  }
}

function draining({ since, reason }: MachineDrain): string {
  return `is drained since ${since}${reason === undefined ? "" : ` (${reason})`}`;
}

function circularLoss(winner: string): string {
  return `waits for ${winner} to be unloaded: the two replace each other (circular Replaces), and ${winner} was scheduled later, so only it runs`;
}

/** Whether `a` was asked to run after `b` (ties by name, so that exactly one of two wins). */
function scheduledLater(a: SchedulerUnit, b: SchedulerUnit): boolean {
  const at = a.scheduledAt ?? "";
  const bt = b.scheduledAt ?? "";
  return at !== bt ? at > bt : a.name > b.name;
}

function describeTarget(index: ClusterIndex, text: string): string {
  return index.pattern(text).kind === "literal" ? text : `a unit matching ${text}`;
}

/**
 * Where one (non-global) unit should run. The least loaded eligible machine, ties broken by id;
 * when machines holding units it replaces are eligible, the least loaded of those, displacing.
 */
export function decide(index: ClusterIndex, unit: SchedulerUnit): Decision {
  const check = new Check(index, unit);
  const selfOn = index.placementsOf(unit.name);
  const load = (id: string) => index.load(id) - (selfOn.has(id) ? 1 : 0);
  let best: string | undefined;
  let bestLoad = 0;
  const consider = (id: string) => {
    const l = load(id);
    if (best === undefined || l < bestLoad || (l === bestLoad && id < best)) {
      best = id;
      bestLoad = l;
    }
  };

  const displace = check.displacements();
  const circular = check.circularDisplacements();
  const displacedBy = (id: string): string[] => {
    const names = new Set(displace.get(id));
    for (const leaving of circular.values()) for (const name of leaving) names.add(name);
    return [...names];
  };
  const leavingOn = (id: string): ReadonlySet<string> | undefined => {
    const replaced = displace.get(id);
    const partners = circular.get(id);
    if (replaced === undefined || partners === undefined) return replaced ?? partners;
    return new Set([...replaced, ...partners]);
  };
  for (const id of displace.keys()) {
    if (check.reject(id, leavingOn(id)) === undefined) consider(id);
  }
  if (best !== undefined) return { ok: true, machineId: best, displaces: displacedBy(best) };

  const narrowed = candidates(check);
  if (narrowed !== undefined || selfOn.size > 0) {
    const ids = narrowed ?? index.machines().map((m) => m.id);
    for (const id of ids) {
      if (!displace.has(id) && check.reject(id, circular.get(id)) === undefined) consider(id);
    }
  } else {
    scan: for (const ids of index.byLoad()) {
      for (const id of ids) {
        if (!displace.has(id) && check.reject(id, circular.get(id)) === undefined) {
          best = id;
          break scan;
        }
      }
    }
  }
  if (best !== undefined) return { ok: true, machineId: best, displaces: displacedBy(best) };

  const rejected: Rejection[] = [];
  for (const { id } of index.machines()) {
    const reason = check.reject(id, leavingOn(id));
    if (reason === undefined) consider(id);
    else rejected.push({ machineId: id, reason });
  }
  // Only reached if narrowing missed an eligible machine; the full check is authoritative.
  if (best !== undefined) return { ok: true, machineId: best, displaces: displacedBy(best) };
  return { ok: false, reason: summarise(check, rejected), rejected };
}

/** The only machines that can take the unit, when its requirements name few; else undefined. */
function candidates(check: Check): readonly string[] | undefined {
  const { index } = check;
  let smallest: readonly string[] | undefined =
    check.idMachines === undefined ? undefined : [...check.idMachines];
  for (const { placed } of check.machineOf) {
    const ids = placed === undefined ? [] : [...placed.byMachine.keys()];
    if (smallest === undefined || ids.length < smallest.length) smallest = ids;
  }
  const limit = Math.min(smallest?.length ?? Number.POSITIVE_INFINITY, METADATA_NARROWING + 1);
  for (const { key, op, values } of check.unit.requirements.metadata) {
    if (op !== "=") continue;
    let size = 0;
    for (const value of values) size += index.machinesWithMetadata(key, value).size;
    if (size >= limit) continue;
    const ids = new Set<string>();
    for (const value of values)
      for (const id of index.machinesWithMetadata(key, value)) ids.add(id);
    if (smallest === undefined || ids.size < smallest.length) smallest = [...ids];
  }
  return smallest;
}

function summarise(check: Check, rejected: readonly Rejection[]): string {
  const { index, unit } = check;
  const { requirements } = unit;
  if (rejected.length === 0) return `no machine can run ${unit.name}: the cluster has no machines`;
  if (check.circularWinner !== undefined) return circularLoss(check.circularWinner);
  if (check.idMachines?.size === 0) {
    return `no machine has ID ${requirements.machineId} (MachineID=${requirements.machineId})`;
  }
  for (const { text, placed } of check.machineOf) {
    const anywhere = [...(placed?.byMachine.values() ?? [])].some((names) =>
      [...names].some((name) => name !== unit.name),
    );
    if (!anywhere) {
      return `waits for ${describeTarget(index, text)}, which is not placed on any machine (MachineOf=${text})`;
    }
  }
  const groups = new Map<string, string[]>();
  for (const { machineId, reason } of rejected) {
    const ids = groups.get(reason);
    if (ids === undefined) groups.set(reason, [machineId]);
    else ids.push(machineId);
  }
  const shown = [...groups].slice(0, 3).map(([reason, ids]) => {
    const where =
      ids.length === rejected.length && ids.length > 1
        ? `all ${ids.length} machines`
        : ids.length <= 3
          ? ids.join(", ")
          : `${ids.slice(0, 3).join(", ")} and ${ids.length - 3} more`;
    return `${reason} on ${where}`;
  });
  if (groups.size > 3) shown.push(`${groups.size - 3} other reasons elsewhere`);
  return `no machine can run ${unit.name}: ${shown.join("; ")}`;
}

/**
 * For Global=true units: every machine that matches its metadata and where it has no conflict
 * (either way) and no Replaces relation with a unit there. Two Globals that conflict: the one
 * placed first keeps every machine and the other gets none of them. (fleet's agents resolved
 * this per machine in unit-name order, which its TestScheduleGlobalConflicts could not tell
 * apart, since the unit started first also sorts first.)
 */
export function decideGlobal(index: ClusterIndex, unit: SchedulerUnit): GlobalDecision {
  const check = new Check(index, unit);
  const machineIds: string[] = [];
  const rejected: Rejection[] = [];
  for (const { id } of index.machines()) {
    const reason = check.reject(id);
    if (reason === undefined) machineIds.push(id);
    else rejected.push({ machineId: id, reason });
  }
  return { machineIds, rejected };
}

/**
 * Why `unit` could not be placed on `machineId` now, ignoring its own placement (undefined when
 * it could): for re-checking placed units after a machine's metadata or its units change.
 */
export function checkPlacement(
  index: ClusterIndex,
  unit: SchedulerUnit,
  machineId: string,
): string | undefined {
  return new Check(index, unit).reject(machineId);
}

/** The smallest of a set of positions first. */
class MinHeap {
  private readonly items: number[] = [];

  push(value: number): void {
    const { items } = this;
    items.push(value);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if ((items[parent] as number) <= value) break;
      items[i] = items[parent] as number;
      items[parent] = value;
      i = parent;
    }
  }

  pop(): number | undefined {
    const { items } = this;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    items[0] = last;
    for (let i = 0; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && (items[left] as number) < (items[smallest] as number))
        smallest = left;
      if (right < items.length && (items[right] as number) < (items[smallest] as number))
        smallest = right;
      if (smallest === i) break;
      [items[i], items[smallest]] = [items[smallest] as number, items[i] as number];
      i = smallest;
    }
    return top;
  }
}

/**
 * Decides a batch (one engine pass's waiting units and its global units), placing each
 * decision into the index as it goes so that later units see earlier ones: in input order,
 * except that a unit whose MachineOf= names (or matches) units of the batch waits until, for
 * each of its MachineOf= values, one of them is placed or all of them are decided, and that
 * a unit not placed is tried again once a unit its MachineOf= matches is placed (see
 * MachineOfWaits): the batch decides as the same units asked for in separate passes would
 * be, so the outcome does not depend on how requests fall into passes. Waits that form a
 * cycle are broken in input order. A unit tried again has an entry per try. One already placed is unplaced first and decided afresh. A Global
 * unit yields one entry with all its machines. The batch stops after a decision that
 * displaces units through Replaces=: they are unplaced, and the units after it are left for
 * the next pass, where the displaced ones (asked to run earlier) come first. Entries come in
 * decision order; a unit without one was left for the next pass.
 */
export function planBatch(
  index: ClusterIndex,
  units: SchedulerUnit[],
  explain?: Explain,
): BatchEntry[] {
  const waits = new MachineOfWaits(index, units);
  const entries: BatchEntry[] = [];
  for (let at = waits.next(); at !== undefined; at = waits.next()) {
    const unit = units[at] as SchedulerUnit;
    index.unplace(unit.name);
    if (unit.requirements.global) {
      const placement = decideGlobal(index, unit);
      for (const id of placement.machineIds) index.place(unit, id);
      entries.push({ unit: unit.name, decision: { ok: true, global: true, ...placement } });
      waits.decided(at, placement.machineIds.length > 0);
      continue;
    }
    const decision = decide(index, unit);
    if (!decision.ok) {
      entries.push({ unit: unit.name, decision });
      waits.decided(at, false);
      continue;
    }
    entries.push({
      unit: unit.name,
      decision,
      ...(explain ? { rejected: explain(unit, decision.machineId) } : {}),
    });
    for (const name of decision.displaces) {
      // A circular partner leaves whatever machine it holds; a global one only this machine.
      const global = index.requirementsOf(name)?.global === true;
      index.unplace(name, global ? decision.machineId : undefined);
    }
    index.place(unit, decision.machineId);
    if (decision.displaces.length > 0) break;
    waits.decided(at, true);
  }
  return entries;
}

/** Whether a unit other than `self` matching `text` is placed. */
function placedElsewhere(index: ClusterIndex, text: string, self: string): boolean {
  for (const names of index.placedMatching(text)?.byMachine.values() ?? [])
    for (const name of names) if (name !== self) return true;
  return false;
}

/** One MachineOf= value of a batch unit: how many units of the batch it matches are undecided. */
interface Wait {
  unit: number;
  undecided: number;
  placed: boolean;
}

/**
 * Which unit of a batch goes next (by position), so that the batch decides as the same units
 * asked for one per pass would be: the first unit not waiting for a unit of the batch its
 * MachineOf= names, and a unit that could not be placed is tried again, ahead of later ones,
 * once a unit its MachineOf= matches is placed (as a waiting unit is tried again on every
 * pass; nothing else a batch does can make room for it). A MachineOf= value that a placed
 * unit already matches waits for nothing.
 */
class MachineOfWaits {
  private readonly ready = new MinHeap();
  /** Per unit, its MachineOf= values. */
  private readonly waits: Wait[][];
  /** Per unit (as a target), the waits it counts in. */
  private readonly waitsOn: Wait[][];
  private readonly blocked = new Set<number>();
  /** Units not placed when tried, to try again when a unit they could follow is placed. */
  private readonly retry = new Set<number>();
  private readonly queued: Uint8Array;

  constructor(index: ClusterIndex, units: readonly SchedulerUnit[]) {
    const position = new Map<string, number>();
    const names = new SortedNames();
    units.forEach((unit, i) => {
      position.set(unit.name, i);
      names.add(unit.name);
    });
    this.queued = new Uint8Array(units.length);
    this.waitsOn = units.map(() => []);
    this.waits = units.map((unit, i) => {
      const waits: Wait[] = [];
      for (const text of unit.requirements.machineOf) {
        const pattern = compilePattern(text);
        if (pattern.kind === "invalid") continue;
        const wait: Wait = {
          unit: i,
          undecided: 0,
          placed: placedElsewhere(index, text, unit.name),
        };
        names.forEachWithPrefix(pattern.prefix, (name) => {
          const target = position.get(name) as number;
          if (target === i || !pattern.test(name)) return;
          wait.undecided++;
          this.waitsOn[target]?.push(wait);
        });
        waits.push(wait);
      }
      return waits;
    });
    units.forEach((_, i) => {
      if (this.isWaiting(i)) this.blocked.add(i);
      else this.enqueue(i);
    });
  }

  next(): number | undefined {
    const at = this.ready.pop();
    if (at !== undefined) {
      this.queued[at] = 0;
      return at;
    }
    // Only units waiting on one another are left: the first of them goes.
    let first: number | undefined;
    for (const unit of this.blocked) if (first === undefined || unit < first) first = unit;
    if (first !== undefined) this.blocked.delete(first);
    return first;
  }

  decided(at: number, placed: boolean): void {
    this.blocked.delete(at);
    this.retry.delete(at);
    if (!placed && (this.waits[at] ?? []).some((wait) => wait.undecided > 0)) this.retry.add(at);
    for (const wait of this.waitsOn[at] ?? []) {
      wait.undecided--;
      if (placed) wait.placed = true;
      const { unit } = wait;
      if (this.blocked.has(unit) && !this.isWaiting(unit)) {
        this.blocked.delete(unit);
        this.enqueue(unit);
      } else if (placed && this.retry.delete(unit)) {
        this.enqueue(unit);
      }
    }
  }

  private isWaiting(unit: number): boolean {
    return (this.waits[unit] ?? []).some((wait) => !wait.placed && wait.undecided > 0);
  }

  private enqueue(unit: number): void {
    if (this.queued[unit] === 1) return;
    this.queued[unit] = 1;
    this.ready.push(unit);
  }
}

/** Why each machine but the chosen one was not chosen: a constraint, or a heavier load. */
export function explainOthers(
  index: ClusterIndex,
  unit: SchedulerUnit,
  chosen: string,
): Rejection[] {
  const selfOn = index.placementsOf(unit.name);
  const load = (id: string) => index.load(id) - (selfOn.has(id) ? 1 : 0);
  const chosenLoad = load(chosen);
  return index
    .machines()
    .filter((machine) => machine.id !== chosen)
    .map((machine) => ({
      machineId: machine.id,
      reason:
        checkPlacement(index, unit, machine.id) ??
        (load(machine.id) > chosenLoad
          ? `more loaded: ${load(machine.id)} units against ${chosenLoad}`
          : load(machine.id) < chosenLoad
            ? `less loaded, but ${chosen.slice(0, 8)} holds units it replaces`
            : `as loaded as ${chosen.slice(0, 8)}, which sorts first`),
    }));
}
