// The rollout's step against a simulated cluster: unit records the step's changes are written
// to, and an agent that reports what its machine runs, moved by the test. Every step is checked
// to be idempotent and to keep within maxParallel.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import type { AddedCanary } from "../../src/rollout/canaries.ts";
import { newRollout } from "../../src/rollout/create.ts";
import {
  FINAL_PHASES,
  MAX_UNITS_PER_STEP,
  ROLLOUT_DEFAULTS,
  type RolloutOptionsRecord,
  type RolloutRecord,
  type RolloutStep,
  type RolloutUnitView,
} from "../../src/rollout/model.ts";
import {
  abortRollout,
  pauseRollout,
  promoteRollout,
  RolloutConflict,
  resumeRollout,
} from "../../src/rollout/operations.ts";
import { stepRollout } from "../../src/rollout/step.ts";
import type { JudgedHealthStatus } from "../../src/unit/health-status.ts";

const T0 = Date.parse("2026-03-01T12:00:00.000Z");
const OLD = "0".repeat(40);
const NEW = "1".repeat(40);
const SECOND = 1000;

type UnitState = NonNullable<RolloutUnitView["state"]>;

/** How content comes up when the agent starts it. */
interface Outcome {
  activeState: string;
  subState: string;
  health?: JudgedHealthStatus;
}

const RUNNING: Outcome = { activeState: "active", subState: "running" };
const HEALTHY: Outcome = { ...RUNNING, health: "healthy" };
const STARTING: Outcome = { ...RUNNING, health: "starting" };
const UNHEALTHY: Outcome = { ...RUNNING, health: "unhealthy" };
const CRASHED: Outcome = { activeState: "failed", subState: "failed" };
const ACTIVATING: Outcome = { activeState: "activating", subState: "start" };

const iso = (time: number) => new Date(time).toISOString();
const name = (i: number) => `apache@${i}.service`;

/** Instances taking one of maxParallel's slots: in flight, and not a canary added beside. */
function inFlightOf(rollout: RolloutRecord): string[] {
  return rollout.instances
    .filter((instance) => instance.step === "draining" || instance.step === "replacing")
    .filter((instance) => !instance.added)
    .map((instance) => instance.name);
}

function stepsOf(rollout: RolloutRecord): Record<string, string> {
  return Object.fromEntries(rollout.instances.map((instance) => [instance.name, instance.step]));
}

/** Stepping the step's output again, with `world` and at `now`, changes nothing. */
function assertSettled(step: RolloutStep, world: Map<string, RolloutUnitView>, now: number) {
  const again = stepRollout(step.rollout, world, now);
  assert.equal(again.rollout, step.rollout, "a step of its own output returns it as it is");
  assert.deepEqual(again.units, []);
  assert.deepEqual(again.events, []);
  assert.equal(again.template, undefined);
  assert.equal(again.wakeAt, step.wakeAt);
}

class Cluster {
  readonly world = new Map<string, RolloutUnitView>();
  readonly events: string[] = [];
  now = T0;
  rollout: RolloutRecord;
  templateHash = OLD;
  /** How the agent brings up each unit's content. */
  outcome: (name: string, hash: string) => Outcome = () => HEALTHY;
  /** The agent withdraws a unit's announcements as soon as its record asks it to. */
  confirmsDrains = true;
  /** The most instances in flight after any step. */
  peakInFlight = 0;

  constructor(
    count: number,
    options: Partial<RolloutOptionsRecord> = {},
    addedCanaries?: AddedCanary[],
  ) {
    const names = Array.from({ length: count }, (_, i) => name(i + 1));
    for (const unit of names) {
      this.world.set(unit, {
        record: { hash: OLD, desiredState: "launched", draining: false },
        state: this.started(OLD, HEALTHY),
      });
    }
    this.rollout = newRollout({
      id: "r1",
      target: "apache@.service",
      toHash: NEW,
      template: { name: "apache@.service", fromHash: OLD },
      instances: names.map((unit) => ({ name: unit, hash: OLD })),
      options: { ...ROLLOUT_DEFAULTS, ...options },
      ...(addedCanaries ? { addedCanaries } : {}),
      now: T0,
    });
  }

  unit(unit: string): RolloutUnitView {
    return this.world.get(unit) as RolloutUnitView;
  }

  instance(unit: string) {
    return this.rollout.instances.find((instance) => instance.name === unit)!;
  }

  step(): RolloutStep {
    const step = stepRollout(this.rollout, this.world, this.now);
    // A unit created comes with the rollout, in one transaction: no view holds the step's
    // rollout without it, and without it the canary looks destroyed.
    if (!step.units.some((unit) => unit.create)) assertSettled(step, this.world, this.now);
    this.write(step);
    assertSettled(step, this.world, this.now);
    const inFlight = inFlightOf(step.rollout).length;
    assert.ok(inFlight <= step.rollout.options.maxParallel, `${inFlight} instances in flight`);
    this.peakInFlight = Math.max(this.peakInFlight, inFlight);
    return step;
  }

  /** What the engine does with a step: one transaction. */
  write(step: RolloutStep): void {
    for (const change of step.units) {
      if (change.create) {
        assert.ok(!this.world.has(change.name), `${change.name} is created once`);
        const hash = change.hash as string;
        this.world.set(change.name, {
          record: { hash, desiredState: "launched", draining: false },
        });
        continue;
      }
      if (change.destroy) {
        // As the engine does: a unit destroyed already (an abort does not look) stays so.
        this.world.delete(change.name);
        continue;
      }
      const record = this.unit(change.name).record!;
      if (change.hash !== undefined) record.hash = change.hash;
      if (change.draining !== undefined) record.draining = change.draining;
    }
    if (step.template !== undefined) this.templateHash = step.template.hash;
    this.rollout = step.rollout;
    this.events.push(...step.events);
  }

