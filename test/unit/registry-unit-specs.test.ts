import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Change, Registry, WatchHandlers } from "../../src/registry/registry.ts";
import { UnitSpecs } from "../../src/registry/unit-specs.ts";
import { ClusterView } from "../../src/registry/view.ts";

const AT = "2026-01-01T00:00:00.000Z";
const TEMPLATES: Record<string, string> = {
  "web@.service": "[Service]\nExecStart=/bin/true\n[X-Fleet]\nConflicts=web@*.service\n",
  "side@.service": "[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineOf=web@%i.service\n",
  "broken@.service": "[Service\nExecStart=/bin/true\n",
  "backup@.timer": "[Timer]\nOnCalendar=daily\n",
  "backup@.service": "[Service]\nType=oneshot\nExecStart=/bin/true\n",
  "lead@.timer": "[Timer]\nOnCalendar=daily\n",
  "lead@.service": "[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineOf=lead@%i.timer\n",
  "loop@.timer": "[Timer]\nOnCalendar=daily\nUnit=loop@%i.timer\n",
};

/** A view holding the templates above and the given instances, fed by hand. */
async function viewOf(instances: string[]): Promise<ClusterView> {
  const hashOf = (name: string) => name.replace(/@[^.]*/, "");
  const changes: Change[] = [
    ...Object.entries(TEMPLATES).map(
      ([name, text]): Change => ({ kind: "unit-file", hash: hashOf(name), text }),
    ),
    ...[...Object.keys(TEMPLATES), ...instances].map(
      (name): Change => ({
        kind: "unit",
        name,
        value: { name, hash: hashOf(name), desiredState: "launched", createdAt: AT, updatedAt: AT },
        version: 1,
      }),
    ),
  ];
  const registry = {
    watch: async (handlers: WatchHandlers) => {
      handlers.reset({ revision: 1, changes });
      return { close: async () => {} };
    },
  } as unknown as Registry;
  const view = new ClusterView();
  await view.start(registry);
  return view;
}

describe("UnitSpecs", () => {
  test("instances whose [X-Fleet] has no specifier share one requirements object", async () => {
    const specs = new UnitSpecs(await viewOf(["web@1.service", "web@2.service"]));
    const first = specs.of("web@1.service");
    const second = specs.of("web@2.service");
    assert.deepEqual(first?.requirements.conflicts, ["web@*.service"]);
    assert.equal(first?.name, "web@1.service");
    assert.equal(second?.name, "web@2.service");
    assert.equal(second?.requirements, first?.requirements);
  });

  test("a specifier makes each instance's requirements its own", async () => {
    const specs = new UnitSpecs(await viewOf(["side@1.service", "side@2.service"]));
    assert.deepEqual(specs.of("side@1.service")?.requirements.machineOf, ["web@1.service"]);
    assert.deepEqual(specs.of("side@2.service")?.requirements.machineOf, ["web@2.service"]);
    // An instance not created yet takes its template's content.
    assert.deepEqual(specs.of("side@3.service")?.requirements.machineOf, ["web@3.service"]);
  });

  test("a timer goes where its service is, unless the service follows the timer", async () => {
    const specs = new UnitSpecs(await viewOf(["backup@db.timer", "lead@1.timer"]));
    assert.deepEqual(specs.of("backup@db.timer")?.requirements.machineOf, ["backup@db.service"]);
    assert.deepEqual(specs.of("lead@1.timer")?.requirements.machineOf, []);
    assert.deepEqual(specs.of("lead@1.service")?.requirements.machineOf, ["lead@1.timer"]);
  });

  test("a timer whose Unit= is no service, as an earlier release accepted, follows nothing", async () => {
    const specs = new UnitSpecs(await viewOf(["loop@1.timer"]));
    assert.deepEqual(specs.of("loop@1.timer")?.requirements.machineOf, []);
  });

  test("a unit whose content does not parse has no spec", async () => {
    const specs = new UnitSpecs(await viewOf(["broken@1.service"]));
    assert.equal(specs.of("broken@1.service"), undefined);
    assert.equal(specs.of("missing.service"), undefined);
  });
});
