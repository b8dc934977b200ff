import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { newRollout } from "../../src/rollout/create.ts";
import {
  ROLLOUT_DEFAULTS,
  type RolloutPhase,
  type RolloutRecord,
} from "../../src/rollout/model.ts";
import {
  abortRollout,
  pauseRollout,
  promoteRollout,
  RolloutConflict,
  resumeRollout,
} from "../../src/rollout/operations.ts";

const T0 = Date.parse("2026-03-01T12:00:00.000Z");
const LATER = T0 + 60_000;
const iso = (time: number) => new Date(time).toISOString();

function rollout(phase: RolloutPhase, fields: Partial<RolloutRecord> = {}): RolloutRecord {
  const created = newRollout({
    id: "r1",
    target: "apache@.service",
    toHash: "new",
    instances: [1, 2, 3].map((i) => ({ name: `apache@${i}.service`, hash: "old" })),
    options: { ...ROLLOUT_DEFAULTS },
    now: T0,
  });
  return { ...created, phase, ...fields };
}

const FINAL: RolloutPhase[] = ["succeeded", "failed", "reverted", "aborted"];
const MOVING: RolloutPhase[] = ["canary", "awaiting-promotion", "rolling", "reverting"];

function conflict(message: string) {
  return (error: unknown) => error instanceof RolloutConflict && error.message === message;
}

describe("pauseRollout", () => {
  for (const phase of MOVING) {
    test(`pauses a rollout ${phase}`, () => {
      const before = rollout(phase);
      const step = pauseRollout(before, LATER);
      assert.deepEqual(step, {
        rollout: { ...before, paused: true, updatedAt: iso(LATER) },
        units: [],
        events: ["paused"],
      });
      assert.equal(before.paused, false);
    });
  }

  test("refuses a rollout already paused", () => {
    assert.throws(
      () => pauseRollout(rollout("rolling", { paused: true }), LATER),
      conflict("rollout r1 is already paused"),
    );
  });

  for (const phase of FINAL) {
    test(`refuses a rollout ${phase}`, () => {
      assert.throws(
        () => pauseRollout(rollout(phase), LATER),
        conflict(`rollout r1 is ${phase}: it can no longer be paused`),
      );
    });
  }
});

describe("resumeRollout", () => {
  test("resumes, the progress deadline counting afresh", () => {
    const step = resumeRollout(rollout("rolling", { paused: true }), LATER);
    assert.equal(step.rollout.paused, false);
    assert.equal(step.rollout.progressAt, iso(LATER));
    assert.equal(step.rollout.updatedAt, iso(LATER));
    assert.deepEqual(step.events, ["resumed"]);
  });

  test("refuses a rollout not paused", () => {
    assert.throws(
      () => resumeRollout(rollout("canary"), LATER),
      conflict("rollout r1 is canary and not paused"),
    );
  });

  test("refuses a final rollout, even paused", () => {
    assert.throws(
      () => resumeRollout(rollout("aborted", { paused: true }), LATER),
      conflict("rollout r1 is aborted: it can no longer be resumed"),
    );
  });
});

describe("promoteRollout", () => {
  for (const phase of ["awaiting-promotion", "canary"] as const) {
    test(`rolls a rollout ${phase}`, () => {
      const step = promoteRollout(rollout(phase), LATER);
      assert.equal(step.rollout.phase, "rolling");
      assert.equal(step.rollout.progressAt, iso(LATER));
      assert.deepEqual(step.units, []);
      assert.deepEqual(step.events, ["promoted"]);
    });
  }

  for (const phase of ["rolling", "reverting"] as const) {
    test(`refuses a rollout ${phase}`, () => {
      assert.throws(
        () => promoteRollout(rollout(phase), LATER),
        conflict(
          `rollout r1 is ${phase}: only a rollout in its canary phase or awaiting promotion can be promoted`,
        ),
      );
    });
  }

  test("refuses a final rollout", () => {
    assert.throws(
      () => promoteRollout(rollout("succeeded"), LATER),
      conflict("rollout r1 is succeeded: it can no longer be promoted"),
    );
  });
});

describe("abortRollout", () => {
  test("withdraws the drains; an instance being replaced keeps its new content", () => {
    const before = rollout("rolling");
    before.instances = [
      { ...before.instances[0]!, step: "replacing", drainedAt: iso(T0), healthySince: iso(T0) },
      { ...before.instances[1]!, step: "draining", drainedAt: iso(T0) },
      before.instances[2]!,
    ];
    const snapshot = structuredClone(before);
    const step = abortRollout(before, LATER, "wrong image");
    assert.deepEqual(before, snapshot);
    assert.equal(step.rollout.phase, "aborted");
    assert.equal(step.rollout.reason, "wrong image");
    assert.equal(step.rollout.updatedAt, iso(LATER));
    assert.deepEqual(step.units, [{ name: "apache@2.service", draining: false }]);
    assert.deepEqual(step.events, ["aborted: wrong image"]);
    assert.equal(step.rollout.instances[0], before.instances[0]);
    assert.deepEqual(step.rollout.instances[1], {
      name: "apache@2.service",
      fromHash: "old",
      step: "pending",
      since: iso(LATER),
    });
    assert.equal(step.rollout.instances[2], before.instances[2]);
  });

  test("says it was aborted when no reason is given", () => {
    const step = abortRollout(rollout("awaiting-promotion", { paused: true }), LATER);
    assert.equal(step.rollout.reason, "aborted");
    assert.deepEqual(step.events, ["aborted: aborted"]);
  });

  for (const phase of FINAL) {
    test(`refuses a rollout ${phase}`, () => {
      assert.throws(
        () => abortRollout(rollout(phase), LATER),
        conflict(`rollout r1 is ${phase}: it can no longer be aborted`),
      );
    });
  }
});
