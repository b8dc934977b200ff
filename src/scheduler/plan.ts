// The planner: one pass of placement decisions over a ClusterState, as a pure function. The
// engine's leader runs it on every pass and carries out what it returns; a dry run
// (POST /v1/plan, see dry-run.ts) runs it over a changed copy of the same state. Neither
// decides anything the other does not.

import { parseUnitName } from "../unit/name.ts";
import { ClusterIndex, type SchedulerUnit } from "./cluster-index.ts";
import { type ClusterState, schedulerMachine } from "./cluster-state.ts";
import {
  checkPlacement,
  decideGlobal,
  explainOthers,
  planBatch,
  type Rejection,
} from "./decide.ts";
import { compilePattern } from "./pattern.ts";

/** A placement to write: where the unit goes, and the machine it leaves, if it moves. */
export interface Placement {
  unit: string;
  machineId: string;
  from?: { machineId: string; machineGone: boolean; machineDrained?: boolean };
}

export interface Removal {
  unit: string;
  machineId: string;
  why: string;
  /** Its machine vanished: the removal holds only if the machine is still gone in etcd. */
  machineGone?: boolean;
  /** Its machine is drained: the removal holds only if the drain still is, in etcd. */
  machineDrained?: boolean;
}

/**
 * The units a pass looks at: every unit, or only these names. A unit outside the scope is
 * taken to need nothing; the engine puts in it every unit that changed since its last pass,
 * every unit still waiting for a machine or an agent's report, and every global unit.
 */
export type Scope = ReadonlySet<string> | undefined;

/** When a machine the state no longer has counts as lost; by default at once. */
export type LostAt = (machineId: string) => number;

/** The placements that stand before a pass decides anything. */
export interface Standing {
  /** unit → the machines it stands on (one, or a global unit's several). */
  targets: Map<string, string[]>;
  /** Placements to remove: of inactive units, and of units whose machine is lost or drained. */
  stale: Removal[];
  /** Units on a machine that vanished but is not lost yet: when to look at them again. */
  held: Map<string, number>;
}

/** How a unit was decided in a pass, and why every other machine was not chosen. */
export interface Explanation {
  /** Where it goes: one machine, a global unit's several, or none (then `reason`). */
  machineIds: string[];
  /** Units it displaces through Replaces=. */
  displaces: string[];
  rejected: Rejection[];
  reason?: string;
}

export interface PassPlan {
  /** New placements, and moves of placed units (`from`), in decision order. */
  place: Placement[];
  unplace: Removal[];
  /** Schedule statuses to write: a waiting unit's reason, or undefined to clear it. */
  status: { unit: string; reason: string | undefined }[];
  /** Units no machine can take: they wait for the cluster to change. */
  waiting: string[];
  /**
   * Where the units the pass looked at run now: standing placements that stay, and global
   * units' machines. New placements are not among them until etcd holds them.
   */
  targets: Map<string, string[]>;
  /** Every unit decided in the pass and why, when the input asks to explain. */
  explanations: Map<string, Explanation>;
}

export interface PassInput {
  /** The standing placements, indexed; the pass places its own decisions in it as it goes. */
  index: ClusterIndex;
  standing: Standing;
  scope?: Scope;
  /** Machines whose units or metadata changed since the last pass; undefined: all. */
  touchedMachines?: ReadonlySet<string>;
  /** Collects the units whose placement in the index the pass changed. */
  touched?: Set<string>;
  explain?: boolean;
}

/**
 * One pass of placement: placed units that no longer fit leave (with what their leaving
 * strands), then global units and waiting units are decided in the order they were asked to
 * run, each seeing the ones before it; a global unit takes every machine that fits it. A
 * decision that displaces units through Replaces= ends the pass's decisions: the displaced
 * units are unplaced, and they and the units after it are decided by the next pass.
 */
