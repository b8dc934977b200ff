import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ClusterIndex, type SchedulerUnit } from "../../src/scheduler/cluster-index.ts";
import { compilePattern, type Pattern, PrefixIndex } from "../../src/scheduler/pattern.ts";
import type { FleetRequirements } from "../../src/unit/xfleet.ts";

function unit(name: string, r: Partial<FleetRequirements> = {}): SchedulerUnit {
  return {
    name,
    requirements: { machineOf: [], conflicts: [], metadata: [], global: false, replaces: [], ...r },
  };
}

function cluster(...ids: string[]): ClusterIndex {
  const index = new ClusterIndex();
  for (const id of ids) index.setMachine({ id, metadata: {} });
  return index;
}

const byMachine = (index: ClusterIndex, pattern: string) =>
  Object.fromEntries(
    [...(index.placedMatching(pattern)?.byMachine ?? [])].map(([m, names]) => [
      m,
      [...names].sort(),
    ]),
  );

describe("ClusterIndex", () => {
  test("machines are sorted by id; setMachine updates metadata in place", () => {
    const index = cluster("m2", "m10", "m1");
    assert.deepEqual(
      index.machines().map((m) => m.id),
      ["m1", "m10", "m2"],
    );
    index.place(unit("a.service"), "m2");
    index.setMachine({ id: "m2", metadata: { disk: "ssd" } });
    assert.deepEqual(index.machine("m2")?.metadata, { disk: "ssd" });
    assert.deepEqual([...index.unitsOn("m2")], ["a.service"]);
    assert.deepEqual([...index.machinesWithMetadata("disk", "ssd")], ["m2"]);
    index.setMachine({ id: "m2", metadata: { disk: "hdd" } });
    assert.deepEqual([...index.machinesWithMetadata("disk", "ssd")], []);
    assert.deepEqual([...index.machinesWithMetadata("disk", "hdd")], ["m2"]);
  });

  test("placing a non-global unit elsewhere moves it; a global one is added", () => {
    const index = cluster("m1", "m2");
    index.place(unit("a.service"), "m1");
    index.place(unit("a.service"), "m2");
    assert.deepEqual(index.machinesOf("a.service"), ["m2"]);
    assert.equal(index.load("m1"), 0);
    const g = unit("g.service", { global: true });
    index.place(g, "m1");
    index.place(g, "m2");
    index.place(g, "m2");
    assert.deepEqual(index.machinesOf("g.service"), ["m1", "m2"]);
    assert.deepEqual(index.byLoad(), [[], ["m1"], ["m2"]]);
    index.unplace("g.service", "m2");
    assert.deepEqual(index.machinesOf("g.service"), ["m1"]);
    index.unplace("g.service");
    assert.deepEqual(index.machinesOf("g.service"), []);
    assert.deepEqual(index.requirementsOf("g.service"), undefined);
    assert.throws(() => index.place(g, "m9"), /unknown machine m9/);
  });

  test("removeMachine returns its units, sorted; globals stay elsewhere", () => {
    const index = cluster("m1", "m2");
    index.place(unit("b.service"), "m1");
    index.place(unit("a.service", { conflicts: ["b*"] }), "m1");
    index.place(unit("c.service"), "m2");
    const g = unit("g.service", { global: true });
    index.place(g, "m1");
    index.place(g, "m2");
    assert.deepEqual(index.removeMachine("m1"), ["a.service", "b.service", "g.service"]);
    assert.deepEqual(index.removeMachine("m1"), []);
    assert.deepEqual(index.machinesOf("g.service"), ["m2"]);
    assert.deepEqual(index.machinesOf("a.service"), []);
    assert.deepEqual(index.declaring("conflicts", "b.service"), []);
    assert.deepEqual(
      index.machines().map((m) => m.id),
      ["m2"],
    );
    assert.deepEqual(index.byLoad().flat(), ["m2"]);
  });

  test("target patterns, indexed before or after the units they match", () => {
    const index = cluster("m1", "m2");
    assert.deepEqual(byMachine(index, "web@*.service"), {});
    index.place(unit("web@1.service"), "m1");
    index.place(unit("web@2.service"), "m2");
    index.place(unit("web@3.service"), "m2");
    index.place(unit("webby.service"), "m2");
    assert.deepEqual(byMachine(index, "web@*.service"), {
      m1: ["web@1.service"],
      m2: ["web@2.service", "web@3.service"],
    });
    assert.deepEqual(byMachine(index, "web*"), {
      m1: ["web@1.service"],
      m2: ["web@2.service", "web@3.service", "webby.service"],
    });
    assert.deepEqual(byMachine(index, "web@3.service"), { m2: ["web@3.service"] });
    index.unplace("web@3.service");
    assert.deepEqual(byMachine(index, "web@3.service"), {});
    assert.deepEqual(byMachine(index, "web@*.service"), {
      m1: ["web@1.service"],
      m2: ["web@2.service"],
    });
    assert.equal(index.placedMatching("[bad"), undefined);
  });

  test("declared Conflicts and Replaces, for the reverse checks", () => {
    const index = cluster("m1", "m2");
    index.place(unit("a.service", { conflicts: ["x@*.service", "y.service"] }), "m1");
    index.place(unit("b.service", { conflicts: ["x@*.service"], replaces: ["z.service"] }), "m2");
    const conflicting = (name: string) =>
      index
        .declaring("conflicts", name)
        .map((d) => [d.pattern.text, Object.fromEntries(d.byMachine)]);
    assert.deepEqual(conflicting("x@1.service"), [
      ["x@*.service", { m1: new Set(["a.service"]), m2: new Set(["b.service"]) }],
    ]);
    assert.deepEqual(conflicting("y.service"), [["y.service", { m1: new Set(["a.service"]) }]]);
    assert.deepEqual(conflicting("z.service"), []);
    assert.equal(index.declaring("replaces", "z.service").length, 1);
    // New requirements for a placed unit replace the old ones.
    index.place(unit("a.service", { conflicts: ["y.service"] }), "m1");
    assert.deepEqual(conflicting("x@1.service"), [["x@*.service", { m2: new Set(["b.service"]) }]]);
  });

  test("machinesWithId: full id or a prefix of 8 characters or more", () => {
    const index = cluster("abcdefgh1", "abcdefgh2", "abcdefgi", "short");
    assert.deepEqual(index.machinesWithId("short"), ["short"]);
    assert.deepEqual(index.machinesWithId("abcdefgh"), ["abcdefgh1", "abcdefgh2"]);
    assert.deepEqual(index.machinesWithId("abcdefgh2"), ["abcdefgh2"]);
    assert.deepEqual(index.machinesWithId("abcdefg"), []);
    assert.deepEqual(index.machinesWithId("shor"), []);
  });

  test("clone is independent", () => {
    const index = cluster("m1", "m2");
    index.place(unit("a.service", { conflicts: ["b*"] }), "m1");
    index.placedMatching("a*");
    const copy = index.clone();
    copy.place(unit("a2.service"), "m2");
    copy.unplace("a.service");
    copy.setMachine({ id: "m3", metadata: { k: "v" } });
    assert.deepEqual(byMachine(index, "a*"), { m1: ["a.service"] });
    assert.deepEqual(byMachine(copy, "a*"), { m2: ["a2.service"] });
    assert.equal(index.declaring("conflicts", "b.service").length, 1);
    assert.equal(copy.declaring("conflicts", "b.service").length, 0);
    assert.deepEqual(
      index.machines().map((m) => m.id),
      ["m1", "m2"],
    );
    assert.deepEqual(index.byLoad(), [["m2"], ["m1"]]);
  });
});

describe("PrefixIndex", () => {
  test("PrefixIndex finds the patterns matching a name", () => {
    const index = new PrefixIndex<{ pattern: Pattern }>();
    const items = ["web@*.service", "web*", "*.service", "w?b@1.service", "db@*"].map((text) => ({
      pattern: compilePattern(text),
    }));
    for (const item of items) index.add(item);
    const found = (name: string) => {
      const out: string[] = [];
      index.forEachMatch(name, (item) => out.push(item.pattern.text));
      return out.sort();
    };
    assert.deepEqual(found("web@1.service"), [
      "*.service",
      "w?b@1.service",
      "web*",
      "web@*.service",
    ]);
    assert.deepEqual(found("db@1"), ["db@*"]);
    index.delete(items[2] as { pattern: Pattern });
    assert.deepEqual(found("x.service"), []);
  });
});
