// A template's rollout starts its canaries as new instances beside the old ones, as Nomad
// places canary allocations beside the old version's: the old instances keep serving while the
// canaries prove the new content. A canary needs a name no unit has, and the units that make
// an instance useful (its sidekicks, announcing it), created and destroyed with it.

import type { UnitFile } from "../unit/model.ts";
import { serviceDefinition } from "../unit/service.ts";

/**
 * The most units (canaries and their companions) a rollout adds: their removal, all at once
 * when the rollout ends, fits one etcd transaction with room to spare.
 */
export const MAX_ADDED_UNITS = 16;

/** A canary the rollout adds, with the units created and destroyed with it. */
export interface AddedCanary {
  name: string;
  companions: { name: string; hash: string }[];
}

/** A template, as far as canaries care: its instances' names and its content. */
export interface TemplateView {
  prefix: string;
  suffix: string;
  hash: string;
  file: UnitFile;
  /** The instance parts of its instances' names (`80` of apache@80.service). */
  instances: ReadonlySet<string>;
}

export interface CanaryPlanInput {
  /** The template rolled out, with its new content. */
  template: Omit<TemplateView, "hash">;
  /** How many canaries the options ask for, at most one per old instance that runs. */
  count: number;
  /** Whether a unit of this name exists. */
  taken: (name: string) => boolean;
  /** The other templates: the candidates for companions. */
  others: readonly TemplateView[];
}

/** The canaries a template's rollout adds, each under the first free name. */
export function planCanaries(input: CanaryPlanInput): AddedCanary[] {
  const { template, count } = input;
  if (count <= 0) return [];
  const companions = input.others.filter((other) => isCompanion(template, other));
  const most = Math.min(count, Math.floor(MAX_ADDED_UNITS / (1 + companions.length)));
  const instanceNames = candidateInstances([...template.instances]);
  const canaries: AddedCanary[] = [];
  for (const instance of instanceNames) {
    if (canaries.length >= most) break;
    const name = instanceName(template, instance);
    const companionNames = companions.map((other) => ({
      name: instanceName(other, instance),
      hash: other.hash,
    }));
    if (input.taken(name) || companionNames.some((companion) => input.taken(companion.name)))
      continue;
    canaries.push({ name, companions: companionNames });
  }
  return canaries;
}

function instanceName(template: { prefix: string; suffix: string }, instance: string): string {
  return `${template.prefix}@${instance}${template.suffix}`;
}

/**
 * Instance names to try in turn. Names that are all numbers are often ports (apache@80): the
 * canaries take the next numbers up, which a port-per-instance template can publish too.
 * Other names get canary, canary2, ...
 */
function* candidateInstances(existing: readonly string[]): Generator<string> {
  const numeric = existing.length > 0 && existing.every((name) => /^\d{1,9}$/.test(name));
  if (numeric) {
    const highest = Math.max(...existing.map(Number));
    for (let next = highest + 1; ; next++) yield String(next);
  }
  yield "canary";
  for (let next = 2; ; next++) yield `canary${next}`;
}

/**
 * A companion shares an instance name with one of the old instances, and one of the two names
 * the other: the sidekick is bound to it, announces it or runs beside it (BindsTo=, MachineOf=),
 * or the service needs it (Requires=, Wants=, BindsTo=). A unit that merely needs the service
 * (a worker that Requires= it) is no companion: it gets no new instance.
 */
function isCompanion(template: CanaryPlanInput["template"], other: TemplateView): boolean {
  const shared = [...other.instances].find((instance) => template.instances.has(instance));
  if (shared === undefined) return false;
  const service = instanceName(template, shared);
  const companion = instanceName(other, shared);
  const its = serviceDefinition(other.file, { unitName: companion });
  const serviceDefinitionOf = serviceDefinition(template.file, { unitName: service });
  // BindsTo= and MachineOf=, what a sidekick declares.
  const companionNeeds = its.announcesFor;
  const serviceNeeds = [
    ...serviceDefinitionOf.requires,
    ...serviceDefinitionOf.wants,
    ...serviceDefinitionOf.bindsTo,
  ];
  return companionNeeds.includes(service) || serviceNeeds.includes(companion);
}