export function planPass(state: ClusterState, input: PassInput): PassPlan {
  const { index, scope, touchedMachines, touched = new Set<string>() } = input;
  const targets = new Map(input.standing.targets);
  const { held } = input.standing;
  const plan: PassPlan = {
    place: [],
    unplace: [],
    status: [],
    waiting: [],
    targets,
    explanations: new Map(),
  };
  // Units that leave their machine in this pass, unless the scheduler puts them elsewhere
  // (then their removal and new placement are one write).
  const leaving = new Map<string, Removal>();
  for (const entry of input.standing.stale) leaving.set(entry.unit, entry);

  const setStatus = (unit: string, reason: string | undefined) => {
    if (state.scheduleStatus.get(unit)?.reason !== reason) plan.status.push({ unit, reason });
  };
  // Global units go into the index first, on every machine that fits them, so that what
  // stands beside them is checked against them (a MachineOf= naming one). They leave it
  // again before the batch below, which decides them in their turn: a unit asked to run
  // before a global one must not see it.
  const globals: SchedulerUnit[] = [];
  eachIn(state.units, scope, (name, unit) => {
    if (unit.desiredState === "inactive" || isTemplate(name)) return;
    const spec = state.spec(name);
    if (spec?.requirements.global) globals.push(spec);
  });
  globals.sort(byScheduling);
  for (const spec of globals) {
    for (const machineId of decideGlobal(index, spec).machineIds) index.place(spec, machineId);
  }

  for (const violation of violatedPlacements(index, targets, scope, touchedMachines)) {
    touched.add(violation.unit);
    targets.delete(violation.unit);
    leaving.set(violation.unit, {
      unit: violation.unit,
      machineId: violation.machineId,
      why: `it no longer fits there: it ${violation.reason}`,
    });
  }

  for (const spec of globals) index.unplace(spec.name);

  const unplaced: SchedulerUnit[] = [];
  const consider = (name: string, unit: { desiredState: string }) => {
    if (unit.desiredState === "inactive" || targets.has(name) || held.has(name)) return;
    if (isTemplate(name)) return;
    const spec = state.spec(name);
    if (spec && !spec.requirements.global) unplaced.push(spec);
  };
  eachIn(state.units, scope, consider);
  if (scope) {
    // Violations found on touched machines may lie outside the scope.
    for (const name of leaving.keys()) {
      const unit = state.units.get(name);
      if (!scope.has(name) && unit) consider(name, unit);
    }
  }

  // Global units and waiting ones are decided in the order they were asked to run: a pass
  // decides as the same requests spread over several passes would, and as a dry run
  // predicts, whatever order the state happens to hold them in.
  const batch = [...globals, ...unplaced].sort(byScheduling);
  const explain = input.explain
    ? (unit: SchedulerUnit, machineId: string) => explainOthers(index, unit, machineId)
    : undefined;
  const decided = new Set<string>();
  const unplacedReasons = new Map<string, string>();
  for (const { unit, decision, rejected } of planBatch(index, batch, explain)) {
    decided.add(unit);
    touched.add(unit);
    if ("global" in decision) {
      const { machineIds } = decision;
      targets.set(unit, machineIds);
      const reason =
        machineIds.length === 0 ? "no machine matches this global unit's requirements" : undefined;
      if (reason) plan.waiting.push(unit);
      setStatus(unit, reason);
      if (input.explain)
        plan.explanations.set(unit, {
          machineIds,
          displaces: [],
          rejected: decision.rejected,
          ...(reason ? { reason } : {}),
        });
      continue;
    }
    if (!decision.ok) {
      // A later try in the same batch may place it: only the last outcome counts.
      unplacedReasons.set(unit, decision.reason);
      if (input.explain)
        plan.explanations.set(unit, {
          machineIds: [],
          displaces: [],
          rejected: decision.rejected,
          reason: decision.reason,
        });
      continue;
    }
    unplacedReasons.delete(unit);
    plan.place.push(placement(unit, decision.machineId, leaving.get(unit)));
    leaving.delete(unit);
    if (input.explain)
      plan.explanations.set(unit, {
        machineIds: [decision.machineId],
        displaces: decision.displaces,
        rejected: rejected ?? [],
      });
    for (const displaced of decision.displaces) {
      touched.add(displaced);
      // Placed earlier in this pass: that placement is never written.
      const earlier = plan.place.findIndex((entry) => entry.unit === displaced);
      if (earlier >= 0) plan.place.splice(earlier, 1);
      // The next pass decides it again (a global unit: on the other machines).
      plan.waiting.push(displaced);
      const machineId = state.placements.get(displaced)?.machineId;
      if (!machineId) continue;
      targets.delete(displaced);
      leaving.set(displaced, { unit: displaced, machineId, why: `${unit} replaces it` });
    }
  }
  for (const [unit, reason] of unplacedReasons) {
    plan.waiting.push(unit);
    setStatus(unit, reason);
  }
  // After a displacement the batch stops: the rest waits for the next pass, status unchanged.
  for (const spec of batch) if (!decided.has(spec.name)) plan.waiting.push(spec.name);
  plan.unplace.push(...leaving.values());
  eachIn(state.scheduleStatus, scope, (name) => {
    const unit = state.units.get(name);
    if (!unit || unit.desiredState === "inactive") setStatus(name, undefined);
  });
  return plan;
}

