import { type DesiredState, stopHeld, type UnitRecord } from "../registry/records.ts";
import type { ClusterView } from "../registry/view.ts";
import { ClusterIndex, type SchedulerUnit } from "../scheduler/cluster-index.ts";
import { checkPlacement, decideGlobal, planBatch } from "../scheduler/decide.ts";
import { compilePattern } from "../scheduler/pattern.ts";
import { parseUnitName } from "../unit/name.ts";
import type { PlacementIndex } from "./placement-index.ts";
import type { UnitSpecs } from "./unit-specs.ts";

export interface AgentTask {
  machineId: string;
  unit: string;
  desiredState: DesiredState;
  hash: string;
  /** The launch asked for (UnitRecord.launches), with desiredState launched. */
  launch?: number;
}

/** A placement to write: where the unit goes, and the placement it replaces, if any. */
export interface PlaceAction {
  unit: string;
  machineId: string;
  from?: { machineId: string; version: number; machineGone: boolean };
}

export interface UnplaceAction {
  unit: string;
  machineId: string;
  why: string;
  /** Its machine vanished: the removal holds only if the machine is still gone in etcd. */
  machineGone?: boolean;
}

/** What one reconciliation pass should change so that the cluster matches the desired state. */
export interface Actions {
  /** New placements, and moves of placed units (`from`), in decision order. */
  place: PlaceAction[];
  unplace: UnplaceAction[];
  status: { unit: string; reason: string | undefined }[];
  agent: AgentTask[];
  /** Units the scheduler could not place: they wait for the cluster to change. */
  waiting: string[];
  /**
   * Units to look at again at a given time without a change: those placed on a machine that
   * vanished less than its grace ago (see MachineLoss), which stay where they are until it
   * counts as lost, and those whose stop is held (UnitRecord.stopHeldUntil).
   */
  recheckAt: Map<string, number>;
}

/**
 * The units a pass looks at: every unit, or only these names. A unit outside the scope is
 * taken to need nothing; the engine puts in it every unit that changed since its last pass,
 * every unit still waiting for a machine or an agent's report, and every global unit.
 */
export type Scope = ReadonlySet<string> | undefined;

/** When a machine the view no longer has counts as lost; by default at once. */
export type LostAt = (machineId: string) => number;

export interface PassContext {
  placements?: PlacementIndex;
  scope?: Scope;
  now?: number;
  lostAt?: LostAt;
  /** Sees the placements as the pass leaves them (its own decisions made), before they are written. */
  onResult?: (index: ClusterIndex) => void;
}

/**
 * Compares desired state (units and placements) with what the agents report, and returns
 * the changes to make. It reads the view only: the engine carries the actions out, and
 * the next pass sees their effect through the watch.
 */
export function computeActions(
  view: ClusterView,
  specs: UnitSpecs,
  { placements, scope, now = Date.now(), lostAt = () => now, onResult }: PassContext = {},
): Actions {
  if (!placements) {
    const { index, ...standing } = indexPlacements(view, specs, now, lostAt);
    const actions = planActions(view, specs, index, standing, scope, undefined, now);
    onResult?.(index);
    return actions;
  }
  const index = placements.sync();
  const touched = new Set<string>();
  try {
    const actions = planActions(
      view,
      specs,
      index,
      standingPlacements(view, specs, scope, now, lostAt),
      scope,
      placements.takeTouched(),
      now,
      touched,
    );
    onResult?.(index);
    return actions;
  } catch (error) {
    placements.invalidate();
    throw error;
  } finally {
    // The pass placed units in the index as it decided; etcd has not got them yet.
    placements.restore(touched);
  }
}

