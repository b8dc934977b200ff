import type { DesiredState } from "../registry/records.ts";
import type { ClusterView } from "../registry/view.ts";
import { ClusterIndex, type SchedulerUnit } from "../scheduler/cluster-index.ts";
import { decideGlobal, planBatch } from "../scheduler/decide.ts";
import { parseUnitName } from "../unit/name.ts";
import type { PlacementIndex } from "./placement-index.ts";
import type { UnitSpecs } from "./unit-specs.ts";

export interface AgentTask {
  machineId: string;
  unit: string;
  desiredState: DesiredState;
  hash: string;
}

/** What one reconciliation pass should change so that the cluster matches the desired state. */
export interface Actions {
  place: { unit: string; machineId: string }[];
  unplace: { unit: string; machineId: string; why: string }[];
  status: { unit: string; reason: string | undefined }[];
  agent: AgentTask[];
  /** Units the scheduler could not place: they wait for the cluster to change. */
  waiting: string[];
}

/**
 * The units a pass looks at: every unit, or only these names. A unit outside the scope is
 * taken to need nothing; the engine puts in it every unit that changed since its last pass,
 * every unit still waiting for a machine or an agent's report, and every global unit.
 */
export type Scope = ReadonlySet<string> | undefined;

/**
 * Compares desired state (units and placements) with what the agents report, and returns
 * the changes to make. It reads the view only: the engine carries the actions out, and
 * the next pass sees their effect through the watch.
 */
export function computeActions(
  view: ClusterView,
  specs: UnitSpecs,
  placements?: PlacementIndex,
  scope?: Scope,
): Actions {
  if (!placements) return planActions(view, specs, indexPlacements(view, specs), scope);
  const index = placements.sync();
  const touched = new Set<string>();
  try {
    return planActions(
      view,
      specs,
      { index, ...standingPlacements(view, specs, scope) },
      scope,
      touched,
    );
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
  { index, targets, stale }: ReturnType<typeof indexPlacements>,
  scope: Scope,
  touched = new Set<string>(),
): Actions {
  const actions: Actions = { place: [], unplace: [], status: [], agent: [], waiting: [] };
  actions.unplace.push(...stale);

  const unplaced: SchedulerUnit[] = [];
  const globals: SchedulerUnit[] = [];
  eachIn(view.units, scope, (name, unit) => {
    if (unit.desiredState === "inactive" || targets.has(name) || isTemplate(name)) return;
    const spec = specs.of(name);
    if (!spec) return;
    if (spec.requirements.global) globals.push(spec);
    else unplaced.push(spec);
  });

  const setStatus = (unit: string, reason: string | undefined) => {
    if (view.scheduleStatus.get(unit)?.reason !== reason) actions.status.push({ unit, reason });
  };
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
      if (!displacing.has(unit)) actions.place.push({ unit, machineId: decision.machineId });
      for (const displaced of decision.displaces) {
        const machineId = view.placements.get(displaced)?.machineId;
        if (!machineId) continue;
        displacing.add(displaced);
        actions.unplace.push({ unit: displaced, machineId, why: `${unit} replaces it` });
      }
    }
  }
  eachIn(view.scheduleStatus, scope, (name) => {
    const unit = view.units.get(name);
    if (!unit || unit.desiredState === "inactive") setStatus(name, undefined);
  });

  const displaced = new Set(actions.unplace.map((entry) => `${entry.unit}@${entry.machineId}`));
  const isDisplaced = (name: string, machineId: string) =>
    displaced.size > 0 && displaced.has(`${name}@${machineId}`);
  for (const [name, machineIds] of targets) {
    const unit = view.units.get(name);
    if (!unit) continue;
    for (const machineId of machineIds) {
      if (isDisplaced(name, machineId)) continue;
      const state = view.states.get(name)?.get(machineId);
      if (state && state.hash === unit.hash && state.desiredState === unit.desiredState) continue;
      actions.agent.push({
        machineId,
        unit: name,
        desiredState: unit.desiredState,
        hash: unit.hash,
      });
    }
  }
  // What an agent runs but should not (unplaced, moved, destroyed) is stopped and unloaded there.
  eachIn(view.states, scope, (name, byMachine) => {
    const wanted = targets.get(name) ?? [];
    for (const [machineId, state] of byMachine) {
      if (wanted.includes(machineId) && !isDisplaced(name, machineId)) continue;
      if (!view.machines.has(machineId)) continue;
      actions.agent.push({ machineId, unit: name, desiredState: "inactive", hash: state.hash });
    }
  });
  return actions;
}

/**
 * The machines and the placements that stand, as a scheduler index; placements of inactive
 * units and of machines that are gone are returned as stale.
 */
export function indexPlacements(view: ClusterView, specs: UnitSpecs) {
  const index = new ClusterIndex();
  for (const id of view.machines.keys()) index.setMachine({ id, metadata: view.metadataOf(id) });
  const { targets, stale } = standingPlacements(view, specs);
  for (const [name, [machineId]] of targets) {
    const spec = specs.of(name);
    if (spec && machineId) index.place(spec, machineId);
  }
  return { index, targets, stale };
}

/**
 * Where each placed unit of the scope stands (unit → its machine), and the placements that
 * are stale.
 */
export function standingPlacements(view: ClusterView, specs: UnitSpecs, scope?: Scope) {
  const targets = new Map<string, string[]>();
  const stale: Actions["unplace"] = [];
  eachIn(view.placements, scope, (name, placement) => {
    const unit = view.units.get(name);
    if (!unit || unit.desiredState === "inactive") {
      stale.push({ unit: name, machineId: placement.machineId, why: "the unit is inactive" });
    } else if (!view.machines.has(placement.machineId)) {
      stale.push({ unit: name, machineId: placement.machineId, why: "its machine is gone" });
    } else if (specs.of(name)) {
      targets.set(name, [placement.machineId]);
    }
  });
  return { targets, stale };
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
