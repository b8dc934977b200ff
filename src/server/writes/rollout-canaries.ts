import type { UnitRecord } from "../../registry/records.ts";
import { type AddedCanary, planCanaries, type TemplateView } from "../../rollout/canaries.ts";
import type { ClusterState } from "../../scheduler/cluster-state.ts";
import { dryRun } from "../../scheduler/dry-run.ts";
import type { UnitFile } from "../../unit/model.ts";
import { parseUnitName } from "../../unit/name.ts";
import { parseUnitFile } from "../../unit/parse.ts";

/** What the canaries' plan reads of the cluster: the scheduler's state, and contents. */
export interface CanaryCache extends ClusterState {
  readonly units: ReadonlyMap<string, UnitRecord>;
  unitText(hash: string): string | undefined;
}

/**
 * The canaries a template's rollout starts beside its old instances: as many as the options
 * ask for, but no more than it has running instances to replace (canaries of instances that
 * do not run would start what nobody asked to run). None when the engine could not place them
 * now (a template whose Conflicts= allow one instance per machine, on a cluster it fills): the
 * rollout then takes its first instances as canaries, replaced in place, rather than fail.
 */
export function addedCanariesFor(
  cache: CanaryCache,
  template: UnitRecord,
  file: UnitFile,
  instances: readonly { name: string; hash: string; running: boolean }[],
  toHash: string,
  canaries: number,
): AddedCanary[] {
  const parsed = parseUnitName(template.name);
  if (!parsed.ok) return [];
  const changing = instances.filter((instance) => instance.running && instance.hash !== toHash);
  const count = Math.min(canaries, changing.length);
  if (count === 0) return [];
  const views = templateViews(cache);
  const own = views.get(template.name);
  const planned = planCanaries({
    template: {
      prefix: parsed.value.prefix,
      suffix: parsed.value.suffix,
      file,
      instances: own?.instances ?? new Set(),
    },
    count,
    // A name whose last holder a machine still reports (a canary destroyed a moment ago, its
    // container still stopping and holding its port) is not reused.
    taken: (name) => cache.units.has(name) || (cache.states.get(name)?.size ?? 0) > 0,
    others: [...views].filter(([name]) => name !== template.name).map(([, view]) => view),
  });
  if (planned.length === 0) return [];
  const { units } = dryRun(
    cache,
    planned.map((canary) => canary.name),
    Date.now(),
  );
  return units.every((unit) => unit.machineIds.length > 0) ? planned : [];
}

/** Every template whose content is known, with its instances' names. */
function templateViews(cache: CanaryCache): Map<string, TemplateView> {
  const instances = new Map<string, Set<string>>();
  const templates = new Map<string, { prefix: string; suffix: string; hash: string }>();
  for (const [name, unit] of cache.units) {
    const parsed = parseUnitName(name);
    if (!parsed.ok) continue;
    const { value } = parsed;
    if (value.kind === "template") {
      templates.set(name, { prefix: value.prefix, suffix: value.suffix, hash: unit.hash });
    } else if (value.kind === "instance" && value.template !== undefined) {
      const known = instances.get(value.template) ?? new Set<string>();
      known.add(value.instance);
      instances.set(value.template, known);
    }
  }
  const views = new Map<string, TemplateView>();
  for (const [name, template] of templates) {
    const file = fileOf(cache, template.hash);
    if (file) views.set(name, { ...template, file, instances: instances.get(name) ?? new Set() });
  }
  return views;
}

function fileOf(cache: CanaryCache, hash: string): UnitFile | undefined {
  const text = cache.unitText(hash);
  if (text === undefined) return undefined;
  const parsed = parseUnitFile(text);
  return parsed.ok ? parsed.file : undefined;
}
