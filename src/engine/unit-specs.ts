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
  private readonly globalNames = new Set<string>();

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
    if (spec.requirements.global) this.globalNames.add(name);
    else this.globalNames.delete(name);
    return spec;
  }

  /** An instance not created yet takes its template's content. */
  private templateOf(name: string) {
    const parsed = parseUnitName(name);
    return parsed.ok && parsed.value.template
      ? this.view.units.get(parsed.value.template)
      : undefined;
  }

  /** The global units among those whose requirements are known. */
  get globals(): ReadonlySet<string> {
    return this.globalNames;
  }

  /**
   * Forgets units that no longer exist, so the cache stays the size of the cluster: those
   * named, or all.
   */
  prune(names: Iterable<string> = this.cache.keys()): void {
    for (const name of names) {
      if (this.view.units.has(name)) continue;
      this.cache.delete(name);
      this.globalNames.delete(name);
    }
  }
}
