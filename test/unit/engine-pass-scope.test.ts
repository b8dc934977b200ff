// The engine's passes look only at the units that changed or still owe something (PassScope):
// after any sequence of changes, such a pass must find what a pass over every unit finds.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { type Actions, computeActions } from "../../src/engine/actions.ts";
import { PassScope } from "../../src/engine/pass-scope.ts";
import { PlacementIndex } from "../../src/engine/placement-index.ts";
import type { Change } from "../../src/registry/registry.ts";
import { UNIT_STATES } from "../../src/unit/states.ts";
import { AT, fedView, machineRecord, writesOf } from "../support/fed-view.ts";

const MACHINES = ["m1", "m2", "m3"];
const UNITS = [
  "plain@1.service",
  "plain@2.service",
  "ssd.service",
  "everywhere.service",
  "elsewhere.service",
];
const TEXTS: Record<string, { hash: string; text: string }> = {
  "plain@1.service": { hash: "plain", text: "[Service]\nExecStart=/bin/true\n" },
  "plain@2.service": { hash: "plain", text: "[Service]\nExecStart=/bin/true\n" },
  "ssd.service": {
    hash: "ssd",
    text: "[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineMetadata=disk=ssd\n",
  },
  "everywhere.service": {
    hash: "everywhere",
    text: "[Service]\nExecStart=/bin/true\n[X-Fleet]\nGlobal=true\n",
  },
  "elsewhere.service": {
    hash: "elsewhere",
    text: "[Service]\nExecStart=/bin/true\n[X-Fleet]\nGlobal=true\nConflicts=everywhere.service\n",
  },
};

const operationArb: fc.Arbitrary<Change> = fc.oneof(
  fc
    .record({
      name: fc.constantFrom(...UNITS),
      desiredState: fc.constantFrom(...UNIT_STATES),
    })
    .map(
      ({ name, desiredState }): Change => ({
        kind: "unit",
        name,
        value: { name, hash: textOf(name).hash, desiredState, createdAt: AT, updatedAt: AT },
        version: 1,
      }),
    ),
  fc.constantFrom(...UNITS).map((name): Change => ({ kind: "unit", name })),
  fc.record({ name: fc.constantFrom(...UNITS), machineId: fc.constantFrom(...MACHINES) }).map(
    ({ name, machineId }): Change => ({
      kind: "placement",
      name,
      value: { machineId, placedAt: AT },
    }),
  ),
  fc.constantFrom(...UNITS).map((name): Change => ({ kind: "placement", name })),
  fc
    .record({
      name: fc.constantFrom(...UNITS),
      machineId: fc.constantFrom(...MACHINES),
      desiredState: fc.constantFrom(...UNIT_STATES),
      hash: fc.constantFrom("plain", "ssd", "everywhere", "elsewhere", "old"),
    })
    .map(
      ({ name, machineId, desiredState, hash }): Change => ({
        kind: "state",
        name,
        machineId,
        value: {
          name,
          machineId,
          hash,
          desiredState,
          loadState: "loaded",
          activeState: desiredState === "launched" ? "active" : "inactive",
          subState: "running",
          since: AT,
        },
      }),
    ),
  fc
    .record({ name: fc.constantFrom(...UNITS), machineId: fc.constantFrom(...MACHINES) })
    .map(({ name, machineId }): Change => ({ kind: "state", name, machineId })),
  fc.record({ id: fc.constantFrom(...MACHINES), ssd: fc.boolean(), present: fc.boolean() }).map(
    ({ id, ssd, present }): Change => ({
      kind: "machine",
      id,
      value: present ? machineRecord(id, ssd ? { disk: "ssd" } : {}) : undefined,
    }),
  ),
  fc
    .record({ id: fc.constantFrom(...MACHINES), reason: fc.constantFrom(undefined, "upgrade") })
    .map(
      ({ id, reason }): Change => ({
        kind: "machine-drain",
        id,
        value: { since: AT, ...(reason === undefined ? {} : { reason }) },
      }),
    ),
  fc.constantFrom(...MACHINES).map((id): Change => ({ kind: "machine-drain", id })),
  fc.record({ id: fc.constantFrom(...MACHINES), hideDisk: fc.boolean() }).map(
    ({ id, hideDisk }): Change => ({
      kind: "machine-metadata",
      id,
      value: hideDisk ? { disk: null } : undefined,
    }),
  ),
);

describe("engine passes over what changed", () => {
  test("find the same placements, agent calls, unplacements and waiting units as a full pass", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operationArb, { minLength: 1, maxLength: 30 }), async (ops) => {
        const { view, push, stop } = await startView();
        const placements = new PlacementIndex(view);
        const scope = new PassScope(view);
        const unfollow = [placements.follow(), scope.follow()];
        try {
          for (const op of ops) {
            push(op);
            const taken = scope.take(0);
            const scoped = computeActions(view, { placements, scope: taken });
            const full = computeActions(view);
            assert.deepEqual(summary(scoped), summary(full), `after ${JSON.stringify(op)}`);
            // As the engine does: its writes come back through the watch; agents do not
            // report here, so every call stays owed and is looked at again by the next pass.
            scope.settle(taken, scoped, () => 0);
            for (const change of writesOf(scoped, view)) push(change);
          }
        } finally {
          for (const stopFollowing of unfollow) stopFollowing();
          await stop();
        }
      }),
      { numRuns: 5000 },
    );
  });

  test("a pass with nothing changed and nothing owed looks at no unit", async () => {
    const { view, push, stop } = await startView();
    const scope = new PassScope(view);
    const unfollow = scope.follow();
    try {
      push({ kind: "machine", id: "m1", value: machineRecord("m1", {}) });
      assert.equal(scope.take(0), undefined, "the first pass looks at everything");
      const name = "plain@1.service";
      // An instance's creation puts its template's content again, in the same revision.
      push(
        { kind: "unit-file", hash: "plain", text: textOf(name).text },
        {
          kind: "unit",
          name,
          value: { name, hash: "plain", desiredState: "launched", createdAt: AT, updatedAt: AT },
          version: 2,
        },
      );
      const taken = scope.take(0);
      assert.deepEqual([...(taken ?? [])], [name]);
      scope.settle(taken, computeActions(view, { scope: taken }), () => 0);
      assert.deepEqual([...(scope.take(0) ?? [])], [], "a placed unit owes nothing");
    } finally {
      unfollow();
      await stop();
    }
  });
});

function textOf(name: string): { hash: string; text: string } {
  return TEXTS[name] as { hash: string; text: string };
}

function summary(actions: Actions) {
  const sorted = (items: string[]) => [...items].sort();
  return {
    place: sorted(actions.place.map((entry) => entry.unit)),
    unplace: sorted(actions.unplace.map((entry) => `${entry.unit}@${entry.machineId}`)),
    status: sorted(actions.status.map((entry) => `${entry.unit}: ${entry.reason ?? "-"}`)),
    agent: sorted(
      actions.agent.map((task) => `${task.unit}@${task.machineId} ${task.desiredState}`),
    ),
    waiting: sorted(actions.waiting),
  };
}

/** A view whose first snapshot holds every unit file. */
function startView() {
  return fedView(
    Object.values(TEXTS).map(({ hash, text }): Change => ({ kind: "unit-file", hash, text })),
  );
}
