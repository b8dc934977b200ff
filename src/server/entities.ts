import type { Static } from "typebox";
import {
  contentHistory,
  currentVersion,
  type DesiredState,
  type UnitRecord,
  type UnitStateRecord,
} from "../registry/records.ts";
import type { ClusterView } from "../registry/view.ts";
import type { Machine, MachineDrain } from "../schema/machines.ts";
import type { Unit, UnitFileHistory, UnitFileSummary, UnitHealth } from "../schema/units.ts";
import { shortHash } from "../unit/hash.ts";
import { parseUnitName } from "../unit/name.ts";
import type { UnitState } from "../unit/states.ts";

/** What the API shows of cluster state: pure functions of the view. */

export type UnitView = Static<typeof Unit>;
export type MachineView = Static<typeof Machine>;
export type MachineDrainView = Static<typeof MachineDrain>;
export type UnitFileSummaryView = Static<typeof UnitFileSummary>;
export type UnitFileHistoryView = Static<typeof UnitFileHistory>;
export type UnitHealthView = Static<typeof UnitHealth>;

export function presentUnitFile(view: ClusterView, name: string): UnitFileSummaryView | undefined {
  const record = view.units.get(name);
  if (!record) return undefined;
  const parsed = parseUnitName(name);
  const kind = parsed.ok ? parsed.value.kind : "unit";
  const template = parsed.ok ? parsed.value.template : undefined;
  return {
    name,
    kind,
    hash: record.hash,
    shortHash: shortHash(record.hash),
    ...(template ? { template } : {}),
  };
}

/** A unit file's content versions, newest first; undefined for an unknown name. */
export function presentUnitFileHistory(
  view: ClusterView,
  name: string,
): UnitFileHistoryView | undefined {
  const record = view.units.get(name);
  if (!record) return undefined;
  const current = currentVersion(record);
  return {
    name,
    version: current,
    history: contentHistory(record)
      .map((entry) => ({ ...entry, current: entry.version === current }))
      .reverse(),
  };
}

/** A unit as the API shows it; undefined for an unknown name or a template. */
export function presentUnit(view: ClusterView, name: string): UnitView | undefined {
  const record = view.units.get(name);
  if (!record) return undefined;
  const parsed = parseUnitName(name);
  if (parsed.ok && parsed.value.kind === "template") return undefined;
  const template = parsed.ok ? parsed.value.template : undefined;
  const machineId = view.placements.get(name)?.machineId;
  const reports = view.states.get(name);
  // A global unit has no placement: it is where agents report it.
  const reportedOn = machineId ?? (reports ? [...reports.keys()].sort()[0] : undefined);
  const state = reportedOn ? reports?.get(reportedOn) : undefined;
  const unit: UnitView = {
    name,
    kind: template ? "instance" : "unit",
    ...(template ? { template } : {}),
    hash: record.hash,
    shortHash: shortHash(record.hash),
    desiredState: record.desiredState,
    currentState: currentStateOf(state, record, reportedOn),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  if (machineId) unit.machineId = machineId;
  else if (reports && reports.size > 0) unit.machineIds = [...reports.keys()].sort();
  if (state) {
    unit.loadState = state.loadState;
    unit.activeState = state.activeState;
    unit.subState = state.subState;
    unit.health = healthOf(state);
    if (state.lastExit) unit.lastExit = { at: state.lastExit.at, reason: state.lastExit.reason };
    if (state.timer) unit.timer = { ...state.timer };
    if (state.runs) unit.runs = state.runs.map((run) => ({ ...run })).reverse();
  }
  const reason =
    reasonOf(view, name, record.desiredState, reportedOn, state?.error) ??
    restartReason(record, state);
  if (reason) unit.reason = reason;
  return unit;
}

/** A reported unit's health: `none` when its agent reports no check running. */
export function healthOf(state: UnitStateRecord): UnitHealthView {
  const { health } = state;
  if (!health) return { status: "none" };
  const view: UnitHealthView = {
    status: health.status,
    since: health.since,
    failures: health.failures,
    probe: health.probe,
  };
  if (health.lastCheckAt !== undefined) view.lastCheckAt = health.lastCheckAt;
  if (health.lastOutput !== undefined) view.lastOutput = health.lastOutput;
  return view;
}

/**
 * fleet's rule: inactive until the unit's machine reports it, then launched while it is
 * active and loaded otherwise; a state reached only when its transition is over. A unit
 * being stopped is launched until nothing of it runs (a slow ExecStop keeps it
 * `deactivating`), so that a client waiting for `loaded` finds it stopped. A unit asked to
 * launch again (a restart) whose agent still runs the earlier launch is loaded until it
 * runs the one asked for.
 */
export function currentStateOf(
  state: UnitStateRecord | undefined,
  unit: UnitRecord,
  machineId: string | undefined,
): UnitState {
  if (!machineId || state === undefined) return "inactive";
  if (unit.desiredState !== "launched") {
    const stopped = state.activeState === "inactive" || state.activeState === "failed";
    return stopped ? "loaded" : "launched";
  }
  if (state.activeState !== "active" && state.activeState !== "reloading") return "loaded";
  return restartPending(state, unit) ? "loaded" : "launched";
}

function restartPending(state: UnitStateRecord, unit: UnitRecord): boolean {
  return unit.desiredState === "launched" && (state.launch ?? 0) < (unit.launches ?? 0);
}

function reasonOf(
  view: ClusterView,
  name: string,
  desiredState: DesiredState,
  machineId: string | undefined,
  error: string | undefined,
): string | undefined {
  if (error) return error;
  if (desiredState === "inactive") return undefined;
  if (!machineId)
    return view.scheduleStatus.get(name)?.reason ?? "waiting to be placed on a machine";
  if (!view.machines.has(machineId)) return `machine ${machineId} is not present`;
  return undefined;
}

function restartReason(unit: UnitRecord, state: UnitStateRecord | undefined): string | undefined {
  if (unit.stopHeldUntil && unit.desiredState === "loaded")
    return `stop held until ${unit.stopHeldUntil} or until a fleet client reads the unit`;
  if (state?.activeState === "active" && restartPending(state, unit))
    return `restarting: launch ${unit.launches} asked for, launch ${state.launch ?? 0} runs`;
  return undefined;
}

export function presentMachine(view: ClusterView, id: string): MachineView | undefined {
  const machine = view.machines.get(id);
  if (!machine) return undefined;
  const drain = presentDrain(view, id);
  return {
    id,
    shortId: id.slice(0, 8),
    publicIP: machine.publicIP,
    privateIP: machine.privateIP,
    metadata: view.metadataOf(id),
    agentURL: machine.agentURL,
    version: machine.version,
    units: [...view.placedOn(id)].sort(),
    startedAt: machine.startedAt,
    heartbeatAt: machine.heartbeatAt,
    ...(machine.capacity ? { capacity: machine.capacity } : {}),
    ...(drain ? { drain } : {}),
  };
}

/**
 * A machine's drain with what it still has to move: units placed there, and units its agent
 * still reports (being stopped), global units aside as they stay.
 */
export function presentDrain(view: ClusterView, id: string): MachineDrainView | undefined {
  const drain = view.drains.get(id);
  if (!drain) return undefined;
  const remaining = new Set([...view.placedOn(id), ...view.reportedOn(id)]);
  const remainingUnits = [...remaining]
    .filter((name) => view.spec(name)?.requirements.global !== true)
    .sort();
  return {
    since: drain.since,
    ...(drain.reason === undefined ? {} : { reason: drain.reason }),
    remainingUnits,
  };
}
