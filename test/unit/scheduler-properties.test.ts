// Property tests: decide() against a brute-force reading of the rules on random small clusters
// (some machines drained) built by random sequences of engine operations, and the compiled patterns against globMatch.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { ClusterIndex, type SchedulerUnit } from "../../src/scheduler/cluster-index.ts";
import { decide, decideGlobal, planBatch } from "../../src/scheduler/decide.ts";
import { compilePattern } from "../../src/scheduler/pattern.ts";
import { globMatch } from "../../src/unit/glob.ts";
import type { FleetRequirements, MetadataRequirement } from "../../src/unit/xfleet.ts";

const MACHINES = ["m1", "m2", "m3", "mach0001aa", "mach0001bb"];
const NAMES = ["a@1.service", "a@2.service", "b@1.service", "b.service", "c.service", "d.service"];
const TARGETS = [...NAMES, "a@*.service", "b*", "*.service", "[ab]@1.service", "?.service"];
const METADATA: MetadataRequirement[] = [
  { key: "region", op: "=", values: ["east"] },
  { key: "region", op: "=", values: ["east", "west"] },
  { key: "region", op: "!=", values: ["east"] },
  { key: "cores", op: ">=", values: ["2"] },
  { key: "cores", op: "<", values: ["3"] },
  { key: "disk", op: "=", values: ["ssd"] },
];

const requirementsArb: fc.Arbitrary<FleetRequirements> = fc
  .record({
    machineId: fc.option(fc.constantFrom("m1", "m2", "mach0001", "mach0001bb", "nope"), {
      freq: 6,
      nil: undefined,
    }),
    machineOf: fc.subarray(TARGETS, { maxLength: 2 }),
    conflicts: fc.subarray(TARGETS, { maxLength: 3 }),
    replaces: fc.subarray(TARGETS, { maxLength: 2 }),
    metadata: fc.subarray(METADATA, { maxLength: 2 }),
    global: fc.boolean(),
  })
  .map((r) => {
    const requirements: FleetRequirements = {
      machineOf: r.machineOf,
      conflicts: r.conflicts,
      metadata: r.metadata,
      global: r.global && r.machineOf.length === 0 && r.replaces.length === 0,
      replaces: r.replaces,
    };
    if (r.machineId !== undefined) requirements.machineId = r.machineId;
    return requirements;
  });

const unitArb: fc.Arbitrary<SchedulerUnit> = fc
  .record({
    name: fc.constantFrom(...NAMES),
    requirements: requirementsArb,
    scheduledAt: fc.option(fc.constantFrom("2026-01-01", "2026-01-02"), { nil: undefined }),
  })
  .map(({ scheduledAt, ...unit }) => (scheduledAt === undefined ? unit : { ...unit, scheduledAt }));

const metadataArb = fc.record(
  {
    region: fc.constantFrom("east", "west"),
    cores: fc.constantFrom("1", "2", "4", "x"),
    disk: fc.constantFrom("ssd", "hdd"),
  },
  { requiredKeys: [] },
);

type Op =
  | { op: "place"; unit: SchedulerUnit; machine: number }
  | { op: "unplace"; name: string; machine: number | undefined }
  | { op: "remove"; machine: number }
  | { op: "set"; machine: number; metadata: Record<string, string>; drained?: boolean }
  | { op: "plan"; units: SchedulerUnit[] };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ op: fc.constant("place" as const), unit: unitArb, machine: fc.nat(4) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("unplace" as const),
      name: fc.constantFrom(...NAMES),
      machine: fc.option(fc.nat(4), { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("remove" as const), machine: fc.nat(4) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("set" as const),
      machine: fc.nat(4),
      metadata: metadataArb,
      drained: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("plan" as const),
      units: fc.array(unitArb, { maxLength: 4 }),
    }),
  },
);

function build(ops: Op[]): ClusterIndex {
  const index = new ClusterIndex();
  for (const op of ops) {
    const machine = MACHINES[op.op === "plan" ? 0 : (op.machine ?? 0)] as string;
    switch (op.op) {
      case "set":
        index.setMachine({
          id: machine,
          metadata: op.metadata,
          ...(op.drained ? { drain: { since: "2026-01-01T00:00:00.000Z" } } : {}),
        });
        break;
      case "remove":
        index.removeMachine(machine);
        break;
      case "place":
        if (index.machine(machine) !== undefined) index.place(op.unit, machine);
        break;
      case "unplace":
        index.unplace(op.name, op.machine === undefined ? undefined : machine);
        break;
      case "plan":
        planBatch(index, op.units);
        break;
    }
  }
  return index;
}

