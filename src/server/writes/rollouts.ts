import { randomBytes } from "node:crypto";
import { type RolloutRecord, type UnitRecord, withRolloutChange } from "../../registry/records.ts";
import type { Registry, Revision, UnitRewrite, Versioned } from "../../registry/registry.ts";
import type { AddedCanary } from "../../rollout/canaries.ts";
import { newRollout } from "../../rollout/create.ts";
import {
  FINAL_PHASES,
  ROLLOUT_DEFAULTS,
  type RolloutOptionsRecord,
  type RolloutStep,
} from "../../rollout/model.ts";
import {
  abortRollout,
  pauseRollout,
  promoteRollout,
  RolloutConflict,
  resumeRollout,
} from "../../rollout/operations.ts";
import { unitWrites } from "../../rollout/unit-writes.ts";
import type { SchedulerUnit } from "../../scheduler/cluster-index.ts";
import type { ClusterState } from "../../scheduler/cluster-state.ts";
import { globMatch, isValidGlob } from "../../unit/glob.ts";
import { parseUnitName } from "../../unit/name.ts";
import { serializeUnitFile } from "../../unit/serialize.ts";
import { checkUnitFile } from "../../unit/validate.ts";
import { ProblemError } from "../problems.ts";
import { retryingWrite } from "./retry.ts";
import { addedCanariesFor } from "./rollout-canaries.ts";
import { checkRequestedContent, versionText } from "./rollout-versions.ts";

/** What POST /v1/rollouts asks for. */
export interface RolloutRequest {
  target: string;
  /** The new unit file; or else `version`. */
  text?: string;
  /** A version of the target's own history (a template's or a unit's), rolled out again. */
  version?: number;
  options?: Partial<RolloutOptionsRecord>;
}

export type RolloutAction = "pause" | "resume" | "promote" | "abort";

/** What the writes read the cluster from: the server's watch-fed view. */
export interface RolloutCache extends ClusterState {
  readonly units: ReadonlyMap<string, UnitRecord>;
  readonly rollouts: ReadonlyMap<string, Versioned<RolloutRecord>>;
  versionedUnit(name: string): Versioned<UnitRecord> | undefined;
  /** A unit's scheduling requirements (Global=, ...), when its content is known. */
  spec(name: string): SchedulerUnit | undefined;
  unitText(hash: string): string | undefined;
  waitFor(revision: Revision): Promise<void>;
}

/** A rollout's request checked and resolved against the cluster, before anything is written. */
export interface PreparedRollout {
  target: string;
  text: string;
  hash: string;
  template: Versioned<UnitRecord> | undefined;
  instances: { name: string; hash: string; running: boolean }[];
  /** A template's canaries, started beside its old instances (none: canaries in place). */
  addedCanaries: AddedCanary[];
  options: RolloutOptionsRecord;
}

/**
 * Starting rollouts and the operator's actions on them. Each is one etcd transaction that
 * compares what it read, retried when another writer got there first; the engine's leader
 * carries the rollout on from what is written.
 */
export class RolloutWrites {
  constructor(
    private readonly registry: Registry,
    private readonly cache: RolloutCache,
    private readonly now: () => number = Date.now,
    private readonly newId: () => string = () => randomBytes(4).toString("hex"),
  ) {}

  /** Checks the request and finds what it would replace; throws the client's problem. */
  prepare(request: RolloutRequest): PreparedRollout {
    const { target } = request;
    checkRequestedContent(request);
    const { template, names } = this.resolveTarget(target);
    const checkedAs = template?.value.name ?? names[0] ?? target;
    const checked = checkUnitFile(this.requestedText(request, template), checkedAs);
    if (!checked.ok)
      throw new ProblemError(
        "invalid-unit-file",
        `the new content for ${target} is not a valid unit file`,
        checked.errors,
      );
    const options = { ...ROLLOUT_DEFAULTS, ...request.options };
    if (options.healthyDeadlineSeconds <= options.minHealthySeconds)
      throw new ProblemError(
        "invalid-request",
        `healthyDeadlineSeconds (${options.healthyDeadlineSeconds}) must exceed minHealthySeconds (${options.minHealthySeconds}): no instance could stay healthy long enough in time`,
      );
    const instanceTime = options.healthyDeadlineSeconds + options.drainSeconds;
    if (options.progressDeadlineSeconds <= instanceTime)
      throw new ProblemError(
        "invalid-request",
        `progressDeadlineSeconds (${options.progressDeadlineSeconds}) must exceed healthyDeadlineSeconds and drainSeconds together (${instanceTime}): the rollout would give up on an instance before the instance's own deadline`,
      );
    const global = names.find((name) => this.cache.spec(name)?.requirements.global);
    if (global)
      throw new ProblemError(
        "invalid-request",
        `${global} is a global unit (Global=true): it runs on every machine as one unit, which a rollout cannot replace a few at a time; replace it with submit --replace`,
      );
    const instances = names.map((name) => {
      const unit = this.cache.units.get(name) as UnitRecord;
      return { name, hash: unit.hash, running: unit.desiredState === "launched" };
    });
    const addedCanaries = template
      ? addedCanariesFor(
          this.cache,
          template.value,
          checked.file,
          instances,
          checked.hash,
          options.canaries,
        )
      : [];
    return {
      target,
      text: serializeUnitFile(checked.file),
      hash: checked.hash,
      template,
      instances,
      addedCanaries,
      options,
    };
  }

