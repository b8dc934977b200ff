import type { SchedulerUnit } from "../scheduler/cluster-index.ts";
import type { UnitFile } from "../unit/model.ts";
import { parseUnitName } from "../unit/name.ts";
import { parseUnitFile } from "../unit/parse.ts";
import { isTimerName, timerUnitOf } from "../unit/timer.ts";
import { FLEET_SECTION, type FleetRequirements, fleetRequirements } from "../unit/xfleet.ts";
import type { UnitRecord } from "./records.ts";

/** What the specs are read from: the view's units and unit texts. */
export interface SpecSource {
  readonly units: ReadonlyMap<string, UnitRecord>;
  readonly unitTexts: ReadonlyMap<string, string>;
}

/** One unit file content, parsed once for all the units that share it. */
interface Content {
  file: UnitFile;
  lines: number[];
  /** The requirements of every unit with this content, unless a specifier makes them differ. */
  requirements?: FleetRequirements;
}

/**
 * Each unit's scheduling requirements, parsed from its unit file once per content. Instances
 * of a template share one requirements object unless the [X-Fleet] section has specifiers
 * (%i, say), which make them differ per instance name.
 */
export class UnitSpecs {
  private readonly cache = new Map<
    string,
    {
      hash: string;
      scheduledAt: string | undefined;
      /** For a timer: the content of its service when the spec was made. */
      related?: string | undefined;
      spec: SchedulerUnit;
    }
  >();
  private readonly contents = new Map<string, Content | undefined>();
  private readonly globalNames = new Set<string>();

  constructor(private readonly view: SpecSource) {}

  of(name: string): SchedulerUnit | undefined {
    const record = this.view.units.get(name) ?? this.templateOf(name);
    if (!record) return undefined;
    const scheduledAt = record.scheduledAt ?? record.createdAt;
    const content = this.content(record.hash);
    // A timer's placement also depends on its service's file (see withTimerUnit). A Unit=
    // that names no service (a file an earlier release took) ties the timer to nothing.
    const started = content && isTimerName(name) ? timerUnitOf(content.file, name) : undefined;
    const service = started?.endsWith(".service") ? started : undefined;
    const serviceSpec = service === undefined ? undefined : this.of(service);
    const related = serviceSpec ? this.cache.get(service as string)?.hash : undefined;
    const cached = this.cache.get(name);
    if (
      cached?.hash === record.hash &&
      cached.scheduledAt === scheduledAt &&
      cached.related === related
    )
      return cached.spec;
    if (!content) return undefined;
    const own =
      content.requirements ?? fleetRequirements(content.file, name, content.lines).requirements;
    const requirements =
      service === undefined ? own : withTimerUnit(own, name, service, serviceSpec);
    const spec: SchedulerUnit = { name, requirements, scheduledAt };
    this.cache.set(name, { hash: record.hash, scheduledAt, related, spec });
    if (requirements.global) this.globalNames.add(name);
    else this.globalNames.delete(name);
    return spec;
  }

  private content(hash: string): Content | undefined {
    if (this.contents.has(hash)) return this.contents.get(hash);
    const text = this.view.unitTexts.get(hash);
    if (text === undefined) return undefined;
    const parsed = parseUnitFile(text);
    const content = parsed.ok ? { file: parsed.file, lines: parsed.lines } : undefined;
    const perName = content?.file.options.some(
      (option) => option.section === FLEET_SECTION && option.value.includes("%"),
    );
    // The name given does not matter when no value of [X-Fleet] expands it.
    if (content && !perName)
      Object.assign(content, {
        requirements: fleetRequirements(content.file, "", content.lines).requirements,
      });
    this.contents.set(hash, content);
    return content;
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

  /** Forgets a unit that no longer exists, so the cache stays the size of the cluster. */
  forget(name: string): void {
    this.cache.delete(name);
    this.globalNames.delete(name);
  }

  /** Forgets everything (the view was re-listed: what it lost is not listed as deleted). */
  clear(): void {
    this.cache.clear();
    this.contents.clear();
    this.globalNames.clear();
  }

  /** Forgets content no unit has any more. */
  forgetContent(hash: string): void {
    this.contents.delete(hash);
  }
}

/**
 * A timer runs where the service it starts is loaded, as if it declared MachineOf= that
 * service: the service leads, and a timer follows it to a new machine. A service that
 * declares MachineOf= its timer leads nothing: the timer leads instead, as the unit files say.
 */
function withTimerUnit(
  own: FleetRequirements,
  timer: string,
  service: string,
  serviceSpec: SchedulerUnit | undefined,
): FleetRequirements {
  if (own.machineOf.includes(service)) return own;
  if (serviceSpec?.requirements.machineOf.includes(timer)) return own;
  return { ...own, machineOf: [...own.machineOf, service] };
}