// ---- A brute-force reading of the rules, through the index's basic state only ----

function metadataHolds(
  requirements: MetadataRequirement[],
  metadata: Readonly<Record<string, string>>,
) {
  return requirements.every(({ key, op, values }) => {
    const value = metadata[key];
    if (op === "!=") return value === undefined || !values.includes(value);
    if (value === undefined) return false;
    if (op === "=") return values.includes(value);
    if (!/^\d+$/.test(value)) return false;
    const [have, want] = [Number(value), Number(values[0])];
    return op === "<"
      ? have < want
      : op === "<="
        ? have <= want
        : op === ">"
          ? have > want
          : have >= want;
  });
}

/**
 * Placed units that replace `unit` and that it replaces: those scheduled later (by time, then
 * name) keep it from running anywhere, the others leave for it.
 */
function circularPartners(index: ClusterIndex, unit: SchedulerUnit) {
  const winners: string[] = [];
  const losers: string[] = [];
  const placed = new Set(index.machines().flatMap((machine) => [...index.unitsOn(machine.id)]));
  for (const name of placed) {
    if (name === unit.name) continue;
    const theirs = index.requirementsOf(name) as FleetRequirements;
    const mutual =
      unit.requirements.replaces.some((p) => globMatch(p, name)) &&
      theirs.replaces.some((p) => globMatch(p, unit.name));
    if (!mutual) continue;
    const other = index.unit(name) as SchedulerUnit;
    const [at, otherAt] = [unit.scheduledAt ?? "", other.scheduledAt ?? ""];
    const later = otherAt !== at ? otherAt > at : name > unit.name;
    (later ? winners : losers).push(name);
  }
  return { winners, losers };
}

function fits(
  index: ClusterIndex,
  unit: SchedulerUnit,
  machineId: string,
  given: ReadonlySet<string>,
) {
  const r = unit.requirements;
  const machine = index.machine(machineId);
  if (machine === undefined) return false;
  if (machine.drain !== undefined && !r.global) return false;
  const { winners, losers } = circularPartners(index, unit);
  if (winners.length > 0) return false;
  const leaving = new Set([...given, ...losers]);
  if (r.machineId !== undefined) {
    const named =
      machineId === r.machineId || (r.machineId.length >= 8 && machineId.startsWith(r.machineId));
    if (!named) return false;
  }
  if (!metadataHolds(r.metadata, machine.metadata)) return false;
  const others = [...index.unitsOn(machineId)].filter((n) => n !== unit.name && !leaving.has(n));
  const matches = (patterns: string[], name: string) => patterns.some((p) => globMatch(p, name));
  if (!r.machineOf.every((t) => others.some((n) => globMatch(t, n)))) return false;
  for (const other of others) {
    const theirs = index.requirementsOf(other) as FleetRequirements;
    if (matches(r.conflicts, other) || matches(theirs.conflicts, unit.name)) return false;
    if (matches(r.replaces, other) || matches(theirs.replaces, unit.name)) return false;
  }
  return true;
}

const NONE: ReadonlySet<string> = new Set();

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