function placement(unit: string, machineId: string, leaving: Removal | undefined): Placement {
  if (!leaving) return { unit, machineId };
  return {
    unit,
    machineId,
    from: {
      machineId: leaving.machineId,
      machineGone: leaving.machineGone === true,
      ...(leaving.machineDrained ? { machineDrained: true } : {}),
    },
  };
}

interface Violation {
  unit: string;
  machineId: string;
  reason: string;
}

/**
 * Standing placements of non-global units that no longer meet their unit's requirements, as
 * the index holds them; each is taken out of the index as it is found, and what its leaving
 * strands on the same machine (a MachineOf sidekick) is found in turn, so a group moves
 * together. Only machines whose units or metadata changed are looked at (all without a scope).
 */
function violatedPlacements(
  index: ClusterIndex,
  targets: ReadonlyMap<string, string[]>,
  scope: Scope,
  touchedMachines: ReadonlySet<string> | undefined,
): Violation[] {
  const machines =
    !scope || touchedMachines === undefined
      ? index.machines().map((machine) => machine.id)
      : [...touchedMachines];
  if (scope) {
    for (const name of scope) {
      const machineId = targets.get(name)?.[0];
      if (machineId !== undefined) machines.push(machineId);
    }
  }
  const found: Violation[] = [];
  const queue = [...new Set(machines)];
  const queued = new Set(queue);
  while (queue.length > 0) {
    const machineId = queue.shift() as string;
    queued.delete(machineId);
    for (const name of [...index.unitsOn(machineId)].sort()) {
      const unit = index.unit(name);
      if (!unit || unit.requirements.global || !hasRequirements(unit)) continue;
      if (targets.get(name)?.[0] !== machineId) continue;
      const reason = checkPlacement(index, unit, machineId);
      if (reason === undefined) continue;
      found.push({ unit: name, machineId, reason });
      index.unplace(name);
      if (!queued.has(machineId)) {
        queue.push(machineId);
        queued.add(machineId);
      }
    }
  }
  return found;
}

function hasRequirements(unit: SchedulerUnit): boolean {
  const { requirements } = unit;
  return (
    requirements.machineId !== undefined ||
    requirements.machineOf.length > 0 ||
    requirements.conflicts.length > 0 ||
    requirements.replaces.length > 0 ||
    requirements.metadata.length > 0
  );
}

/**
 * The machines and the placements that stand, as a scheduler index; placements of inactive
 * units and on machines that are lost or drained are returned as stale.
 */
export function indexPlacements(
  state: ClusterState,
  now: number,
  lostAt: LostAt = () => now,
): { index: ClusterIndex; standing: Standing } {
  const index = new ClusterIndex();
  for (const id of state.machines.keys()) index.setMachine(schedulerMachine(state, id));
  const standing = standingPlacements(state, undefined, now, lostAt);
  for (const [name, [machineId]] of standing.targets) {
    const spec = state.spec(name);
    if (spec && machineId) index.place(spec, machineId);
  }
  return { index, standing };
}

