import {
  type DesiredState,
  newUnitRecord,
  type UnitRecord,
  withContent,
  withDesiredState,
} from "../../registry/records.ts";
import type { Registry, Revision, UnitWrite, Versioned } from "../../registry/registry.ts";
import type { Located } from "../../unit/model.ts";
import { parseUnitName, type UnitName } from "../../unit/name.ts";
import { serializeUnitFile } from "../../unit/serialize.ts";
import { checkUnitFile } from "../../unit/validate.ts";
import { ProblemError } from "../problems.ts";
import { validName } from "../unit-name.ts";
import { retryingWrite } from "./retry.ts";
import { writesAlongside } from "./timer-service.ts";
import { instanceFromTemplate, refuse, type UnitReader } from "./unit-reader.ts";

/**
 * Units and content as a watch-fed cache holds them: possibly a little behind etcd. Content
 * is immutable by hash, so a text found is always right; a unit found may be stale.
 */
export interface UnitCache {
  versionedUnit(name: string): Versioned<UnitRecord> | undefined;
  unitText(hash: string): string | undefined;
}

export interface SubmitOutcome {
  name: UnitName;
  hash: string;
  created: boolean;
  replaced: boolean;
  warnings: Located[];
  revision: Revision;
}

export interface SubmitOptions {
  replace: boolean;
  desiredState?: DesiredState;
}

export interface StateOutcome {
  created: boolean;
  changed: boolean;
  revision: Revision;
}

/**
 * The rules for changing units: submitting files, creating instances from templates,
 * changing desired state, destroying. Each change is one compare-and-swap transaction,
 * retried when another writer got there first.
 */
export class UnitWrites {
  private readonly etcdReader: UnitReader;
  private readonly cachedReader: UnitReader | undefined;

  constructor(
    private readonly registry: Registry,
    /** Saves most writes their reads: the first attempt reads here, retries read etcd. */
    cache?: UnitCache,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.etcdReader = {
      unit: (name) => registry.getUnit(name),
      text: (hash) => registry.getUnitText(hash),
      mayBeStale: false,
    };
    this.cachedReader = cache && {
      unit: async (name) => cache.versionedUnit(name),
      text: async (hash) => cache.unitText(hash) ?? (await registry.getUnitText(hash)),
      mayBeStale: true,
    };
  }

  /**
   * Stores a unit file under a name. `desiredState`, when given, is set in the same
   * transaction (fleet's API resets it on every replacement); otherwise a new unit starts
   * inactive and a replaced one keeps its state.
   */
  async submit(name: string, text: string, options: SubmitOptions): Promise<SubmitOutcome> {
    const { replace, desiredState } = options;
    const unitName = validName(name);
    const checked = checkUnitFile(text, name);
    if (!checked.ok) {
      throw new ProblemError("invalid-unit-file", `unit file ${name} is not valid`, checked.errors);
    }
    const { hash } = checked;
    const canonical = serializeUnitFile(checked.file);
    const warnings = checked.check.warnings;
    return this.retrying(async (read) => {
      const existing = await read.unit(name);
      const at = this.now().toISOString();
      if (existing?.value.hash === hash && desiredState === undefined) {
        if (read.mayBeStale) return undefined;
        return {
          name: unitName,
          hash,
          created: false,
          replaced: false,
          warnings,
          revision: existing.version,
        };
      }
      if (existing && existing.value.hash !== hash && !replace) {
        return refuse(
          read,
          new ProblemError(
            "unit-file-conflict",
            `${name} is already submitted with other content (hash ${existing.value.hash.slice(0, 7)}, this is ${hash.slice(0, 7)}); submit with replace=true to replace it`,
          ),
        );
      }
      const own: UnitWrite = existing
        ? {
            kind: "update",
            expected: existing,
            record: withContent(
              withDesiredState(existing.value, desiredState ?? existing.value.desiredState, at),
              hash,
              at,
              "replaced",
            ),
            text: canonical,
          }
        : {
            kind: "create",
            record: newUnitRecord(name, hash, desiredState ?? "inactive", at, "submitted"),
            text: canonical,
          };
      // Also for new content alone: a loaded timer's new Unit= needs that service loaded.
      const state = desiredState ?? existing?.value.desiredState ?? "inactive";
      const alongside = await writesAlongside(read, unitName, state, async () => canonical, at);
      if (!alongside) return undefined;
      const result = await this.registry.writeUnits([own, ...alongside]);
      if (!result.ok) return undefined;
      return {
        name: unitName,
        hash,
        created: !existing,
        replaced: existing !== undefined && existing.value.hash !== hash,
        warnings,
        revision: result.revision,
      };
    });
  }