describe("decide: properties on random small clusters", () => {
  test("never returns a machine that violates a constraint; fails only when none fits", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 25 }), unitArb, (ops, unit) => {
        const index = build([
          ...MACHINES.slice(0, 3).map((_, machine) => ({
            op: "set" as const,
            machine,
            metadata: {},
          })),
          ...ops,
        ]);
        const ids = index.machines().map((m) => m.id);
        if (unit.requirements.global) {
          const g = decideGlobal(index, unit);
          for (const id of g.machineIds) assert.ok(fits(index, unit, id, NONE), id);
          for (const { machineId } of g.rejected) assert.ok(!fits(index, unit, machineId, NONE));
          assert.equal(g.machineIds.length + g.rejected.length, ids.length);
          return;
        }
        const decision = decide(index, unit);
        const eligible = ids.filter((id) => fits(index, unit, id, NONE));
        if (!decision.ok) {
          assert.deepEqual(eligible, []);
          assert.deepEqual(
            decision.rejected.map((r) => r.machineId),
            ids,
          );
          return;
        }
        const leaving = new Set(decision.displaces);
        assert.ok(fits(index, unit, decision.machineId, leaving), JSON.stringify(decision));
        const { losers } = circularPartners(index, unit);
        for (const name of losers) assert.ok(leaving.has(name), `${name} leaves for ${unit.name}`);
        const replacedHere: string[] = [];
        for (const name of leaving) {
          const theirs = index.requirementsOf(name) as FleetRequirements;
          const replaced =
            index.unitsOn(decision.machineId).has(name) &&
            unit.requirements.replaces.some((p) => globMatch(p, name)) &&
            !theirs.replaces.some((p) => globMatch(p, unit.name));
          if (replaced) replacedHere.push(name);
          assert.ok(replaced || losers.includes(name) || theirs.machineOf.length > 0, name);
        }
        if (replacedHere.length === 0) {
          const own = new Set(index.machinesOf(unit.name));
          const load = (id: string) => index.load(id) - (own.has(id) ? 1 : 0);
          // Units that leave anyway (a sidekick whose service is not there) free their machine.
          const fitting = ids.filter((id) => fits(index, unit, id, leaving));
          const best = [...fitting].sort((a, b) => load(a) - load(b) || (a < b ? -1 : 1))[0];
          assert.equal(decision.machineId, best);
        }
      }),
      { numRuns: 400, ...replay },
    );
  });

  test("an index built incrementally answers like one rebuilt from its placements", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 25 }), unitArb, (ops, unit) => {
        const index = build([
          ...MACHINES.slice(0, 3).map((_, machine) => ({
            op: "set" as const,
            machine,
            metadata: {},
          })),
          ...ops,
        ]);
        // Look some target patterns up before the operations replay, some after.
        const fresh = new ClusterIndex();
        for (const target of TARGETS.slice(0, 4)) fresh.placedMatching(target);
        for (const machine of index.machines()) fresh.setMachine(machine);
        for (const machine of index.machines()) {
          for (const name of index.unitsOn(machine.id)) {
            fresh.place(index.unit(name) as SchedulerUnit, machine.id);
          }
        }
        const copy = index.clone();
        assert.deepEqual(decide(copy, unit), decide(index, unit));
        // Dry runs on the copy leave the original alone.
        planBatch(copy, [unit, { name: "zz.service", requirements: unit.requirements }]);
        copy.removeMachine("m1");
        assert.deepEqual(decide(fresh, unit), decide(index, unit));
        assert.deepEqual(decideGlobal(fresh, unit), decideGlobal(index, unit));
        assert.deepEqual(fresh.byLoad().flat(), index.byLoad().flat());
        assert.deepEqual(fresh.machines(), index.machines());
      }),
      { numRuns: 300, ...replay },
    );
  });
});

describe("compiled patterns", () => {
  test("agree with globMatch", () => {
    const chars = fc.constantFrom(..."ab*?[]^-\\/.@".split(""));
    const nameChars = fc.constantFrom(..."ab-]/.@^\\*".split(""));
    fc.assert(
      fc.property(
        fc.array(chars, { maxLength: 8 }).map((c) => c.join("")),
        fc.array(nameChars, { maxLength: 6 }).map((c) => c.join("")),
        (pattern, name) => {
          const compiled = compilePattern(pattern);
          assert.equal(compiled.test(name), globMatch(pattern, name), `${pattern} ${name}`);
          if (compiled.test(name)) assert.ok(name.startsWith(compiled.prefix));
        },
      ),
      { numRuns: 3000 },
    );
  });

  test("Unicode ranges and odd classes", () => {
    for (const [pattern, name] of [
      ["[a-ζ]*", "α"],
      ["a?b", "a☺b"],
      ["a[^a]b", "a☺b"],
      ["[z-a]", "m"],
      ["[^z-a]", "m"],
      ["[^z-a]", "/"],
      ["[\\]a]", "]"],
      ["x[\\-]y", "x-y"],
      ["a\\*b", "a*b"],
      ["a\\*b", "axb"],
      ["*", ""],
    ] as const) {
      assert.equal(compilePattern(pattern).test(name), globMatch(pattern, name), pattern);
    }
  });
});