  /** The agents' moves towards the records; whether any moved. */
  agent(): boolean {
    let moved = false;
    for (const [name, unit] of this.world) {
      const { record, state } = unit;
      if (record === undefined || record.desiredState !== "launched") continue;
      if (record.draining) {
        if (this.confirmsDrains && state !== undefined && !state.draining) {
          unit.state = { ...state, draining: true };
          moved = true;
        }
      } else if (state?.hash !== record.hash) {
        unit.state = this.started(record.hash, this.outcome(name, record.hash));
        moved = true;
      } else if (state.draining) {
        unit.state = { ...state, draining: false };
        moved = true;
      }
    }
    return moved;
  }

  started(hash: string, outcome: Outcome): UnitState {
    const { health, ...states } = outcome;
    const state: UnitState = { hash, ...states, draining: false };
    if (health !== undefined) state.health = { status: health, since: iso(this.now) };
    return state;
  }

  /** The agent reports `outcome` for the content the unit's record has. */
  report(unit: string, outcome: Outcome): void {
    const view = this.unit(unit);
    view.state = this.started(view.record!.hash, outcome);
  }

  /** Steps, lets the agents move, and waits for each wakeAt, until nothing more happens. */
  run(): void {
    for (let steps = 0; steps < 500; steps++) {
      const { wakeAt } = this.step();
      if (this.agent()) continue;
      if (FINAL_PHASES.has(this.rollout.phase) || wakeAt === undefined) return;
      assert.ok(wakeAt > this.now);
      this.now = wakeAt;
    }
    assert.fail("the rollout settles");
  }

  after(seconds: number): this {
    this.now += seconds * SECOND;
    return this;
  }
}

/** Drains and replaces the first instance, its new content then started as `outcome`. */
function replaceFirst(cluster: Cluster, outcome?: Outcome): Cluster {
  if (outcome !== undefined) cluster.outcome = () => outcome;
  cluster.step();
  cluster.agent();
  cluster.step();
  assert.equal(cluster.instance(name(1)).step, "replacing");
  cluster.agent();
  return cluster;
}

describe("a rolling update without canaries", () => {
  test("replaces 6 instances 2 at a time, each drained and healthy, and succeeds", () => {
    const cluster = new Cluster(6, { maxParallel: 2, canaries: 0 });
    assert.equal(cluster.rollout.phase, "rolling");
    cluster.run();
    assert.equal(cluster.rollout.phase, "succeeded");
    assert.equal(cluster.peakInFlight, 2);
    for (const instance of cluster.rollout.instances) {
      assert.equal(instance.step, "done");
      assert.equal(cluster.unit(instance.name).record?.hash, NEW);
      assert.equal(cluster.unit(instance.name).state?.hash, NEW);
      assert.equal(cluster.unit(instance.name).record?.draining, false);
    }
    // Each pair: 5s of drain, then 10s healthy.
    assert.equal(cluster.now, T0 + 3 * 15 * SECOND);
    assert.deepEqual(cluster.events.slice(0, 4), [
      "apache@1.service: draining",
      "apache@2.service: draining",
      "apache@1.service: new content given",
      "apache@2.service: new content given",
    ]);
    assert.equal(cluster.events.at(-1), "rollout succeeded");
    assert.ok(cluster.events.includes("apache@6.service: healthy for 10s, done"));
  });

  test("starts instances in their natural order", () => {
    const cluster = new Cluster(12, { maxParallel: 1, canaries: 0 });
    const started: string[] = [];
    for (let steps = 0; steps < 500 && !FINAL_PHASES.has(cluster.rollout.phase); steps++) {
      const { units, wakeAt } = cluster.step();
      started.push(...units.filter((unit) => unit.draining).map((unit) => unit.name));
      if (!cluster.agent() && wakeAt !== undefined) cluster.now = wakeAt;
    }
    assert.deepEqual(
      started,
      Array.from({ length: 12 }, (_, i) => name(i + 1)),
    );
  });

  test("a unit that is not launched gets the new content at once, with no drain", () => {
    const cluster = new Cluster(3, { maxParallel: 1, canaries: 0 });
    for (const unit of cluster.world.values()) {
      unit.record!.desiredState = "loaded";
      delete unit.state;
    }
    const step = cluster.step();
    assert.deepEqual(step.units, [
      { name: name(1), hash: NEW },
      { name: name(2), hash: NEW },
      { name: name(3), hash: NEW },
    ]);
    assert.equal(step.rollout.phase, "succeeded");
    assert.deepEqual(step.events, [
      "apache@1.service: not launched, done",
      "apache@2.service: not launched, done",
      "apache@3.service: not launched, done",
      "rollout succeeded",
    ]);
  });

  test("a unit that is already on the new content is done when its turn comes", () => {
    const cluster = new Cluster(2, { maxParallel: 1, canaries: 0 });
    cluster.unit(name(1)).record!.hash = NEW;
    const step = cluster.step();
    assert.deepEqual(step.units, [{ name: name(2), draining: true }]);
    assert.equal(cluster.instance(name(1)).step, "done");
    assert.equal(cluster.instance(name(1)).detail, "already on this content");
    assert.equal(cluster.instance(name(2)).step, "draining");
  });
});

