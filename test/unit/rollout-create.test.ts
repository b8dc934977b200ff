import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { adoptInstances } from "../../src/rollout/adopt.ts";
import { type NewRolloutInput, newRollout } from "../../src/rollout/create.ts";
import { ROLLOUT_DEFAULTS } from "../../src/rollout/model.ts";

const NOW = Date.parse("2026-03-01T12:00:00.000Z");
const AT = "2026-03-01T12:00:00.000Z";

function input(overrides: Partial<NewRolloutInput> = {}): NewRolloutInput {
  return {
    id: "r1",
    target: "apache@.service",
    toHash: "new",
    instances: [
      { name: "apache@10.service", hash: "old" },
      { name: "apache@2.service", hash: "old" },
      { name: "apache@1.service", hash: "old" },
    ],
    options: { ...ROLLOUT_DEFAULTS },
    now: NOW,
    ...overrides,
  };
}

describe("newRollout", () => {
  test("orders the instances naturally, the first pending ones canaries", () => {
    const rollout = newRollout(input({ options: { ...ROLLOUT_DEFAULTS, canaries: 2 } }));
    assert.deepEqual(rollout, {
      id: "r1",
      target: "apache@.service",
      toHash: "new",
      options: { ...ROLLOUT_DEFAULTS, canaries: 2 },
      phase: "canary",
      paused: false,
      instances: [
        { name: "apache@1.service", fromHash: "old", step: "pending", since: AT, canary: true },
        { name: "apache@2.service", fromHash: "old", step: "pending", since: AT, canary: true },
        { name: "apache@10.service", fromHash: "old", step: "pending", since: AT },
      ],
      createdAt: AT,
      updatedAt: AT,
      progressAt: AT,
    });
  });

  test("an instance already on the new content is done, and is no canary", () => {
    const rollout = newRollout(
      input({
        instances: [
          { name: "apache@1.service", hash: "new" },
          { name: "apache@2.service", hash: "old" },
        ],
      }),
    );
    assert.deepEqual(rollout.instances, [
      {
        name: "apache@1.service",
        fromHash: "new",
        step: "done",
        since: AT,
        detail: "already on this content",
      },
      { name: "apache@2.service", fromHash: "old", step: "pending", since: AT, canary: true },
    ]);
    assert.equal(rollout.phase, "canary");
  });

  test("without canaries, rolls at once", () => {
    const rollout = newRollout(input({ options: { ...ROLLOUT_DEFAULTS, canaries: 0 } }));
    assert.equal(rollout.phase, "rolling");
    assert.ok(rollout.instances.every((instance) => instance.canary === undefined));
  });

  test("with nothing to replace, has succeeded", () => {
    const rollout = newRollout(input({ instances: [{ name: "apache@1.service", hash: "new" }] }));
    assert.equal(rollout.phase, "succeeded");
    assert.equal(newRollout(input({ instances: [] })).phase, "succeeded");
  });

  test("keeps the template it replaces and the rollout it reverts", () => {
    const template = { name: "apache@.service", fromHash: "old" };
    const rollout = newRollout(input({ template, revertOf: "r0" }));
    assert.deepEqual(rollout.template, template);
    assert.equal(rollout.revertOf, "r0");
    assert.ok(!("template" in newRollout(input())));
    assert.ok(!("revertOf" in newRollout(input())));
  });
});

describe("instances created from the template during its rollout", () => {
  const base = () =>
    newRollout({
      id: "r1",
      target: "apache@.service",
      toHash: "new",
      template: { name: "apache@.service", fromHash: "old" },
      instances: [{ name: "apache@1.service", hash: "old", running: true }],
      options: { ...ROLLOUT_DEFAULTS },
      now: NOW,
    });

  test("join it: done on the new content, and put back by a revert; one it missed is replaced", () => {
    const adopted = adoptInstances(
      base(),
      [
        { name: "apache@1.service", hash: "old" },
        { name: "apache@2.service", hash: "new" },
        { name: "apache@3.service", hash: "old" },
      ],
      NOW + 1000,
    );
    assert.deepEqual(
      adopted.instances.slice(1).map(({ name, fromHash, step }) => [name, fromHash, step]),
      [
        ["apache@2.service", "old", "done"],
        ["apache@3.service", "old", "pending"],
      ],
    );
    const reverting = adoptInstances(
      { ...base(), phase: "reverting" },
      [{ name: "apache@4.service", hash: "new" }],
      NOW,
    );
    assert.deepEqual(reverting.instances.at(-1), {
      name: "apache@4.service",
      fromHash: "old",
      step: "pending",
      reverting: true,
      since: new Date(NOW).toISOString(),
    });
  });

  test("nothing new, or a rollout that ended: the same rollout", () => {
    const rollout = base();
    assert.equal(
      adoptInstances(rollout, [{ name: "apache@1.service", hash: "old" }], NOW),
      rollout,
    );
    const ended = { ...rollout, phase: "succeeded" as const };
    assert.equal(adoptInstances(ended, [{ name: "apache@9.service", hash: "new" }], NOW), ended);
  });
});