function planActions(
  view: ClusterView,
  specs: UnitSpecs,
  index: ClusterIndex,
  { targets, stale, held }: Standing,
  scope: Scope,
  touchedMachines: ReadonlySet<string> | undefined,
  now: number,
  touched = new Set<string>(),
): Actions {
  const actions: Actions = {
    place: [],
    unplace: [],
    status: [],
    agent: [],
    waiting: [],
    recheckAt: held,
  };
  // Units that leave their machine in this pass, unless the scheduler puts them elsewhere
  // (then their removal and new placement are one write).
  const leaving = new Map<string, UnplaceAction>();
  for (const entry of stale) leaving.set(entry.unit, entry);

  const setStatus = (unit: string, reason: string | undefined) => {
    if (view.scheduleStatus.get(unit)?.reason !== reason) actions.status.push({ unit, reason });
  };
  for (const violation of violatedPlacements(index, targets, scope, touchedMachines)) {
    touched.add(violation.unit);
    targets.delete(violation.unit);
    leaving.set(violation.unit, {
      unit: violation.unit,
      machineId: violation.machineId,
      why: `it no longer fits there: it ${violation.reason}`,
    });
  }

  const unplaced: SchedulerUnit[] = [];
  const globals: SchedulerUnit[] = [];
  const consider = (name: string, unit: UnitRecord) => {
    if (unit.desiredState === "inactive" || targets.has(name) || held.has(name)) return;
    if (isTemplate(name)) return;
    const spec = specs.of(name);
    if (!spec) return;
    if (spec.requirements.global) globals.push(spec);
    else unplaced.push(spec);
  };
  eachIn(view.units, scope, consider);
  if (scope) {
    // Violations found on touched machines may lie outside the scope.
    for (const name of leaving.keys()) {
      const unit = view.units.get(name);
      if (!scope.has(name) && unit) consider(name, unit);
    }
  }

  // Of two conflicting global units the one created first runs: the order must not depend
  // on which of them changed last.
  globals.sort((a, b) => byCreation(view, a.name, b.name));
  for (const spec of globals) {
    touched.add(spec.name);
    const { machineIds } = decideGlobal(index, spec);
    for (const machineId of machineIds) index.place(spec, machineId);
    targets.set(spec.name, machineIds);
    if (machineIds.length === 0) actions.waiting.push(spec.name);
    setStatus(
      spec.name,
      machineIds.length === 0 ? "no machine matches this global unit's requirements" : undefined,
    );
  }
  const displacing = new Set<string>();
  for (const { unit, decision } of planBatch(index, unplaced)) {
    touched.add(unit);
    if (decision.ok && "displaces" in decision)
      for (const name of decision.displaces) touched.add(name);
    if (!decision.ok) {
      actions.waiting.push(unit);
      if (!displacing.has(unit)) setStatus(unit, decision.reason);
    } else if ("machineId" in decision) {
      // A unit displaced in this pass still holds its placement until it is unplaced:
      // it is placed again by the next pass.
      if (!displacing.has(unit)) {
        actions.place.push(placeAction(view, unit, decision.machineId, leaving.get(unit)));
        leaving.delete(unit);
      }
      for (const displaced of decision.displaces) {
        const machineId = view.placements.get(displaced)?.machineId;
        if (!machineId) continue;
        displacing.add(displaced);
        targets.delete(displaced);
        leaving.set(displaced, { unit: displaced, machineId, why: `${unit} replaces it` });
      }
    }
  }
  for (const entry of leaving.values()) {
    // A unit placed in this pass after all (displaced, then placed again) keeps its move.
    if (actions.place.some((place) => place.unit === entry.unit)) continue;
    actions.unplace.push(entry);
  }
  eachIn(view.scheduleStatus, scope, (name) => {
    const unit = view.units.get(name);
    if (!unit || unit.desiredState === "inactive") setStatus(name, undefined);
  });

  const removed = new Set(actions.unplace.map((entry) => `${entry.unit}@${entry.machineId}`));
  for (const entry of actions.place)
    if (entry.from) removed.add(`${entry.unit}@${entry.from.machineId}`);
  const isRemoved = (name: string, machineId: string) =>
    removed.size > 0 && removed.has(`${name}@${machineId}`);
  for (const [name, machineIds] of targets) {
    const unit = view.units.get(name);
    if (!unit) continue;
    if (stopHeld(unit, now)) {
      // The agent is asked nothing until the hold ends: the unit runs on as it is.
      actions.recheckAt.set(name, Date.parse(unit.stopHeldUntil as string));
      continue;
    }
    const launch = unit.desiredState === "launched" ? (unit.launches ?? 0) : undefined;
    for (const machineId of machineIds) {
      if (isRemoved(name, machineId)) continue;
      const state = view.states.get(name)?.get(machineId);
      if (
        state &&
        state.hash === unit.hash &&
        state.desiredState === unit.desiredState &&
        (launch === undefined || (state.launch ?? 0) >= launch)
      )
        continue;
      actions.agent.push({
        machineId,
        unit: name,
        desiredState: unit.desiredState,
        hash: unit.hash,
        ...(launch ? { launch } : {}),
      });
    }
  }
  // What an agent runs but should not (unplaced, moved, destroyed) is stopped and unloaded there.
  eachIn(view.states, scope, (name, byMachine) => {
    const wanted = targets.get(name) ?? [];
    for (const [machineId, state] of byMachine) {
      if (wanted.includes(machineId) && !isRemoved(name, machineId)) continue;
      if (!view.machines.has(machineId)) continue;
      actions.agent.push({ machineId, unit: name, desiredState: "inactive", hash: state.hash });
    }
  });
  return actions;
}