  async start(request: RolloutRequest, revertOf?: string): Promise<RolloutRecord> {
    return retryingWrite(async (attempt) => {
      await this.catchUp(attempt);
      const prepared = this.prepare(request);
      const listing = await this.registry.listRollouts();
      refuseOverlap(prepared, listing.rollouts);
      const rollout = newRollout({
        id: this.newId(),
        target: prepared.target,
        toHash: prepared.hash,
        ...(prepared.template
          ? {
              template: {
                name: prepared.template.value.name,
                fromHash: prepared.template.value.hash,
              },
            }
          : {}),
        instances: prepared.instances,
        addedCanaries: prepared.addedCanaries,
        options: prepared.options,
        now: this.now(),
        ...(revertOf ? { revertOf } : {}),
      });
      const units: UnitRewrite[] = [];
      if (prepared.template && prepared.template.value.hash !== prepared.hash) {
        const at = new Date(this.now()).toISOString();
        const cause = causeOf(rollout.id, request, revertOf);
        units.push({
          expected: prepared.template,
          record: withRolloutChange(prepared.template.value, { hash: prepared.hash }, at, cause),
        });
      }
      // The template's own content too: a revert puts it back, and once the template's
      // reference moves to the new content nothing else may keep it.
      const fromHashes = prepared.instances.map((instance) => instance.hash);
      if (prepared.template) fromHashes.push(prepared.template.value.hash);
      const result = await this.registry.startRollout(rollout, {
        lock: listing.lock,
        text: prepared.text,
        fromHashes: [...new Set(fromHashes)],
        units,
      });
      if (!result.ok) return undefined;
      await this.cache.waitFor(result.revision);
      return rollout;
    }, `rollouts of ${request.target} changed concurrently; retry`);
  }

  /** Pause, resume, promote or abort, written as the engine writes a step. */
  async act(id: string, action: RolloutAction, reason?: string): Promise<RolloutRecord> {
    return retryingWrite(async (attempt) => {
      const current = await this.read(id, attempt);
      const step = applyAction(current.value, action, this.now(), reason);
      const { rewrites, lifecycle } = unitWrites(this.cache, step, this.now(), current.value);
      const result = await this.registry.advanceRollout(current, step.rollout, rewrites, lifecycle);
      if (!result.ok) return undefined;
      await this.cache.waitFor(result.revision);
      return step.rollout;
    }, `rollout ${id} changed concurrently; retry`);
  }

  /**
   * A new rollout putting back what `id` replaced, with its options: the template's content
   * before it, or the one content its units all had.
   */
  async revert(id: string): Promise<RolloutRecord> {
    const { value: rollout } = await this.read(id, 0);
    if (!FINAL_PHASES.has(rollout.phase))
      throw new ProblemError(
        "rollout-conflict",
        `rollout ${id} is ${rollout.phase}: abort it first (its auto-revert, when on, reverts a failure by itself)`,
      );
    if (rollout.phase === "reverted")
      throw new ProblemError("rollout-conflict", `rollout ${id} was reverted already`);
    const hash = revertedHash(rollout);
    const text = this.cache.unitText(hash) ?? (await this.registry.getUnitText(hash));
    if (text === undefined)
      throw new ProblemError("rollout-conflict", `the content rollout ${id} replaced is gone`);
    // A rollout kept from before the deadlines were checked against each other may not pass
    // that check: its revert gets the least progress deadline that does.
    const { healthyDeadlineSeconds, drainSeconds, progressDeadlineSeconds } = rollout.options;
    const options = {
      ...rollout.options,
      progressDeadlineSeconds: Math.max(
        progressDeadlineSeconds,
        healthyDeadlineSeconds + drainSeconds + 1,
      ),
    };
    return this.start({ target: rollout.target, text, options }, id);
  }

  private async read(id: string, attempt: number): Promise<Versioned<RolloutRecord>> {
    await this.catchUp(attempt);
    const found = this.cache.rollouts.get(id);
    if (!found) throw new ProblemError("rollout-not-found", `no rollout has the id ${id}`);
    return found;
  }

  /**
   * The first attempt reads the view as it is; one that lost a race first waits until the
   * view holds what etcd holds now, so that it reads what beat it.
   */
  private async catchUp(attempt: number): Promise<void> {
    if (attempt > 0) await this.cache.waitFor(await this.registry.ping());
  }