/**
 * Where each placed unit of the scope stands (unit → its machine), the placements that are
 * stale (among them those on a drained machine, which move as a lost machine's do), and those
 * held on a machine that vanished but is not lost yet.
 */
export function standingPlacements(
  state: ClusterState,
  scope: Scope,
  now: number,
  lostAt: LostAt,
): Standing {
  const targets = new Map<string, string[]>();
  const stale: Removal[] = [];
  const held = new Map<string, number>();
  eachIn(state.placements, scope, (name, { machineId }) => {
    const unit = state.units.get(name);
    const drained = state.drains.has(machineId);
    if (!unit || unit.desiredState === "inactive") {
      stale.push({ unit: name, machineId, why: "the unit is inactive" });
    } else if (!state.machines.has(machineId)) {
      // A drained machine's units leave it anyway: no need to wait for its agent to return.
      const at = drained ? now : lostAt(machineId);
      if (at > now) held.set(name, at);
      else stale.push({ unit: name, machineId, why: "its machine is gone", machineGone: true });
    } else if (drained) {
      // As from a lost machine: the unit is decided afresh, with its MachineOf sidekicks.
      stale.push({ unit: name, machineId, why: "its machine is drained", machineDrained: true });
    } else if (state.spec(name)) {
      targets.set(name, [machineId]);
    }
  });
  return { targets, stale, held };
}

function byScheduling(a: SchedulerUnit, b: SchedulerUnit): number {
  const at = a.scheduledAt ?? "";
  const bt = b.scheduledAt ?? "";
  if (at !== bt) return at < bt ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Calls `visit` for each entry of `map`, or only for those the scope names. */
export function eachIn<V>(
  map: ReadonlyMap<string, V>,
  scope: Scope,
  visit: (name: string, value: V) => void,
): void {
  if (!scope) {
    for (const [name, value] of map) visit(name, value);
    return;
  }
  for (const name of scope) {
    const value = map.get(name);
    if (value !== undefined) visit(name, value);
  }
}

function isTemplate(name: string): boolean {
  // Only a name with "@." can be a template; parsing every unit's name on every pass is not free.
  if (!name.includes("@.")) return false;
  const parsed = parseUnitName(name);
  return parsed.ok && parsed.value.kind === "template";
}

/**
 * The pass's placements in groups that must be written together: a unit and the units of the
 * same pass its MachineOf names, going to the same machine (a service and its sidekicks moving
 * off a lost or drained machine). Groups keep decision order.
 */
export function placementGroups<P extends Placement>(
  place: readonly P[],
  requirementsOf: (name: string) => SchedulerUnit | undefined,
): P[][] {
  const parent = place.map((_, i) => i);
  const root = (i: number): number => {
    let at = i;
    while (parent[at] !== at) at = parent[at] as number;
    parent[i] = at;
    return at;
  };
  const byMachine = new Map<string, number[]>();
  place.forEach((entry, i) => {
    const same = byMachine.get(entry.machineId);
    if (same) same.push(i);
    else byMachine.set(entry.machineId, [i]);
  });
  place.forEach((entry, i) => {
    const targets = requirementsOf(entry.unit)?.requirements.machineOf ?? [];
    if (targets.length === 0) return;
    const patterns = targets.map(compilePattern);
    for (const j of byMachine.get(entry.machineId) ?? []) {
      const other = (place[j] as P).unit;
      if (j !== i && patterns.some((pattern) => pattern.test(other))) parent[root(i)] = root(j);
    }
  });
  const groups = new Map<number, P[]>();
  place.forEach((entry, i) => {
    const key = root(i);
    const group = groups.get(key);
    if (group) group.push(entry);
    else groups.set(key, [entry]);
  });
  return [...groups.values()];
}
