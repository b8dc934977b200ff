// How the CLI shows a rollout: pure functions of the API's Rollout, for `rollout` and its
// subcommands. Nothing here reads the clock or the network.

import { FINAL_PHASES } from "../rollout/model.ts";
import type { Rollout, RolloutInstance, RolloutOptions } from "./api-types.ts";
import { EXIT_FAILURE, EXIT_OK } from "./errors.ts";
import { formatDuration } from "./rollout-flags.ts";
import { tabulate } from "./table.ts";

export function isFinished(rollout: Rollout): boolean {
  return FINAL_PHASES.has(rollout.phase);
}

/** A followed rollout's exit status: only success is 0; failed, reverted or aborted are 1. */
export function exitCodeOf(rollout: Rollout): number {
  return rollout.phase === "succeeded" ? EXIT_OK : EXIT_FAILURE;
}

/** `rolling`, or `rolling (paused)`. */
export function phaseLabel(rollout: Rollout): string {
  return rollout.paused ? `${rollout.phase} (paused)` : rollout.phase;
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/**
 * How far it got: `3/6 replaced` (instances destroyed meanwhile are skipped, not counted), or
 * for a revert under way or done, `2/3 reverted` of those it puts back. Canaries started
 * beside the old instances are no instances replaced: `1 canary beside` while they run.
 */
export function progressOf(rollout: Rollout): string {
  const instances = rollout.instances.filter((instance) => !instance.added);
  const beside = rollout.instances.filter(
    (instance) => instance.added && ["replacing", "done", "draining"].includes(instance.step),
  ).length;
  const count = (test: (instance: RolloutInstance) => boolean) => instances.filter(test).length;
  const skipped = count((instance) => instance.step === "skipped");
  const parts: string[] = [];
  if (rollout.phase === "reverting" || rollout.phase === "reverted") {
    const reverting = count((instance) => instance.reverting === true);
    // A canary beside the old ones that failed: nothing of theirs changed, nothing to put back.
    if (reverting === 0) parts.push("no instance replaced");
    else parts.push(`${count((instance) => instance.step === "reverted")}/${reverting} reverted`);
  } else {
    const done = count((instance) => instance.step === "done");
    parts.push(`${done}/${instances.length - skipped} replaced`);
  }
  if (beside > 0) parts.push(`${plural(beside, "canary", "canaries")} beside`);
  const failed = rollout.instances.filter((instance) => instance.step === "failed").length;
  if (failed > 0) parts.push(`${failed} failed`);
  if (skipped > 0) parts.push(`${skipped} skipped`);
  return parts.join(", ");
}

/** The instances being drained or replaced: `apache@4.service draining, apache@5.service replacing`. */
export function inFlightOf(rollout: Rollout): string {
  return rollout.instances
    .filter((instance) => instance.step === "draining" || instance.step === "replacing")
    .map((instance) => `${instance.name} ${instance.step}`)
    .join(", ");
}

/**
 * The line that follows a rollout, rewritten in place on a terminal:
 * `rollout 3f9c21ab apache@.service: rolling, 3/6 replaced, in flight: apache@4.service draining`,
 * with what to type when it waits for the operator.
 */
export function progressLine(rollout: Rollout, program: string): string {
  const inFlight = inFlightOf(rollout);
  const parts = [`rollout ${rollout.id} ${rollout.target}: ${phaseLabel(rollout)}`];
  parts.push(progressOf(rollout));
  if (inFlight) parts.push(`in flight: ${inFlight}`);
  let line = parts.join(", ");
  if (rollout.paused && !isFinished(rollout)) {
    line += `; resume it with '${program} rollout resume ${rollout.id}'`;
  } else if (rollout.phase === "awaiting-promotion") {
    line += `; promote it with '${program} rollout promote ${rollout.id}'`;
  }
  return line;
}

/** An instance's step in words: `replaced`, `failed: unhealthy`, `pending (to be reverted)`. */
export function instanceStateOf(instance: RolloutInstance): string {
  const detail = instance.detail;
  if (instance.added) return addedCanaryStateOf(instance);
  switch (instance.step) {
    case "pending":
      return instance.reverting ? "pending (to be reverted)" : "pending";
    case "done":
      return detail ? `replaced (${detail})` : "replaced";
    case "failed":
    case "skipped":
      return `${instance.step}: ${detail ?? "no reason given"}`;
    default:
      return detail ? `${instance.step} (${detail})` : instance.step;
  }
}

/** A canary started beside the old instances: `starting beside the old instances`, ... */
function addedCanaryStateOf(instance: RolloutInstance): string {
  switch (instance.step) {
    case "pending":
      return "canary to start beside the old instances";
    case "replacing":
      return "canary starting beside the old instances";
    case "done":
      return "canary healthy";
    case "draining":
      return "canary draining, to be removed";
    case "removed":
      return `canary removed (${instance.detail ?? "done with"})`;
    default:
      return `canary ${instance.step}: ${instance.detail ?? "no reason given"}`;
  }
}

/**
 * One line per instance whose step changed between two sightings of the rollout:
 * `apache@4.service: replaced`. The first sighting is the starting point: no lines.
 */
export function instanceChanges(before: Rollout | undefined, after: Rollout): string[] {
  if (before === undefined) return [];
  const previous = new Map(before.instances.map((instance) => [instance.name, instance]));
  const lines: string[] = [];
  for (const instance of after.instances) {
    const old = previous.get(instance.name);
    if (old !== undefined && instanceStateOf(old) === instanceStateOf(instance)) continue;
    lines.push(`${instance.name}: ${instanceStateOf(instance)}`);
  }
  return lines;
}

/**
 * How it ended: `Rollout 3f9c21ab of apache@.service succeeded (6/6 replaced)`, or with the
 * reason: `Rollout 3f9c21ab of apache@.service reverted: apache@4.service: unhealthy (2/2 reverted)`.
 */
export function endLine(rollout: Rollout): string {
  const reason = rollout.reason ? `: ${rollout.reason}` : "";
  return `Rollout ${rollout.id} of ${rollout.target} ${rollout.phase}${reason} (${progressOf(rollout)})`;
}

/** `Rollout 3f9c21ab of apache@.service started: 6 instances, 1 canary`. */
export function startedLine(rollout: Rollout): string {
  const instances = rollout.instances.filter((instance) => !instance.added);
  const canaries = instances.filter((instance) => instance.canary).length;
  const beside = rollout.instances.length - instances.length;
  const already = instances.filter((instance) => instance.step === "done").length;
  const parts = [plural(instances.length, "instance", "instances")];
  if (canaries > 0) parts.push(plural(canaries, "canary", "canaries"));
  if (beside > 0) parts.push(`${plural(beside, "canary", "canaries")} beside them`);
  if (already > 0) parts.push(`${already} already on the new content`);
  const reverting = rollout.revertOf ? `, reverting ${rollout.revertOf}` : "";
  return `Rollout ${rollout.id} of ${rollout.target} started${reverting}: ${parts.join(", ")}`;
}

/** After pause, resume, promote or abort: `Rollout 3f9c21ab of apache@.service: rolling (paused)`. */
export function actionLine(rollout: Rollout): string {
  const reason =
    isFinished(rollout) && rollout.reason && rollout.reason !== rollout.phase
      ? `: ${rollout.reason}`
      : "";
  return `Rollout ${rollout.id} of ${rollout.target}: ${phaseLabel(rollout)}${reason}`;
}

/** The options as flags that would give them: `max-parallel=1 canaries=1 auto-promote ...`. */
export function optionsSummary(options: RolloutOptions): string {
  return [
    `max-parallel=${options.maxParallel}`,
    `canaries=${options.canaries}`,
    options.autoPromote ? "auto-promote" : "manual-promote",
    `min-healthy=${formatDuration(options.minHealthySeconds)}`,
    `healthy-deadline=${formatDuration(options.healthyDeadlineSeconds)}`,
    `progress-deadline=${formatDuration(options.progressDeadlineSeconds)}`,
    options.autoRevert ? "auto-revert" : "no-auto-revert",
    `drain=${formatDuration(options.drainSeconds)}`,
  ].join(" ");
}

/** A time as the API gives it, to the second: 2026-12-07T15:20:00Z. */
export function timeOf(iso: string): string {
  return iso.replace(/\.\d+Z$/, "Z");
}

/** `rollout status --no-follow`: what the rollout is, then its instances. */
export function rolloutDetails(rollout: Rollout, options: { noLegend: boolean }): string {
  const fields: [string, string][] = [
    ["Rollout:", rollout.id],
    ["Target:", rollout.target],
    ["Phase:", phaseLabel(rollout)],
    ["Progress:", progressOf(rollout)],
  ];
  const inFlight = inFlightOf(rollout);
  if (inFlight) fields.push(["In flight:", inFlight]);
  if (rollout.reason) fields.push(["Reason:", rollout.reason]);
  if (rollout.revertOf) fields.push(["Reverts:", rollout.revertOf]);
  fields.push(["Options:", optionsSummary(rollout.options)]);
  fields.push(["Created:", timeOf(rollout.createdAt)]);
  fields.push(["Updated:", timeOf(rollout.updatedAt)]);
  const width = Math.max(...fields.map(([label]) => label.length));
  const head = fields.map(([label, value]) => `${label.padEnd(width)} ${value}\n`).join("");
  return `${head}\n${instanceTable(rollout, options)}`;
}

/** INSTANCE STEP CANARY DETAIL, in the rollout's order; `-` for an empty cell. */
export function instanceTable(rollout: Rollout, options: { noLegend: boolean }): string {
  const rows = rollout.instances.map((instance) => [
    instance.name,
    instance.step,
    instance.canary ? "yes" : "-",
    detailOf(instance) || "-",
  ]);
  const header = options.noLegend ? [] : [["INSTANCE", "STEP", "CANARY", "DETAIL"]];
  return tabulate([...header, ...rows]);
}

function detailOf(instance: RolloutInstance): string {
  const reverting = instance.reverting && instance.step !== "reverted" ? "being reverted" : "";
  return [reverting, instance.detail ?? ""].filter((part) => part !== "").join("; ");
}

/** `rollout list`: ID TARGET PHASE PROGRESS CREATED, in the order given (the API's: newest first). */
export function rolloutTable(rollouts: readonly Rollout[], options: { noLegend: boolean }): string {
  const rows = rollouts.map((rollout) => [
    rollout.id,
    rollout.target,
    phaseLabel(rollout),
    progressOf(rollout),
    timeOf(rollout.createdAt),
  ]);
  const header = options.noLegend ? [] : [["ID", "TARGET", "PHASE", "PROGRESS", "CREATED"]];
  return tabulate([...header, ...rows]);
}
