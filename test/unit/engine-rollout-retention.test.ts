import assert from "node:assert/strict";
import { test } from "node:test";
import { FINISHED_ROLLOUTS_KEPT, rolloutsPastKeeping } from "../../src/engine/rollouts.ts";
import type { RolloutRecord } from "../../src/registry/records.ts";
import type { Versioned } from "../../src/registry/registry.ts";
import { ROLLOUT_DEFAULTS } from "../../src/rollout/model.ts";

function rollout(
  id: number,
  target: string,
  phase: RolloutRecord["phase"] = "succeeded",
): Versioned<RolloutRecord> {
  const at = new Date(Date.UTC(2026, 0, 1, 0, id)).toISOString();
  return {
    version: 100 + id,
    value: {
      id: `r${id}`,
      target,
      toHash: "new",
      options: { ...ROLLOUT_DEFAULTS },
      phase,
      paused: false,
      instances: [],
      createdAt: at,
      updatedAt: at,
      progressAt: at,
    },
  };
}

test("each target keeps its newest finished rollouts; one in progress is never past keeping", () => {
  const many = Array.from({ length: FINISHED_ROLLOUTS_KEPT + 3 }, (_, i) =>
    rollout(i, "a@.service"),
  );
  const others = [rollout(50, "b@.service"), rollout(51, "b@.service")];
  const running = rollout(-1, "a@.service", "rolling");
  const past = rolloutsPastKeeping([...others, running, ...many.reverse()]);
  assert.deepEqual(
    past.map((entry) => entry.value.id),
    ["r2", "r1", "r0"],
  );
});