describe("canaries", () => {
  test("one canary alone first, then the rest once it is healthy (autoPromote)", () => {
    const cluster = new Cluster(4, { maxParallel: 2, canaries: 1 });
    assert.equal(cluster.rollout.phase, "canary");
    assert.equal(cluster.instance(name(1)).canary, true);
    const phases: string[] = [];
    for (let steps = 0; steps < 100 && !FINAL_PHASES.has(cluster.rollout.phase); steps++) {
      const { wakeAt } = cluster.step();
      if (cluster.rollout.phase === "canary") {
        assert.ok(inFlightOf(cluster.rollout).every((unit) => unit === name(1)));
      }
      phases.push(cluster.rollout.phase);
      if (!cluster.agent() && wakeAt !== undefined) cluster.now = wakeAt;
    }
    assert.deepEqual([...new Set(phases)], ["canary", "rolling", "succeeded"]);
    assert.ok(cluster.events.includes("canaries healthy: promoted"));
    // Promoted in the step that found the canary healthy: the next two start draining in it.
    const promoted = cluster.events.indexOf("canaries healthy: promoted");
    assert.deepEqual(cluster.events.slice(promoted - 1, promoted + 3), [
      "apache@1.service: healthy for 10s, done",
      "canaries healthy: promoted",
      "apache@2.service: draining",
      "apache@3.service: draining",
    ]);
    assert.equal(cluster.rollout.phase, "succeeded");
  });

  test("without autoPromote, waits for the promotion, then goes on", () => {
    const cluster = new Cluster(3, { canaries: 1, autoPromote: false, maxParallel: 2 });
    cluster.run();
    assert.equal(cluster.rollout.phase, "awaiting-promotion");
    assert.deepEqual(stepsOf(cluster.rollout), {
      [name(1)]: "done",
      [name(2)]: "pending",
      [name(3)]: "pending",
    });
    assert.equal(cluster.events.at(-1), "canaries healthy: waiting for promotion");

    // Waiting is no failure, however long it takes.
    const waiting = cluster.rollout;
    const step = cluster.after(86_400).step();
    assert.equal(step.rollout, waiting);
    assert.equal(step.wakeAt, undefined);

    const promoted = promoteRollout(cluster.rollout, cluster.now);
    assert.deepEqual(promoted.events, ["promoted"]);
    cluster.write(promoted);
    assert.equal(cluster.rollout.progressAt, iso(cluster.now));
    cluster.run();
    assert.equal(cluster.rollout.phase, "succeeded");
  });

  test("promoted early, a canary in flight finishes with the others", () => {
    const cluster = new Cluster(3, { canaries: 1, maxParallel: 2 });
    cluster.step();
    cluster.write(promoteRollout(cluster.rollout, cluster.now));
    const step = cluster.step();
    assert.deepEqual(step.units, [{ name: name(2), draining: true }]);
    assert.deepEqual(inFlightOf(cluster.rollout), [name(1), name(2)]);
    cluster.run();
    assert.equal(cluster.rollout.phase, "succeeded");
  });
});

