import type { ClusterView } from "../registry/view.ts";
import { HEALTH_STATUSES, type HealthStatus } from "../unit/health-status.ts";
import type { Metrics } from "./metrics.ts";

/**
 * How many units the machines report in each health, for /metrics: every state an agent
 * reports counts once (a global unit once per machine), and a unit without a check, or not
 * running, counts as none. Units no machine reports are not counted.
 */
export function healthCounts(view: ClusterView): Record<HealthStatus, number> {
  const counts = Object.fromEntries(HEALTH_STATUSES.map((status) => [status, 0])) as Record<
    HealthStatus,
    number
  >;
  for (const byMachine of view.states.values()) {
    for (const state of byMachine.values()) counts[state.health?.status ?? "none"]++;
  }
  return counts;
}

/** flotilla_unit_health{status="..."}: healthCounts, one series per status. */
export function registerHealthGauge(metrics: Metrics, view: ClusterView): void {
  metrics.labelledGauge(
    "flotilla_unit_health",
    "Unit states reported by machines, by health (a global unit once per machine).",
    "status",
    () => healthCounts(view),
  );
}
