import type { components } from "../client/openapi.ts";

/** Names for the generated schema types the commands handle; none is written by hand. */
export type Machine = components["schemas"]["Machine"];
export type Backup = components["schemas"]["Backup"];
export type Unit = components["schemas"]["Unit"];
export type UnitFileSummary = components["schemas"]["UnitFileSummary"];
export type UnitFileDetail = components["schemas"]["UnitFileDetail"];
export type UnitFileHistory = components["schemas"]["UnitFileHistory"];
export type UnitFileSubmitted = components["schemas"]["UnitFileSubmitted"];
export type UnitOption = components["schemas"]["UnitOption"];
export type PlannedUnit = components["schemas"]["PlannedUnit"];
export type Rollout = components["schemas"]["Rollout"];
export type RolloutInstance = components["schemas"]["RolloutInstance"];
export type RolloutOptions = components["schemas"]["RolloutOptions"];
export type RolloutOptionsRequest = components["schemas"]["RolloutOptionsRequest"];
export type RolloutPlan = components["schemas"]["RolloutPlan"];
export type PlannedReplacement = components["schemas"]["PlannedReplacement"];
