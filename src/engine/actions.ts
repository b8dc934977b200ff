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
}

/**
 * Compares desired state (units and placements) with what the agents report, and returns
 * the changes to make. It reads the view only: the engine carries the actions out, and
 * the next pass sees their effect through the watch.
 */
export function computeActions(
  view: ClusterView,
  specs: UnitSpecs,
  placements?: PlacementIndex,
): Actions {
  if (!placements) return planActions(view, specs, indexPlacements(view, specs));
  const index = placements.sync();
  const touched = new Set<string>();
  try {
    return planActions(view, specs, { index, ...standingPlacements(view, specs) }, touched);
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
  touched = new Set<string>(),
): Actions {
  const actions: Actions = { place: [], unplace: [], status: [], agent: [] };
  actions.unplace.push(...stale);

  const unplaced: SchedulerUnit[] = [];
  const globals: SchedulerUnit[] = [];
  for (const [name, unit] of view.units) {
    if (unit.desiredState === "inactive" || targets.has(name) || isTemplate(name)) continue;
    const spec = specs.of(name);
    if (!spec) continue;
    if (spec.requirements.global) globals.push(spec);
    else unplaced.push(spec);
  }

  const setStatus = (unit: string, reason: string | undefined) => {
    if (view.scheduleStatus.get(unit)?.reason !== reason) actions.status.push({ unit, reason });
  };
  for (const spec of globals) {
    touched.add(spec.name);
    const { machineIds } = decideGlobal(index, spec);
    for (const machineId of machineIds) index.place(spec, machineId);
    targets.set(spec.name, machineIds);
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
  for (const name of view.scheduleStatus.keys()) {
    const unit = view.units.get(name);
    if (!unit || unit.desiredState === "inactive") setStatus(name, undefined);
  }

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
  for (const [name, byMachine] of view.states) {
    const wanted = targets.get(name) ?? [];
    for (const [machineId, state] of byMachine) {
      if (wanted.includes(machineId) && !isDisplaced(name, machineId)) continue;
      if (!view.machines.has(machineId)) continue;
      actions.agent.push({ machineId, unit: name, desiredState: "inactive", hash: state.hash });
    }
  }
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

/** Where each placed unit stands (unit → its machine), and the placements that are stale. */
export function standingPlacements(view: ClusterView, specs: UnitSpecs) {
  const targets = new Map<string, string[]>();
  const stale: Actions["unplace"] = [];
  for (const [name, placement] of view.placements) {
    const unit = view.units.get(name);
    if (!unit || unit.desiredState === "inactive") {
      stale.push({ unit: name, machineId: placement.machineId, why: "the unit is inactive" });
    } else if (!view.machines.has(placement.machineId)) {
      stale.push({ unit: name, machineId: placement.machineId, why: "its machine is gone" });
    } else if (specs.of(name)) {
      targets.set(name, [placement.machineId]);
    }
  }
  return { targets, stale };
}

function isTemplate(name: string): boolean {
  // Only a name with "@." can be a template; parsing every unit's name on every pass is not free.
  if (!name.includes("@.")) return false;
  const parsed = parseUnitName(name);
  return parsed.ok && parsed.value.kind === "template";
}