  /** The request's text, or that of the version it names of the template's or the unit's. */
  private requestedText(
    request: RolloutRequest,
    template: Versioned<UnitRecord> | undefined,
  ): string {
    if (request.text !== undefined) return request.text;
    const record = template?.value ?? (this.cache.units.get(request.target) as UnitRecord);
    return versionText(record, request.version as number, (hash) => this.cache.unitText(hash));
  }

  /** The template and the units a target names: a template (its instances), a glob, or a unit. */
  private resolveTarget(target: string): {
    template: Versioned<UnitRecord> | undefined;
    names: string[];
  } {
    const parsed = parseUnitName(target);
    if (parsed.ok && parsed.value.kind === "template") {
      const template = this.cache.versionedUnit(target);
      if (!template)
        throw new ProblemError("unit-file-not-found", `unit file ${target} has not been submitted`);
      const { prefix, suffix } = parsed.value;
      const names = [...this.cache.units.keys()].filter((name) => {
        const unit = parseUnitName(name);
        return (
          unit.ok &&
          unit.value.kind === "instance" &&
          unit.value.prefix === prefix &&
          unit.value.suffix === suffix
        );
      });
      return { template, names: names.sort() };
    }
    if (parsed.ok) {
      if (!this.cache.units.has(target))
        throw new ProblemError("unit-not-found", `unit ${target} has not been submitted`);
      return { template: undefined, names: [target] };
    }
    if (!isValidGlob(target))
      throw new ProblemError(
        "invalid-request",
        `target ${target} is neither a unit name, a template's name nor a glob of unit names`,
      );
    const names = [...this.cache.units.keys()].filter((name) => {
      const unit = parseUnitName(name);
      return unit.ok && unit.value.kind !== "template" && globMatch(target, name);
    });
    if (names.length === 0)
      throw new ProblemError("unit-not-found", `no submitted unit matches ${target}`);
    return { template: undefined, names: names.sort() };
  }
}

function applyAction(
  rollout: RolloutRecord,
  action: RolloutAction,
  now: number,
  reason: string | undefined,
): RolloutStep {
  try {
    switch (action) {
      case "pause":
        return pauseRollout(rollout, now);
      case "resume":
        return resumeRollout(rollout, now);
      case "promote":
        return promoteRollout(rollout, now);
      case "abort":
        return abortRollout(rollout, now, reason);
    }
  } catch (error) {
    if (error instanceof RolloutConflict) throw new ProblemError("rollout-conflict", error.message);
    throw error;
  }
}

/** A second rollout over units rolling out already is refused, naming the one in the way. */
export function refuseOverlap(
  prepared: PreparedRollout,
  rollouts: readonly Versioned<RolloutRecord>[],
): void {
  // The canaries' and their companions' names too: a rollout of a sidekick's template would
  // otherwise roll, or take, the units this one adds.
  const names = new Set([
    ...prepared.instances.map((instance) => instance.name),
    ...prepared.addedCanaries.flatMap((canary) => [
      canary.name,
      ...canary.companions.map((companion) => companion.name),
    ]),
  ]);
  for (const { value: other } of rollouts) {
    if (FINAL_PHASES.has(other.phase)) continue;
    const overlaps =
      other.target === prepared.target ||
      (prepared.template !== undefined && other.template?.name === prepared.template.value.name) ||
      other.instances.some(
        (instance) =>
          names.has(instance.name) ||
          (instance.companions ?? []).some((companion) => names.has(companion.name)),
      );
    if (!overlaps) continue;
    const instances = other.instances.filter((instance) => !instance.added);
    const replaced = instances.filter((instance) => instance.step === "done").length;
    throw new ProblemError(
      "rollout-conflict",
      `${prepared.target} overlaps rollout ${other.id} of ${other.target}, still ${other.phase}${other.paused ? " (paused)" : ""} with ${replaced} of ${instances.length} replaced; wait for it, or abort it`,
    );
  }
}

/** Why the template's content changes, for its history. */
function causeOf(id: string, request: RolloutRequest, revertOf: string | undefined): string {
  if (revertOf !== undefined) return `revert of rollout ${revertOf}`;
  if (request.version !== undefined) return `rollout ${id} of version ${request.version}`;
  return `rollout ${id}`;
}

/** The content a revert of `rollout` puts back. */
function revertedHash(rollout: RolloutRecord): string {
  if (rollout.template) return rollout.template.fromHash;
  const hashes = new Set(
    rollout.instances
      .filter((instance) => instance.step !== "skipped")
      .flatMap((instance) => instance.fromHash ?? []),
  );
  const [hash] = hashes;
  if (hashes.size !== 1 || hash === undefined)
    throw new ProblemError(
      "rollout-conflict",
      `the units of rollout ${rollout.id} had ${hashes.size} different contents before it: roll each back by a rollout of its own`,
    );
  return hash;
}
