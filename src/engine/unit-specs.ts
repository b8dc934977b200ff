import type { ClusterView } from "../registry/view.ts";
import type { SchedulerUnit } from "../scheduler/cluster-index.ts";
import { parseUnitName } from "../unit/name.ts";
import { parseUnitFile } from "../unit/parse.ts";
import { fleetRequirements } from "../unit/xfleet.ts";

/**
 * Each unit's scheduling requirements, parsed from its unit file once per content and
 * name (specifiers such as %i make them differ per instance).
 */
export class UnitSpecs {
  private readonly cache = new Map<string, { hash: string; spec: SchedulerUnit }>();

  constructor(private readonly view: ClusterView) {}

  of(name: string): SchedulerUnit | undefined {
    const record = this.view.units.get(name) ?? this.templateOf(name);
    if (!record) return undefined;
    const cached = this.cache.get(name);
    if (cached?.hash === record.hash) return cached.spec;
    const text = this.view.unitTexts.get(record.hash);
    const parsed = text === undefined ? undefined : parseUnitFile(text);
    if (!parsed?.ok) return undefined;
    const spec = { name, requirements: fleetRequirements(parsed.file, name).requirements };
    this.cache.set(name, { hash: record.hash, spec });
    return spec;
  }

  /** An instance not created yet takes its template's content. */
  private templateOf(name: string) {
    const parsed = parseUnitName(name);
    return parsed.ok && parsed.value.template
      ? this.view.units.get(parsed.value.template)
      : undefined;
  }

  /** Forgets units that no longer exist, so the cache stays the size of the cluster. */
  prune(): void {
    for (const name of this.cache.keys()) if (!this.view.units.has(name)) this.cache.delete(name);
  }
}
