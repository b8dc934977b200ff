import { type DesiredState, stopHeld } from "../registry/records.ts";
import type { ClusterView } from "../registry/view.ts";
import type { ClusterIndex } from "../scheduler/cluster-index.ts";
import {
  eachIn,
  indexPlacements,
  type LostAt,
  type Placement,
  planPass,
  type Removal,
  type Scope,
  type Standing,
  standingPlacements,
} from "../scheduler/plan.ts";
import type { PlacementIndex } from "./placement-index.ts";

export interface AgentTask {
  machineId: string;
  unit: string;
  desiredState: DesiredState;
  hash: string;
  /** The launch asked for (UnitRecord.launches), with desiredState launched. */
  launch?: number;
  /** Withdraw the announcements made for the unit (UnitRecord.draining). */
  draining?: boolean;
}

/** A placement to write, with the version of the placement it replaces when it moves a unit. */
export interface PlaceAction {
  unit: string;
  machineId: string;
  from?: { machineId: string; version: number; machineGone: boolean; machineDrained?: boolean };
}

export type UnplaceAction = Removal;

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
  /**
   * Units agents report that have no record, left running because etcd holds no cluster
   * record: it lost its data, and a restore is to bring them back (see Keys.cluster).
   */
  held: string[];
}

export type { Scope };

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
  { placements, scope, now = Date.now(), lostAt = () => now, onResult }: PassContext = {},
): Actions {
  if (!placements) {
    const { index, standing } = indexPlacements(view, now, lostAt);
    const actions = planActions(view, index, standing, scope, undefined, now);
    onResult?.(index);
    return actions;
  }
  const index = placements.sync();
  const touched = new Set<string>();
  try {
    const actions = planActions(
      view,
      index,
      standingPlacements(view, scope, now, lostAt),
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
  index: ClusterIndex,
  standing: Standing,
  scope: Scope,
  touchedMachines: ReadonlySet<string> | undefined,
  now: number,
  touched = new Set<string>(),
): Actions {
  const plan = planPass(view, { index, standing, scope, touchedMachines, touched });
  const { targets } = plan;
  const actions: Actions = {
    place: plan.place.map((entry) => withVersion(view, entry)),
    unplace: plan.unplace,
    status: plan.status,
    agent: [],
    waiting: plan.waiting,
    recheckAt: standing.held,
    held: [],
  };
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
    const draining = unit.draining === true;
    for (const machineId of machineIds) {
      if (isRemoved(name, machineId)) continue;
      const state = view.states.get(name)?.get(machineId);
      if (
        state &&
        state.hash === unit.hash &&
        state.desiredState === unit.desiredState &&
        (launch === undefined || (state.launch ?? 0) >= launch) &&
        (state.draining === true) === draining
      )
        continue;
      actions.agent.push({
        machineId,
        unit: name,
        desiredState: unit.desiredState,
        hash: unit.hash,
        ...(launch ? { launch } : {}),
        ...(draining ? { draining } : {}),
      });
    }
  }
  // What an agent runs but should not (unplaced, moved, destroyed) is stopped and unloaded there,
  // unless etcd lost the cluster: then a unit without a record waits for the restore.
  const lost = view.cluster === undefined;
  eachIn(view.states, scope, (name, byMachine) => {
    if (lost && !view.units.has(name)) {
      actions.held.push(name);
      return;
    }
    const wanted = targets.get(name) ?? [];
    for (const [machineId, state] of byMachine) {
      if (wanted.includes(machineId) && !isRemoved(name, machineId)) continue;
      if (!view.machines.has(machineId)) continue;
      actions.agent.push({ machineId, unit: name, desiredState: "inactive", hash: state.hash });
    }
  });
  return actions;
}

/** A move compares the placement's version, so that it never overwrites a newer one. */
function withVersion(view: ClusterView, entry: Placement): PlaceAction {
  const version = view.placementVersions.get(entry.unit);
  if (!entry.from || version === undefined) return { unit: entry.unit, machineId: entry.machineId };
  return { ...entry, from: { ...entry.from, version } };
}