function placeAction(
  view: ClusterView,
  unit: string,
  machineId: string,
  leaving: UnplaceAction | undefined,
): PlaceAction {
  const version = view.placementVersions.get(unit);
  if (!leaving || version === undefined) return { unit, machineId };
  return {
    unit,
    machineId,
    from: { machineId: leaving.machineId, version, machineGone: leaving.machineGone === true },
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

interface Standing {
  /** unit → the machines it stands on (one, or a global unit's several). */
  targets: Map<string, string[]>;
  /** Placements to remove: of inactive units, and of units whose machine is lost. */
  stale: UnplaceAction[];
  held: Map<string, number>;
}

/**
 * The machines and the placements that stand, as a scheduler index; placements of inactive
 * units and of machines that are lost are returned as stale.
 */
export function indexPlacements(
  view: ClusterView,
  specs: UnitSpecs,
  now = Date.now(),
  lostAt: LostAt = () => now,
) {
  const index = new ClusterIndex();
  for (const id of view.machines.keys()) index.setMachine({ id, metadata: view.metadataOf(id) });
  const standing = standingPlacements(view, specs, undefined, now, lostAt);
  for (const [name, [machineId]] of standing.targets) {
    const spec = specs.of(name);
    if (spec && machineId) index.place(spec, machineId);
  }
  return { index, ...standing };
}

/**
 * Where each placed unit of the scope stands (unit → its machine), the placements that are
 * stale, and those held on a machine that vanished but is not lost yet.
 */
export function standingPlacements(
  view: ClusterView,
  specs: UnitSpecs,
  scope: Scope,
  now: number,
  lostAt: LostAt,
): Standing {
  const targets = new Map<string, string[]>();
  const stale: UnplaceAction[] = [];
  const held = new Map<string, number>();
  eachIn(view.placements, scope, (name, placement) => {
    const unit = view.units.get(name);
    const { machineId } = placement;
    if (!unit || unit.desiredState === "inactive") {
      stale.push({ unit: name, machineId, why: "the unit is inactive" });
    } else if (!view.machines.has(machineId)) {
      const at = lostAt(machineId);
      if (at > now) held.set(name, at);
      else stale.push({ unit: name, machineId, why: "its machine is gone", machineGone: true });
    } else if (specs.of(name)) {
      targets.set(name, [machineId]);
    }
  });
  return { targets, stale, held };
}

function byCreation(view: ClusterView, a: string, b: string): number {
  const createdA = view.units.get(a)?.createdAt ?? "";
  const createdB = view.units.get(b)?.createdAt ?? "";
  if (createdA !== createdB) return createdA < createdB ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Calls `visit` for each entry of `map`, or only for those the scope names. */
function eachIn<V>(
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
 * off a lost machine). Groups keep decision order.
 */
export function placementGroups(
  place: readonly PlaceAction[],
  requirementsOf: (name: string) => SchedulerUnit | undefined,
): PlaceAction[][] {
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
      const other = (place[j] as PlaceAction).unit;
      if (j !== i && patterns.some((pattern) => pattern.test(other))) parent[root(i)] = root(j);
    }
  });
  const groups = new Map<number, PlaceAction[]>();
  place.forEach((entry, i) => {
    const key = root(i);
    const group = groups.get(key);
    if (group) group.push(entry);
    else groups.set(key, [entry]);
  });
  return [...groups.values()];
}