describe("canaries added beside the old instances", () => {
  const CANARY = name(5);
  const SIDEKICK = "apache-discovery@5.service";
  const added = (): AddedCanary[] => [
    { name: CANARY, companions: [{ name: SIDEKICK, hash: "sidekick" }] },
  ];

  test("start on the new content while every old instance serves, and go once those are replaced", () => {
    const cluster = new Cluster(4, { maxParallel: 2, canaries: 1 }, added());
    assert.equal(cluster.rollout.phase, "canary");
    assert.deepEqual(cluster.instance(CANARY), {
      name: CANARY,
      step: "pending",
      since: iso(T0),
      canary: true,
      added: true,
      companions: [{ name: SIDEKICK, hash: "sidekick" }],
    });
    const first = cluster.step();
    assert.deepEqual(first.units, [
      { name: CANARY, hash: NEW, create: true },
      { name: SIDEKICK, hash: "sidekick", create: true },
    ]);
    assert.deepEqual(first.events, [`${CANARY}: canary started beside the old instances`]);
    let sawAllServing = false;
    for (let steps = 0; steps < 100 && cluster.rollout.phase === "canary"; steps++) {
      const old = [1, 2, 3, 4].map((i) => cluster.unit(name(i)));
      assert.ok(old.every((unit) => unit.record?.hash === OLD && !unit.record.draining));
      sawAllServing = true;
      const { wakeAt } = cluster.step();
      if (!cluster.agent() && wakeAt !== undefined) cluster.now = wakeAt;
    }
    assert.ok(sawAllServing);
    cluster.run();
    assert.equal(cluster.rollout.phase, "succeeded");
    assert.equal(cluster.peakInFlight, 2, "the canary takes none of maxParallel's slots");
    for (const i of [1, 2, 3, 4]) assert.equal(cluster.unit(name(i)).state?.hash, NEW);
    assert.equal(cluster.world.has(CANARY), false);
    assert.equal(cluster.world.has(SIDEKICK), false);
    assert.equal(cluster.instance(CANARY).step, "removed");
    assert.equal(cluster.instance(CANARY).detail, "replaced");
    // Drained like any instance that stops while it may serve, after the last old one is done.
    const retired = cluster.events.indexOf(`${CANARY}: canary draining, to be removed`);
    assert.ok(retired > cluster.events.indexOf(`${name(4)}: healthy for 10s, done`));
    assert.deepEqual(cluster.events.slice(-2), [`${CANARY}: canary removed`, "rollout succeeded"]);
  });

  test("one that never turns healthy is removed, and no old instance was touched", () => {
    const cluster = new Cluster(3, { canaries: 1 }, added());
    cluster.outcome = (_, hash) => (hash === NEW ? UNHEALTHY : HEALTHY);
    cluster.run();
    assert.equal(cluster.rollout.phase, "reverted");
    assert.equal(cluster.rollout.reason, `${CANARY}: unhealthy`);
    assert.equal(cluster.templateHash, OLD);
    for (const i of [1, 2, 3]) {
      assert.equal(cluster.instance(name(i)).step, "pending");
      assert.equal(cluster.unit(name(i)).record?.hash, OLD);
    }
    assert.ok(!cluster.events.some((event) => event.endsWith(": draining")));
    assert.equal(cluster.world.has(CANARY), false);
    assert.equal(cluster.world.has(SIDEKICK), false);
    assert.equal(cluster.instance(CANARY).detail, "reverted");
  });

  test("one the engine cannot place fails at once, with the engine's reason", () => {
    const cluster = new Cluster(2, { canaries: 1 }, added());
    cluster.step();
    cluster.unit(CANARY).unplaceable = "no machine without apache@*.service";
    const step = cluster.step();
    assert.equal(step.rollout.phase, "reverting");
    assert.equal(
      step.rollout.reason,
      `${CANARY}: cannot be placed: no machine without apache@*.service`,
    );
    cluster.run();
    assert.equal(cluster.rollout.phase, "reverted");
    assert.equal(cluster.world.has(CANARY), false);
  });

  test("a name taken meanwhile fails the canary, and nothing is created", () => {
    const cluster = new Cluster(2, { canaries: 1 }, added());
    cluster.world.set(SIDEKICK, { record: { hash: OLD, desiredState: "loaded", draining: false } });
    const step = cluster.step();
    assert.ok(!step.units.some((unit) => unit.create));
    assert.equal(
      step.rollout.reason,
      `${CANARY}: ${SIDEKICK} exists already: the canary cannot be created`,
    );
    assert.equal(step.rollout.phase, "reverted");
    assert.equal(cluster.world.has(SIDEKICK), true, "somebody else's unit is left alone");
  });

  test("a failure while the old ones are replaced puts them back and removes the canary", () => {
    const cluster = new Cluster(3, { canaries: 1, maxParallel: 1 }, added());
    cluster.outcome = (unit, hash) => (unit === name(2) && hash === NEW ? CRASHED : HEALTHY);
    cluster.run();
    assert.equal(cluster.rollout.phase, "reverted");
    assert.equal(cluster.rollout.reason, `${name(2)}: failed: failed`);
    assert.equal(cluster.unit(name(1)).state?.hash, OLD);
    assert.equal(cluster.unit(name(2)).state?.hash, OLD);
    assert.equal(cluster.world.has(CANARY), false);
    assert.equal(cluster.instance(CANARY).step, "removed");
  });

  test("without autoRevert a failure destroys the canary at once", () => {
    const cluster = new Cluster(2, { canaries: 1, autoRevert: false }, added());
    cluster.outcome = () => CRASHED;
    cluster.run();
    assert.equal(cluster.rollout.phase, "failed");
    assert.equal(cluster.world.has(CANARY), false);
    assert.equal(cluster.world.has(SIDEKICK), false);
    assert.equal(cluster.instance(CANARY).detail, "the rollout failed");
  });

  test("an abort destroys the canary and its companions", () => {
    const cluster = new Cluster(2, { canaries: 1 }, added());
    cluster.step();
    const aborted = abortRollout(cluster.rollout, cluster.now, "enough");
    assert.deepEqual(aborted.units, [
      { name: CANARY, destroy: true },
      { name: SIDEKICK, destroy: true },
    ]);
    cluster.write(aborted);
    assert.equal(cluster.instance(CANARY).step, "removed");
    assert.equal(cluster.world.has(CANARY), false);
  });

  test("one that crashed is removed in the step that retires it, with no drain time", () => {
    // The property below found it (a crash, or a drain confirmed early, before the retirement).
    const options = { maxParallel: 2, canaries: 1, autoRevert: false, drainSeconds: 0 };
    const cluster = new Cluster(4, { ...options, minHealthySeconds: 0 }, added());
    cluster.agent();
    cluster.step();
    cluster.agent();
    cluster.step();
    assert.equal(cluster.rollout.phase, "rolling");
    assert.equal(cluster.instance(CANARY).step, "done");
    // It crashes once done: nothing is left for it to prove, and it serves nothing to drain.
    cluster.report(CANARY, CRASHED);
    cluster.step();
    cluster.agent();
    cluster.step();
    cluster.agent();
    cluster.step();
    cluster.agent();
    cluster.step();
    cluster.agent();
    const last = cluster.step();
    assert.deepEqual(last.events.slice(-3), [
      `${CANARY}: canary draining, to be removed`,
      `${CANARY}: canary removed`,
      "rollout succeeded",
    ]);
    assert.equal(cluster.world.has(CANARY), false);
    assert.equal(cluster.world.has(SIDEKICK), false);
  });

  test("a canary destroyed by someone before it was healthy fails the rollout", () => {
    const cluster = new Cluster(2, { canaries: 1 }, added());
    cluster.step();
    cluster.world.delete(CANARY);
    const step = cluster.step();
    assert.equal(step.rollout.reason, `${CANARY}: destroyed before it was healthy`);
    cluster.run();
    assert.equal(cluster.rollout.phase, "reverted");
    assert.equal(cluster.world.has(SIDEKICK), false, "its companion goes with it");
  });
});

describe("the drain", () => {
  test("waits for the agent to withdraw the announcements, then drainSeconds", () => {
    const cluster = new Cluster(1, { canaries: 0, drainSeconds: 5 });
    cluster.confirmsDrains = false;
    let step = cluster.step();
    assert.deepEqual(step.units, [{ name: name(1), draining: true }]);
    assert.equal(cluster.instance(name(1)).step, "draining");
    assert.equal(cluster.instance(name(1)).since, iso(T0));
    // Only the progress deadline is ahead while the machine has not confirmed.
    assert.equal(step.wakeAt, T0 + 600 * SECOND + 1);

    step = cluster.after(30).step();
    assert.equal(cluster.instance(name(1)).drainedAt, undefined);
    assert.deepEqual(step.units, []);

    cluster.unit(name(1)).state!.draining = true;
    step = cluster.step();
    const drainedAt = cluster.now;
    assert.equal(cluster.instance(name(1)).drainedAt, iso(drainedAt));
    assert.equal(step.wakeAt, drainedAt + 5 * SECOND);
    assert.deepEqual(step.units, []);
    assert.deepEqual(step.events, []);

    cluster.now = drainedAt + 5 * SECOND - 1;
    assert.equal(cluster.step().rollout.instances[0]?.step, "draining");

    cluster.now = drainedAt + 5 * SECOND;
    step = cluster.step();
    assert.deepEqual(step.units, [{ name: name(1), hash: NEW, draining: false }]);
    assert.deepEqual(step.events, ["apache@1.service: new content given"]);
    assert.equal(cluster.instance(name(1)).step, "replacing");
    assert.equal(cluster.instance(name(1)).since, iso(cluster.now));
  });

  test("a unit that serves nothing is drained at once; with no drain time, replaced at once", () => {
    const cluster = new Cluster(2, { canaries: 0, maxParallel: 2, drainSeconds: 0 });
    delete cluster.unit(name(1)).state;
    cluster.unit(name(2)).state!.activeState = "inactive";
    const step = cluster.step();
    // Drain set and cleared in one step: one change per unit.
    assert.deepEqual(step.units, [
      { name: name(1), draining: false, hash: NEW },
      { name: name(2), draining: false, hash: NEW },
    ]);
    assert.deepEqual(stepsOf(cluster.rollout), { [name(1)]: "replacing", [name(2)]: "replacing" });
    assert.equal(cluster.instance(name(1)).drainedAt, iso(T0));
  });
});

