import type { UnitState } from "../unit/states.ts";
import { oneLine } from "../unit/text.ts";
import type { Unit } from "./api-types.ts";

/**
 * The current state as fleet reported it: `launched` while the unit's machine keeps it
 * launched, whether it is running or has failed; `loaded` for a unit only loaded there, even
 * when it runs because another unit Requires= it. The API's currentState says whether it
 * runs; fleetctl's messages and its stop and restart decisions went by this one.
 */
export function fleetStateOf(unit: Unit): UnitState {
  if (unit.currentState === "inactive") return "inactive";
  return unit.desiredState === "launched" ? "launched" : "loaded";
}

/** What each command waits for, on the API's fields. */
export function hasReached(unit: Unit, target: UnitState): boolean {
  switch (target) {
    case "launched":
      return unit.currentState === "launched" && unit.activeState === "active";
    case "loaded":
      // Placed and reported: loaded, or already running because another unit requires it.
      return unit.currentState !== "inactive" && !TRANSITIONS.has(unit.activeState ?? "");
    case "inactive":
      return unit.currentState === "inactive";
  }
}

/** Stopping is only over once the unit's processes are gone. */
export function hasStopped(unit: Unit): boolean {
  return unit.currentState === "loaded" && !TRANSITIONS.has(unit.activeState ?? "");
}

const TRANSITIONS = new Set(["activating", "deactivating", "reloading"]);

/** `active (running)`, `inactive (dead)`; `-` parts for a unit no machine reported. */
export function activeSummary(unit: Unit): string {
  const active = unit.activeState ?? "-";
  return unit.subState ? `${active} (${unit.subState})` : active;
}

/**
 * list-units' health field: the status, `none` for a unit reported without a check or not
 * running; empty (the table shows `-`) for a unit no machine reports.
 */
export function healthStatusOf(unit: Unit): string {
  return unit.health?.status ?? "";
}

/**
 * What `status` says of a unit's health: the status, since when and by what, then the check
 * that gave it (the agent reports a change of health, not every check). Empty when no machine
 * reports the unit.
 */
export function healthLines(unit: Unit): string[] {
  const { health } = unit;
  if (!health) return [];
  if (health.status === "none") return ["   Health: none (no check, or not running)"];
  const by = health.probe === "image" ? "the image's HEALTHCHECK" : `${health.probe} check`;
  const failures =
    health.failures !== undefined && health.failures > 0
      ? `; ${health.failures} failed check${health.failures === 1 ? "" : "s"} in a row`
      : "";
  const lines = [`   Health: ${health.status} (${by}) since ${health.since ?? "-"}${failures}`];
  if (health.lastCheckAt !== undefined) {
    const said = oneLine(health.lastOutput ?? "");
    lines.push(`    Check: ${health.lastCheckAt}${said === "" ? "" : ` ${said}`}`);
  }
  return lines;
}