  /**
   * Sets a unit's desired state, creating an instance from its template when needed. With
   * `holdStopMs`, a launched unit set to loaded keeps running until the hold is released or
   * runs out (see UnitRecord.stopHeldUntil).
   */
  async setDesiredState(
    name: string,
    desiredState: DesiredState,
    { holdStopMs }: { holdStopMs?: number } = {},
  ): Promise<StateOutcome> {
    const unitName = validName(name);
    if (unitName.kind === "template") {
      throw new ProblemError(
        "template-not-loadable",
        `${name} is a template; load or launch an instance of it, such as ${unitName.prefix}@1${unitName.suffix}`,
      );
    }
    return this.retrying(async (read) => {
      const existing = await read.unit(name);
      const at = this.now().toISOString();
      const own = existing
        ? this.stateChange(existing, desiredState, at, holdStopMs)
        : await instanceFromTemplate(read, unitName, desiredState, at);
      if (!own) {
        return refuse(
          read,
          new ProblemError(
            "unit-not-found",
            unitName.template
              ? `neither ${name} nor its template ${unitName.template} has been submitted`
              : `unit ${name} has not been submitted`,
          ),
        );
      }
      const ownText = async () =>
        own.kind === "create" ? own.text : read.text(own.expected.value.hash);
      const alongside = await writesAlongside(read, unitName, desiredState, ownText, at);
      if (!alongside) return undefined;
      const writes = [own, ...alongside];
      if (writes.every(isUnchanged)) {
        if (read.mayBeStale) return undefined;
        const revision = Math.max(...writes.map((write) => write.expected.version));
        return { created: false, changed: false, revision };
      }
      const result = await this.registry.writeUnits(writes);
      if (!result.ok) return undefined;
      return {
        created: own.kind === "create",
        changed: own.kind !== "unchanged",
        revision: result.revision,
      };
    });
  }

  /** A unit set to `desiredState`, or left as read when it is in that state already. */
  private stateChange(
    existing: Versioned<UnitRecord>,
    desiredState: DesiredState,
    at: string,
    holdStopMs: number | undefined,
  ): UnitWrite {
    if (existing.value.desiredState === desiredState)
      return { kind: "unchanged", expected: existing };
    const record = withDesiredState(existing.value, desiredState, at);
    if (holdStopMs && existing.value.desiredState === "launched" && desiredState === "loaded")
      record.stopHeldUntil = new Date(this.now().getTime() + holdStopMs).toISOString();
    return { kind: "update", expected: existing, record };
  }

  /** Lets a held stop go ahead now (a fleet client has read the unit). */
  async releaseStopHold(name: string): Promise<Revision> {
    return this.retrying(async (read) => {
      const existing = await read.unit(name);
      if (!existing?.value.stopHeldUntil) return existing?.version ?? 0;
      const { stopHeldUntil: _released, ...record } = existing.value;
      const result = await this.registry.updateUnit(record, existing);
      return result.ok ? result.revision : undefined;
    });
  }

  /** Destroys a unit or an instance (DELETE /v1/units/{name}). */
  async destroyUnit(name: string): Promise<Revision> {
    const unitName = validName(name);
    if (unitName.kind === "template") {
      throw new ProblemError(
        "template-not-loadable",
        `${name} is a template, not a unit; delete it as a unit file`,
      );
    }
    return this.deleteRecord(name, "unit-not-found");
  }

  /** Deletes a unit file; a template only when no instance is left, or when forced. */
  async deleteUnitFile(name: string, force: boolean): Promise<Revision> {
    const unitName = validName(name);
    const guard =
      unitName.kind === "template" && !force
        ? () => this.refuseWhileInstancesExist(unitName)
        : undefined;
    return this.deleteRecord(name, "unit-file-not-found", guard);
  }

  private async refuseWhileInstancesExist(template: UnitName): Promise<void> {
    const instances = await this.instancesOf(template);
    if (instances.length === 0) return;
    const listed = instances.slice(0, 5).join(", ") + (instances.length > 5 ? ", ..." : "");
    throw new ProblemError(
      "template-in-use",
      `template ${template.name} has ${instances.length} instance(s) (${listed}); destroy them first or delete with force=true`,
    );
  }

  private async instancesOf(template: UnitName): Promise<string[]> {
    const names = await this.registry.listUnitNames(`${template.prefix}@`);
    return names.filter((candidate) => {
      const parsed = parseUnitName(candidate);
      return (
        parsed.ok && parsed.value.kind === "instance" && parsed.value.template === template.name
      );
    });
  }

  private async deleteRecord(
    name: string,
    missing: "unit-not-found" | "unit-file-not-found",
    guard?: () => Promise<void>,
  ): Promise<Revision> {
    return this.retrying(async (read) => {
      const existing = await read.unit(name);
      if (!existing) return refuse(read, new ProblemError(missing, `${name} does not exist`));
      await guard?.();
      const result = await this.registry.deleteUnit(existing);
      return result.ok ? result.revision : undefined;
    });
  }

  /** Runs `attempt` until it gives an outcome: undefined means it lost a race, or read stale. */
  private async retrying<T>(attempt: (read: UnitReader) => Promise<T | undefined>): Promise<T> {
    return retryingWrite(
      (i) => attempt((i === 0 && this.cachedReader) || this.etcdReader),
      "the unit kept changing under concurrent writes; retry",
    );
  }
}

function isUnchanged(write: UnitWrite): write is Extract<UnitWrite, { kind: "unchanged" }> {
  return write.kind === "unchanged";
}