describe("health", () => {
  function replacing(outcome: Outcome, options: Partial<RolloutOptionsRecord> = {}) {
    return replaceFirst(new Cluster(1, { canaries: 0, drainSeconds: 0, ...options }), outcome);
  }

  test("a unit without a check counts as healthy while it runs", () => {
    const cluster = replacing(RUNNING);
    const since = cluster.now;
    let step = cluster.step();
    assert.equal(cluster.instance(name(1)).healthySince, iso(since));
    assert.equal(step.wakeAt, since + 10 * SECOND);
    step = cluster.after(10).step();
    assert.equal(cluster.instance(name(1)).step, "done");
    assert.deepEqual(step.events, ["apache@1.service: healthy for 10s, done", "rollout succeeded"]);
    assert.equal(cluster.rollout.progressAt, iso(cluster.now));
  });

  test("starting again resets the healthy time", () => {
    const cluster = replacing(HEALTHY);
    cluster.step();
    assert.equal(cluster.instance(name(1)).healthySince, iso(T0));

    cluster.report(name(1), STARTING);
    const step = cluster.after(8).step();
    assert.equal(cluster.instance(name(1)).healthySince, undefined);
    assert.equal(step.wakeAt, T0 + 300 * SECOND + 1, "only the healthy deadline is ahead");

    cluster.report(name(1), HEALTHY);
    cluster.after(1).step();
    assert.equal(cluster.instance(name(1)).healthySince, iso(T0 + 9 * SECOND));
    cluster.after(9).step();
    assert.equal(cluster.instance(name(1)).step, "replacing");
    cluster.after(1).step();
    assert.equal(cluster.instance(name(1)).step, "done");
  });

  test("any sight but running restarts the healthy time", () => {
    const cluster = replacing(HEALTHY);
    cluster.step();
    cluster.report(name(1), ACTIVATING);
    cluster.after(10).step();
    assert.equal(cluster.instance(name(1)).step, "replacing");
    assert.equal(cluster.instance(name(1)).healthySince, undefined);
  });

  test("the old content still reported is waited for", () => {
    const cluster = new Cluster(1, { canaries: 0, drainSeconds: 0 });
    cluster.step();
    cluster.agent();
    cluster.step();
    const step = cluster.after(60).step();
    assert.equal(cluster.instance(name(1)).step, "replacing");
    assert.deepEqual(step.units, []);
  });

  test("a unit not healthy by the healthy deadline fails", () => {
    const cluster = replacing(ACTIVATING, { autoRevert: false, healthyDeadlineSeconds: 30 });
    const since = Date.parse(cluster.instance(name(1)).since!);
    let step = cluster.step();
    assert.equal(step.wakeAt, since + 30 * SECOND + 1);
    cluster.now = since + 30 * SECOND;
    step = cluster.step();
    assert.equal(cluster.instance(name(1)).step, "replacing");
    cluster.now = since + 30 * SECOND + 1;
    step = cluster.step();
    assert.equal(cluster.instance(name(1)).step, "failed");
    assert.equal(cluster.instance(name(1)).detail, "not healthy within 30s");
    assert.equal(cluster.rollout.phase, "failed");
    assert.equal(cluster.rollout.reason, "apache@1.service: not healthy within 30s");
    assert.deepEqual(step.events, ["rollout failed: apache@1.service: not healthy within 30s"]);
    assert.equal(step.wakeAt, undefined);
  });

  test("a unit that crashes fails at once, with its state", () => {
    const cluster = replacing(CRASHED, { autoRevert: false });
    cluster.step();
    assert.equal(cluster.instance(name(1)).detail, "failed: failed");
    assert.equal(cluster.rollout.reason, "apache@1.service: failed: failed");
  });

  test("the earlier of the healthy time's end and the deadline is the wake time", () => {
    const cluster = replacing(HEALTHY, { minHealthySeconds: 60, healthyDeadlineSeconds: 40 });
    const step = cluster.after(5).step();
    assert.equal(step.wakeAt, T0 + 40 * SECOND + 1);
  });
});

describe("failure", () => {
  test("an unhealthy canary is put back on its content, and the template with it", () => {
    const cluster = new Cluster(4, { canaries: 1, maxParallel: 2 });
    cluster.outcome = (_, hash) => (hash === NEW ? UNHEALTHY : HEALTHY);
    for (let steps = 0; cluster.rollout.phase === "canary"; steps++) {
      assert.ok(steps < 20);
      const { wakeAt } = cluster.step();
      if (!cluster.agent() && wakeAt !== undefined) cluster.now = wakeAt;
    }
    assert.equal(cluster.rollout.phase, "reverting");
    assert.equal(cluster.rollout.reason, "apache@1.service: unhealthy");
    assert.equal(cluster.templateHash, OLD);
    assert.deepEqual(cluster.events.slice(-3), [
      "apache@1.service: new content given",
      "rollout failed: apache@1.service: unhealthy; reverting",
      // The revert begins in the same step.
      "apache@1.service: draining",
    ]);
    const canary = cluster.instance(name(1));
    assert.equal(canary.step, "draining");
    assert.equal(canary.reverting, true);
    assert.equal(canary.canary, true);
    assert.equal(canary.detail, undefined);

    cluster.run();
    assert.equal(cluster.rollout.phase, "reverted");
    assert.equal(cluster.rollout.reason, "apache@1.service: unhealthy");
    assert.equal(cluster.events.at(-1), "rollout reverted");
    assert.deepEqual(stepsOf(cluster.rollout), {
      [name(1)]: "reverted",
      [name(2)]: "pending",
      [name(3)]: "pending",
      [name(4)]: "pending",
    });
    for (const unit of cluster.world.values()) {
      assert.equal(unit.record?.hash, OLD);
      assert.equal(unit.state?.hash, OLD);
      assert.equal(unit.state?.health?.status, "healthy");
    }
  });

  test("the revert's first step: the template back, the failed instance drained again", () => {
    const cluster = replaceFirst(new Cluster(2, { canaries: 1, drainSeconds: 0 }));
    cluster.report(name(1), UNHEALTHY);
    const step = cluster.after(1).step();
    assert.deepEqual(step.template, { name: "apache@.service", hash: OLD });
    assert.deepEqual(step.units, [{ name: name(1), draining: true }]);
    assert.equal(cluster.rollout.progressAt, iso(cluster.now), "the revert gets its own time");
  });

  test("instances done before the failure are reverted too; a drain is only withdrawn", () => {
    const cluster = new Cluster(4, {
      canaries: 0,
      maxParallel: 3,
      drainSeconds: 0,
      minHealthySeconds: 0,
    });
    cluster.confirmsDrains = false;
    cluster.step();
    for (const unit of [name(1), name(2)]) cluster.unit(unit).state!.draining = true;
    cluster.step();
    cluster.report(name(1), HEALTHY);
    cluster.report(name(2), UNHEALTHY);
    const step = cluster.step();
    assert.equal(cluster.rollout.reason, "apache@2.service: unhealthy");
    assert.deepEqual(step.events, [
      "apache@1.service: healthy for 0s, done",
      "rollout failed: apache@2.service: unhealthy; reverting",
      "apache@1.service: draining",
      "apache@2.service: draining",
    ]);
    assert.deepEqual(step.units, [
      { name: name(3), draining: false },
      { name: name(1), draining: true },
      { name: name(2), draining: true },
    ]);
    assert.deepEqual(
      cluster.rollout.instances.map(({ name, step, reverting }) => ({ name, step, reverting })),
      [
        { name: name(1), step: "draining", reverting: true },
        { name: name(2), step: "draining", reverting: true },
        { name: name(3), step: "pending", reverting: undefined },
        { name: name(4), step: "pending", reverting: undefined },
      ],
    );
  });

  test("without autoRevert the rollout fails, its drains withdrawn, nothing put back", () => {
    const cluster = new Cluster(3, { canaries: 0, maxParallel: 2, autoRevert: false });
    cluster.confirmsDrains = false;
    cluster.step();
    delete cluster.unit(name(1)).state;
    cluster.step();
    cluster.after(5).step();
    cluster.agent();
    cluster.report(name(1), CRASHED);
    const step = cluster.step();
    assert.equal(cluster.rollout.phase, "failed");
    assert.equal(step.template, undefined);
    assert.deepEqual(step.units, [{ name: name(2), draining: false }]);
    assert.deepEqual(step.events, ["rollout failed: apache@1.service: failed: failed"]);
    assert.deepEqual(stepsOf(cluster.rollout), {
      [name(1)]: "failed",
      [name(2)]: "pending",
      [name(3)]: "pending",
    });
    assert.equal(cluster.unit(name(1)).record?.hash, NEW);
  });

  test("a revert in the step that failed reads the records as the step leaves them", () => {
    const cluster = new Cluster(1, { canaries: 0, drainSeconds: 0 });
    // Its machine still reports a crash of the new content from an earlier attempt.
    cluster.unit(name(1)).state = cluster.started(NEW, CRASHED);
    const step = cluster.step();
    assert.deepEqual(step.events, [
      "apache@1.service: draining",
      "apache@1.service: new content given",
      "rollout failed: apache@1.service: failed: failed; reverting",
      "apache@1.service: draining",
      "apache@1.service: new content given",
    ]);
    assert.deepEqual(step.units, [{ name: name(1), hash: OLD, draining: false }]);
    assert.equal(cluster.instance(name(1)).step, "replacing");
    assert.equal(cluster.instance(name(1)).reverting, true);
  });

  test("a revert that fails ends the rollout failed", () => {
    const cluster = new Cluster(2, { canaries: 1 });
    cluster.outcome = (_, hash) => (hash === NEW ? UNHEALTHY : CRASHED);
    cluster.run();
    assert.equal(cluster.rollout.phase, "failed");
    assert.equal(cluster.rollout.reason, "revert failed: apache@1.service: failed: failed");
    assert.deepEqual(stepsOf(cluster.rollout), { [name(1)]: "failed", [name(2)]: "pending" });
    assert.ok(cluster.events.includes("rollout failed: apache@1.service: unhealthy; reverting"));
    assert.equal(
      cluster.events.at(-1),
      "rollout failed: revert failed: apache@1.service: failed: failed",
    );
  });
});

describe("the progress deadline", () => {
  test("fails a rollout no instance of which got anywhere for progressDeadlineSeconds", () => {
    const cluster = new Cluster(2, { canaries: 0, autoRevert: false });
    cluster.confirmsDrains = false;
    let step = cluster.step();
    assert.equal(step.wakeAt, T0 + 600 * SECOND + 1);
    cluster.now = T0 + 600 * SECOND;
    step = cluster.step();
    assert.equal(cluster.rollout.phase, "rolling");
    cluster.now += 1;
    step = cluster.step();
    assert.equal(cluster.rollout.phase, "failed");
    assert.equal(cluster.rollout.reason, "no instance became healthy for 600s");
    assert.deepEqual(step.units, [{ name: name(1), draining: false }]);
  });

  test("counts from the last instance done", () => {
    const cluster = replaceFirst(
      new Cluster(2, { canaries: 0, drainSeconds: 0, minHealthySeconds: 0 }),
    );
    cluster.after(100).step();
    assert.equal(cluster.instance(name(1)).step, "done");
    const step = cluster.step();
    assert.equal(step.wakeAt, T0 + 700 * SECOND + 1);
  });

  test("with autoRevert and nothing replaced yet, reverts to nothing at once", () => {
    const cluster = new Cluster(2, { canaries: 0 });
    cluster.confirmsDrains = false;
    cluster.step();
    cluster.now = T0 + 600 * SECOND + 1;
    const step = cluster.step();
    assert.deepEqual(step.events, [
      "rollout failed: no instance became healthy for 600s; reverting",
      "rollout reverted",
    ]);
    assert.deepEqual(step.units, [{ name: name(1), draining: false }]);
    assert.equal(cluster.rollout.phase, "reverted");
  });

  test("a revert too slow fails", () => {
    const cluster = replaceFirst(new Cluster(2, { canaries: 1, drainSeconds: 0 }));
    cluster.report(name(1), UNHEALTHY);
    cluster.step();
    assert.equal(cluster.rollout.phase, "reverting");
    cluster.confirmsDrains = false;
    const step = cluster.step();
    assert.equal(step.wakeAt, T0 + 600 * SECOND + 1);
    cluster.now = T0 + 600 * SECOND + 1;
    cluster.step();
    assert.equal(cluster.rollout.phase, "failed");
    assert.equal(cluster.rollout.reason, "revert failed: no instance became healthy for 600s");
  });
});

describe("destroyed units", () => {
  test("are skipped, pending or in flight, and the rollout goes on", () => {
    const cluster = new Cluster(4, { canaries: 0, maxParallel: 2 });
    cluster.step();
    cluster.world.delete(name(1));
    cluster.unit(name(3)).record = undefined;
    const step = cluster.step();
    assert.deepEqual(step.events, [
      "apache@1.service: destroyed, skipped",
      "apache@3.service: destroyed, skipped",
      "apache@4.service: draining",
    ]);
    assert.equal(cluster.instance(name(1)).detail, "destroyed");
    cluster.run();
    assert.equal(cluster.rollout.phase, "succeeded");
    assert.deepEqual(stepsOf(cluster.rollout), {
      [name(1)]: "skipped",
      [name(2)]: "done",
      [name(3)]: "skipped",
      [name(4)]: "done",
    });
  });

  test("a destroyed canary counts as finished", () => {
    const cluster = new Cluster(2, { canaries: 1 });
    cluster.world.delete(name(1));
    const step = cluster.step();
    assert.equal(cluster.rollout.phase, "rolling");
    assert.deepEqual(step.units, [{ name: name(2), draining: true }]);
  });
});

/**
 * FLOTILLA_PROPERTY_SEED=<seed> (and FLOTILLA_PROPERTY_PATH=<path>) replay a failing run
 * (fast-check prints both).
 */
const replay = process.env.FLOTILLA_PROPERTY_SEED
  ? {
      seed: Number(process.env.FLOTILLA_PROPERTY_SEED),
      ...(process.env.FLOTILLA_PROPERTY_PATH ? { path: process.env.FLOTILLA_PROPERTY_PATH } : {}),
    }
  : {};

/** An operator's action, when the rollout's phase allows it. */
function operate(
  cluster: Cluster,
  operation: (rollout: RolloutRecord, now: number) => RolloutStep,
) {
  try {
    cluster.write(operation(cluster.rollout, cluster.now));
  } catch (error) {
    if (!(error instanceof RolloutConflict)) throw error;
  }
}

describe("idempotence", () => {
  test("a step of a step's output, with the same world, returns the same object", () => {
    const cluster = new Cluster(3, { canaries: 1, drainSeconds: 0, minHealthySeconds: 0 });
    const first = stepRollout(cluster.rollout, cluster.world, T0);
    assert.notEqual(first.rollout, cluster.rollout);
    const again = stepRollout(first.rollout, cluster.world, T0);
    assert.equal(again.rollout, first.rollout);
    assert.deepEqual(again.units, []);
    assert.deepEqual(again.events, []);
  });

  test("the input rollout is never changed, and instances untouched are shared", () => {
    const cluster = new Cluster(3, { canaries: 0 });
    const before = structuredClone(cluster.rollout);
    const input = cluster.rollout;
    const step = stepRollout(input, cluster.world, T0);
    assert.deepEqual(input, before);
    assert.notEqual(step.rollout.instances[0], input.instances[0]);
    assert.equal(step.rollout.instances[1], input.instances[1]);
    assert.equal(step.rollout.updatedAt, iso(T0));
  });

  test("holds whatever the agents do and whenever the steps come", () => {
    const outcomes = [HEALTHY, RUNNING, STARTING, UNHEALTHY, CRASHED, ACTIVATING];
    const move = fc.record({
      unit: fc.integer({ min: 1, max: 6 }),
      kind: fc.oneof(
        { arbitrary: fc.constant("agent"), weight: 6 },
        fc.constantFrom("report", "confirm", "destroy", "stop", "operator"),
      ),
      operation: fc.constantFrom(pauseRollout, resumeRollout, promoteRollout, abortRollout),
      outcome: fc.constantFrom(...outcomes),
      seconds: fc.integer({ min: 0, max: 400 }),
    });
    fc.assert(
      fc.property(
        fc.record({
          maxParallel: fc.integer({ min: 1, max: 3 }),
          canaries: fc.integer({ min: 0, max: 2 }),
          autoPromote: fc.boolean(),
          autoRevert: fc.boolean(),
          drainSeconds: fc.integer({ min: 0, max: 10 }),
          minHealthySeconds: fc.integer({ min: 0, max: 30 }),
        }),
        fc.boolean(),
        fc.array(move, { maxLength: 60 }),
        (options, beside, moves) => {
          const added = Array.from({ length: beside ? options.canaries : 0 }, (_, i) => ({
            name: name(5 + i),
            companions: [{ name: `apache-discovery@${5 + i}.service`, hash: "sidekick" }],
          }));
          const cluster = new Cluster(4, options, added);
          for (const { unit, kind, outcome, operation, seconds } of moves) {
            const view = cluster.world.get(name(unit));
            if (kind === "agent") cluster.agent();
            else if (kind === "operator") operate(cluster, operation);
            else if (view?.record === undefined) continue;
            else if (kind === "report") cluster.report(name(unit), outcome);
            else if (kind === "confirm" && view.state) view.state.draining = true;
            else if (kind === "destroy") cluster.world.delete(name(unit));
            else if (kind === "stop") view.state = undefined;
            cluster.after(seconds).step();
            // A canary never outlives its rollout.
            if (FINAL_PHASES.has(cluster.rollout.phase))
              for (const canary of added)
                for (const unit of [canary.name, ...canary.companions.map((c) => c.name)])
                  assert.ok(!cluster.world.has(unit), `${unit} is gone`);
          }
        },
      ),
      { numRuns: 300, ...replay },
    );
  });
});

describe("pause and resume", () => {
  test("a pause starts nothing new; what is in flight finishes", () => {
    const cluster = new Cluster(3, { canaries: 0, maxParallel: 1 });
    cluster.step();
    cluster.write(pauseRollout(cluster.rollout, cluster.now));
    cluster.run();
    assert.equal(cluster.rollout.phase, "rolling");
    assert.deepEqual(stepsOf(cluster.rollout), {
      [name(1)]: "done",
      [name(2)]: "pending",
      [name(3)]: "pending",
    });
    // Paused, nothing is owed progress.
    const paused = cluster.rollout;
    const step = cluster.after(3600).step();
    assert.equal(step.rollout, paused);
    assert.equal(step.wakeAt, undefined);

    cluster.write(resumeRollout(cluster.rollout, cluster.now));
    assert.equal(cluster.rollout.progressAt, iso(cluster.now));
    const resumed = cluster.step();
    assert.deepEqual(resumed.units, [{ name: name(2), draining: true }]);
    cluster.run();
    assert.equal(cluster.rollout.phase, "succeeded");
  });

  test("a revert waits for a resume too", () => {
    const cluster = replaceFirst(new Cluster(2, { canaries: 1, drainSeconds: 0 }));
    cluster.write(pauseRollout(cluster.rollout, cluster.now));
    cluster.report(name(1), UNHEALTHY);
    const step = cluster.step();
    assert.equal(cluster.rollout.phase, "reverting");
    assert.deepEqual(step.units, []);
    assert.equal(cluster.instance(name(1)).step, "pending");
  });
});

describe("abort", () => {
  test("withdraws the drains and stops everything", () => {
    const cluster = new Cluster(3, { canaries: 0, maxParallel: 2 });
    cluster.confirmsDrains = false;
    cluster.step();
    delete cluster.unit(name(1)).state;
    cluster.step();
    cluster.after(5).step();
    assert.deepEqual(stepsOf(cluster.rollout), {
      [name(1)]: "replacing",
      [name(2)]: "draining",
      [name(3)]: "pending",
    });
    const aborted = abortRollout(cluster.rollout, cluster.now, "wrong image");
    assert.deepEqual(aborted.units, [{ name: name(2), draining: false }]);
    cluster.write(aborted);
    const step = cluster.after(1000).step();
    assert.equal(step.rollout, aborted.rollout);
    assert.equal(step.wakeAt, undefined);
  });
});

describe("a step stays within one etcd transaction, and never spreads a known failure", () => {
  test("60 units that do not run change at most MAX_UNITS_PER_STEP at a time, and all get there", () => {
    const names = Array.from({ length: 60 }, (_, i) => name(i + 1));
    const world = new Map<string, RolloutUnitView>(
      names.map((unit) => [
        unit,
        { record: { hash: OLD, desiredState: "loaded", draining: false } },
      ]),
    );
    let rollout = newRollout({
      id: "r1",
      target: "apache@.service",
      toHash: NEW,
      instances: names.map((unit) => ({ name: unit, hash: OLD, running: false })),
      options: { ...ROLLOUT_DEFAULTS, canaries: 0 },
      now: T0,
    });
    let steps = 0;
    while (!FINAL_PHASES.has(rollout.phase)) {
      const step = stepRollout(rollout, world, T0);
      assert.ok(step.units.length <= MAX_UNITS_PER_STEP, `${step.units.length} units in one step`);
      for (const change of step.units) {
        const record = world.get(change.name)?.record;
        assert.ok(record);
        if (change.hash) record.hash = change.hash;
      }
      rollout = step.rollout;
      assert.ok(++steps < 10);
    }
    assert.equal(rollout.phase, "succeeded");
    assert.ok(steps > 1, "it took more than one step");
  });

  test("a replacement that fails in the step keeps the drained instance off the bad content", () => {
    const cluster = new Cluster(4, { canaries: 0, maxParallel: 2, drainSeconds: 1 });
    cluster.confirmsDrains = false;
    const confirmDrain = (unit: string) => {
      const view = cluster.unit(unit);
      view.state = { ...(view.state as UnitState), draining: true };
    };
    cluster.step();
    confirmDrain(name(1));
    cluster.step();
    cluster.after(1).step();
    assert.equal(cluster.instance(name(1)).step, "replacing");
    // apache@2's drain is confirmed late, and ends just as apache@1's new content is seen
    // unhealthy.
    confirmDrain(name(2));
    cluster.step();
    cluster.report(name(1), UNHEALTHY);
    const step = stepRollout(cluster.rollout, cluster.world, cluster.now + SECOND);
    assert.equal(step.rollout.phase, "reverting");
    assert.ok(
      !step.units.some((change) => change.name === name(2) && change.hash === NEW),
      "apache@2 never gets the content apache@1 failed on",
    );
  });
});

test("only a running instance is a canary: one that does not run would prove nothing", () => {
  const rollout = newRollout({
    id: "r1",
    target: "apache@.service",
    toHash: NEW,
    instances: [
      { name: name(1), hash: OLD, running: false },
      { name: name(2), hash: OLD, running: true },
    ],
    options: { ...ROLLOUT_DEFAULTS, canaries: 1 },
    now: T0,
  });
  assert.deepEqual(
    rollout.instances.map((instance) => [instance.name, instance.canary === true]),
    [
      [name(1), false],
      [name(2), true],
    ],
  );
});
