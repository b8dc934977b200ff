// Scheduling scenarios mirroring fleet's functional/scheduling_test.go and its fixture units,
// plus the tutorial's apache/discovery pair.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ClusterIndex, type SchedulerUnit } from "../../src/scheduler/cluster-index.ts";
import {
  type BatchEntry,
  checkPlacement,
  type Decision,
  decide,
  decideGlobal,
  planBatch,
} from "../../src/scheduler/decide.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { fleetRequirements } from "../../src/unit/xfleet.ts";

function unit(name: string, xfleet = ""): SchedulerUnit {
  const parsed = parseUnitFile(`[Service]\nExecStart=/bin/true\n[X-Fleet]\n${xfleet}`);
  assert.ok(parsed.ok);
  const { requirements, errors } = fleetRequirements(parsed.file, name, parsed.lines);
  assert.deepEqual(errors, []);
  return { name, requirements };
}

function cluster(...machines: (string | [string, Record<string, string>])[]): ClusterIndex {
  const index = new ClusterIndex();
  for (const m of machines) {
    if (typeof m === "string") index.setMachine({ id: m, metadata: {} });
    else index.setMachine({ id: m[0], metadata: m[1] });
  }
  return index;
}

/** `fleetctl start` of each unit in turn, each followed by the engine's passes. */
function startEach(index: ClusterIndex, ...units: SchedulerUnit[]): BatchEntry[] {
  return units.flatMap((u) => settle(index, [u]));
}

/**
 * Batches as the engine's passes make them, until one decides everything it is given: a
 * batch stops at a displacement, and the next decides the displaced units (asked to run
 * before) and the rest, in the order they were asked to run.
 */
function settle(index: ClusterIndex, units: SchedulerUnit[]): BatchEntry[] {
  const entries: BatchEntry[] = [];
  for (let pending = units, passes = 0; pending.length > 0; passes++) {
    assert.ok(passes < 20, "the passes settle");
    const placed = new Map([...index.placedUnits()].map(({ unit }) => [unit.name, unit]));
    const decided = planBatch(index, pending);
    entries.push(...decided);
    const names = new Set(decided.map((entry) => entry.unit));
    const next = pending.filter((unit) => !names.has(unit.name));
    for (const { decision } of decided) {
      if (!decision.ok || !("displaces" in decision)) continue;
      for (const name of decision.displaces) {
        const unit = placed.get(name);
        if (unit && !unit.requirements.global) next.push(unit);
      }
    }
    const key = (unit: SchedulerUnit) => `${unit.scheduledAt ?? ""}\u0000${unit.name}`;
    pending = next.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
  }
  return entries;
}

function where(index: ClusterIndex, name: string): string | undefined {
  const machines = index.machinesOf(name);
  assert.ok(machines.length <= 1, `${name} on ${machines.join(", ")}`);
  return machines[0];
}

function failed(decision: BatchEntry["decision"] | Decision) {
  assert.equal(decision.ok, false, JSON.stringify(decision));
  return decision as Extract<Decision, { ok: false }>;
}

describe("Conflicts (TestScheduleConflicts, TestScheduleOneWayConflict, TestScheduleMultipleConflicts)", () => {
  const conflicting = [0, 1, 2, 3, 4].map((i) =>
    unit(`conflict.${i}.service`, "Conflicts=conflict.*.service"),
  );

  test("5 mutually conflicting units on 3 machines: 3 placed on distinct machines, 2 not", () => {
    const index = cluster("m1", "m2", "m3");
    const entries = startEach(index, ...conflicting);
    assert.deepEqual(
      entries.map((e) => e.decision.ok),
      [true, true, true, false, false],
    );
    assert.deepEqual(
      ["conflict.0.service", "conflict.1.service", "conflict.2.service"].map((n) =>
        where(index, n),
      ),
      ["m1", "m2", "m3"],
    );
    for (const entry of entries.slice(3)) {
      const decision = failed(entry.decision);
      assert.deepEqual(decision.rejected, [
        {
          machineId: "m1",
          reason: "conflicts with conflict.0.service (Conflicts=conflict.*.service)",
        },
        {
          machineId: "m2",
          reason: "conflicts with conflict.1.service (Conflicts=conflict.*.service)",
        },
        {
          machineId: "m3",
          reason: "conflicts with conflict.2.service (Conflicts=conflict.*.service)",
        },
      ]);
      assert.match(decision.reason, /^no machine can run conflict\.[34]\.service: /);
      for (const i of [0, 1, 2]) assert.ok(decision.reason.includes(`conflict.${i}.service`));
    }
    assert.equal(where(index, "conflict.3.service"), undefined);
  });

  test("the same as one batch", () => {
    const index = cluster("m1", "m2", "m3");
    const entries = planBatch(index, conflicting);
    assert.deepEqual(
      entries.map((e) => e.decision.ok),
      [true, true, true, false, false],
    );
  });

  test("a one-way conflict keeps the units apart in either order", () => {
    const withHello = unit("conflicts-with-hello.service", "Conflicts=hello.service");
    const hello = unit("hello.service");
    for (const order of [
      [withHello, hello],
      [hello, withHello],
    ]) {
      const one = cluster("m1");
      const entries = startEach(one, ...order);
      assert.equal(entries[0]?.decision.ok, true);
      const second = failed(entries[1]?.decision as Decision);
      assert.equal(second.rejected.length, 1);
      assert.match(
        second.rejected[0]?.reason ?? "",
        /conflicts with (conflicts-with-)?hello\.service/,
      );

      const two = cluster("m1", "m2");
      startEach(two, ...order);
      assert.notEqual(where(two, "hello.service"), undefined);
      assert.notEqual(where(two, "hello.service"), where(two, "conflicts-with-hello.service"));
    }
  });

  test("the reverse-conflict reason names the declaring unit and its pattern", () => {
    const index = cluster("m1");
    startEach(index, unit("conflicts-with-hello.service", "Conflicts=hello.service"));
    const decision = failed(decide(index, unit("hello.service")));
    assert.deepEqual(decision.rejected, [
      {
        machineId: "m1",
        reason:
          "conflicts with conflicts-with-hello.service (conflicts-with-hello.service has Conflicts=hello.service)",
      },
    ]);
    // Destroying the conflicting unit lets the other start.
    index.unplace("conflicts-with-hello.service");
    assert.deepEqual(decide(index, unit("hello.service")), {
      ok: true,
      machineId: "m1",
      displaces: [],
    });
  });

  test("fleet's conflict.multiple fixtures spread over 3 machines", () => {
    const index = cluster("m1", "m2", "m3");
    const list = "Conflicts=conflict.2.service conflict.1.service conflict.0.service";
    const repeated =
      "Conflicts=conflict.2.service\nConflicts=conflict.1.service\nConflicts=conflict.0.service";
    startEach(
      index,
      unit("conflict.multiple.0.service", list),
      unit("conflict.multiple.1.service", list),
      unit("conflict.multiple.2.service", repeated),
    );
    const machines = [0, 1, 2].map((i) => where(index, `conflict.multiple.${i}.service`));
    assert.equal(new Set(machines).size, 3);
  });

  for (const [label, xfleet] of [
    ["in one value", "Conflicts=a.service b.service"],
    ["in repeated keys", "Conflicts=a.service\nX-Conflicts=b.service"],
  ]) {
    test(`several Conflicts ${label} all count`, () => {
      const index = cluster("m1", "m2", "m3");
      startEach(index, unit("a.service"), unit("b.service"), unit("c.service"));
      // a on m1, b on m2, c on m3: x fits only where c is.
      const decision = decide(index, unit("x.service", xfleet));
      assert.deepEqual(decision, { ok: true, machineId: "m3", displaces: [] });
      const two = cluster("m1", "m2");
      startEach(two, unit("a.service"), unit("b.service"));
      const rejected = failed(decide(two, unit("x.service", xfleet))).rejected;
      assert.deepEqual(
        rejected.map((r) => r.reason),
        [
          "conflicts with a.service (Conflicts=a.service)",
          "conflicts with b.service (Conflicts=b.service)",
        ],
      );
    });
  }
});

describe("MachineOf (TestScheduleMachineOf)", () => {
  const pairs = [0, 1, 2].flatMap((i) => [
    unit(`ping.${i}.service`),
    unit(`pong.${i}.service`, `MachineOf=ping.${i}.service`),
  ]);

  test("pairs are co-located and spread, and migrate together", () => {
    const index = cluster("m1", "m2", "m3");
    for (let i = 0; i < 3; i++) planBatch(index, pairs.slice(2 * i, 2 * i + 2));
    const machines = [0, 1, 2].map((i) => where(index, `ping.${i}.service`));
    for (let i = 0; i < 3; i++) assert.equal(where(index, `pong.${i}.service`), machines[i]);
    assert.equal(new Set(machines).size, 3);

    const gone = index.removeMachine(machines[1] as string);
    assert.deepEqual(gone, ["ping.1.service", "pong.1.service"]);
    const units = gone.map((name) => pairs.find((u) => u.name === name) as SchedulerUnit);
    planBatch(index, units.reverse());
    const moved = where(index, "ping.1.service");
    assert.notEqual(moved, undefined);
    assert.notEqual(moved, machines[1]);
    assert.equal(where(index, "pong.1.service"), moved);
  });

  test("a sidekick before its target in a batch still follows it", () => {
    const index = cluster("m1", "m2", "m3");
    const entries = planBatch(index, [pairs[1], pairs[3], pairs[0], pairs[2]] as SchedulerUnit[]);
    assert.deepEqual(
      entries.map((e) => e.unit),
      ["ping.0.service", "pong.0.service", "ping.1.service", "pong.1.service"],
    );
    assert.equal(where(index, "pong.0.service"), where(index, "ping.0.service"));
    assert.equal(where(index, "pong.1.service"), where(index, "ping.1.service"));
  });

  test("a MachineOf target that is not placed makes the unit unschedulable", () => {
    const index = cluster("m1", "m2");
    const decision = failed(
      decide(index, unit("apache-discovery@80.service", "MachineOf=apache@%i.service")),
    );
    assert.equal(
      decision.reason,
      "waits for apache@80.service, which is not placed on any machine (MachineOf=apache@80.service)",
    );
    assert.deepEqual(
      decision.rejected.map((r) => r.reason),
      [
        "waits for apache@80.service (MachineOf=apache@80.service), which is not on this machine",
        "waits for apache@80.service (MachineOf=apache@80.service), which is not on this machine",
      ],
    );
  });

  test("a glob MachineOf needs at least one matching unit on the machine", () => {
    const index = cluster("m1", "m2", "m3");
    startEach(index, unit("a.service"), unit("db@1.service"), unit("db@2.service"));
    const follower = unit("backup.service", "MachineOf=db@*.service");
    assert.deepEqual(decide(index, follower), { ok: true, machineId: "m2", displaces: [] });
    index.unplace("db@1.service");
    assert.deepEqual(decide(index, follower), { ok: true, machineId: "m3", displaces: [] });
    index.unplace("db@2.service");
    assert.match(
      failed(decide(index, follower)).reason,
      /waits for a unit matching db@\*\.service/,
    );
  });

  test("every MachineOf target must be on the machine", () => {
    const index = cluster("m1", "m2");
    startEach(index, unit("a.service"), unit("b.service"));
    const both = unit("c.service", "MachineOf=a.service b.service");
    assert.match(failed(decide(index, both)).reason, /^no machine can run c\.service: waits for/);
    index.place(unit("b.service"), "m1");
    assert.deepEqual(decide(index, both), { ok: true, machineId: "m1", displaces: [] });
  });
});

describe("the tutorial: apache@ and apache-discovery@", () => {
  const apache = (port: string) => unit(`apache@${port}.service`, "X-Conflicts=apache@*.service");
  const discovery = (port: string) =>
    unit(`apache-discovery@${port}.service`, "MachineOf=apache@%i.service");
  const all = [apache("80"), apache("9999"), discovery("80"), discovery("9999")];

  function permutations<T>(list: T[]): T[][] {
    if (list.length <= 1) return [list];
    return list.flatMap((x, i) =>
      permutations([...list.slice(0, i), ...list.slice(i + 1)]).map((rest) => [x, ...rest]),
    );
  }

  test("in every order of the batch", () => {
    for (const order of permutations(all)) {
      const index = cluster("m1", "m2", "m3");
      const entries = planBatch(index, order);
      assert.ok(
        entries.every((e) => e.decision.ok),
        JSON.stringify(entries),
      );
      const a80 = where(index, "apache@80.service");
      const a9999 = where(index, "apache@9999.service");
      assert.notEqual(a80, undefined);
      assert.notEqual(a9999, undefined);
      assert.notEqual(a80, a9999);
      assert.equal(where(index, "apache-discovery@80.service"), a80);
      assert.equal(where(index, "apache-discovery@9999.service"), a9999);
    }
  });

  test("on one machine the second apache and its discovery cannot run", () => {
    const index = cluster("m1");
    const entries = planBatch(index, all);
    const outcome = Object.fromEntries(entries.map((e) => [e.unit, e.decision.ok]));
    assert.deepEqual(outcome, {
      "apache@80.service": true,
      "apache@9999.service": false,
      "apache-discovery@80.service": true,
      "apache-discovery@9999.service": false,
    });
    const waiting = entries.find((e) => e.unit === "apache-discovery@9999.service");
    assert.match(failed(waiting?.decision as Decision).reason, /waits for apache@9999\.service/);
  });
});

describe("Replaces (TestScheduleReplace, TestScheduleCircularReplace)", () => {
  test("the replacer takes the replaced unit's machine; the replaced unit moves", () => {
    const index = cluster("m0", "m1");
    startEach(
      index,
      unit("replace.0.service"),
      unit("replace.1.service"),
      unit("replace.2.service", "MachineOf=replace.1.service"),
    );
    const old = where(index, "replace.0.service");
    assert.equal(old, "m0");
    const entries = startEach(index, unit("replace-kick0.service", "Replaces=replace.0.service"));
    assert.deepEqual(
      entries.map((e) => [e.unit, e.decision]),
      [
        ["replace-kick0.service", { ok: true, machineId: "m0", displaces: ["replace.0.service"] }],
        ["replace.0.service", { ok: true, machineId: "m1", displaces: [] }],
      ],
    );
    assert.equal(where(index, "replace-kick0.service"), old);
    assert.notEqual(where(index, "replace.0.service"), old);
    // The displaced unit can never come back next to its replacer.
    const back = checkPlacement(index, unit("replace.0.service"), "m0");
    assert.equal(
      back,
      "replace-kick0.service replaces it and runs here (replace-kick0.service has Replaces=replace.0.service)",
    );
  });

  test("the replaced unit's machine is preferred even when busier", () => {
    const index = cluster("m1", "m2");
    startEach(index, unit("old.service"), unit("x.service"), unit("y.service"));
    assert.equal(where(index, "old.service"), "m1");
    assert.equal(index.load("m1"), 2);
    assert.deepEqual(decide(index, unit("new.service", "Replaces=old.service")), {
      ok: true,
      machineId: "m1",
      displaces: ["old.service"],
    });
  });

  test("when the replaced unit's machine is not eligible, nothing is displaced", () => {
    const index = cluster(["m1", { disk: "hdd" }], ["m2", { disk: "ssd" }]);
    startEach(index, unit("old.service"));
    assert.equal(where(index, "old.service"), "m1");
    const replacer = unit("new.service", "Replaces=old.service\nMachineMetadata=disk=ssd");
    assert.deepEqual(decide(index, replacer), { ok: true, machineId: "m2", displaces: [] });
  });

  test("the replacer never joins a replaced unit it cannot displace", () => {
    const index = cluster("m1");
    startEach(index, unit("old.service"), unit("other.service", "Conflicts=new.service"));
    const decision = failed(decide(index, unit("new.service", "Replaces=old.service")));
    assert.deepEqual(decision.rejected, [
      {
        machineId: "m1",
        reason: "conflicts with other.service (other.service has Conflicts=new.service)",
      },
    ]);
  });

  test("the replaced unit's sidekicks are displaced with it and follow it", () => {
    const index = cluster("m1", "m2");
    startEach(
      index,
      unit("old.service"),
      unit("filler.service"),
      unit("old-sidekick.service", "MachineOf=old.service"),
    );
    const entries = startEach(index, unit("new.service", "Replaces=old.service"));
    assert.deepEqual(entries[0]?.decision, {
      ok: true,
      machineId: "m1",
      displaces: ["old.service", "old-sidekick.service"],
    });
    assert.equal(where(index, "old.service"), "m2");
    assert.equal(where(index, "old-sidekick.service"), "m2");
    assert.equal(where(index, "new.service"), "m1");
  });

  test("a replaced unit started after its replacer avoids it", () => {
    const index = cluster("m1", "m2");
    startEach(index, unit("new.service", "Replaces=old.service"), unit("a.service"));
    assert.equal(where(index, "new.service"), "m1");
    // m1 and m2 both hold one unit; m1 would win the tie, but new.service replaces old.service.
    assert.deepEqual(decide(index, unit("old.service")), {
      ok: true,
      machineId: "m2",
      displaces: [],
    });
  });

  const a = (scheduledAt = "2026-01-01T00:00:01Z") => ({
    ...unit("replace.0.service", "Replaces=replace-kick0.service"),
    scheduledAt,
  });
  const b = (scheduledAt = "2026-01-01T00:00:02Z") => ({
    ...unit("replace-kick0.service", "Replaces=replace.0.service"),
    scheduledAt,
  });
  const loses = (winner: string) =>
    `waits for ${winner} to be unloaded: the two replace each other (circular Replaces), and ${winner} was scheduled later, so only it runs`;

  test("circular Replaces: the unit scheduled later runs, in either order of deciding", () => {
    for (const order of ["older first", "newer first"]) {
      const index = cluster("m1", "m2");
      const [first, second] = order === "older first" ? [a(), b()] : [b(), a()];
      const entries = startEach(index, first, second);
      assert.deepEqual(
        [...index.placedUnits()].map(({ unit }) => unit.name),
        ["replace-kick0.service"],
      );
      const last = entries.at(-1) as BatchEntry;
      assert.equal(last.unit, "replace.0.service");
      assert.equal(failed(last.decision).reason, loses("replace-kick0.service"));
    }
  });

  test("circular Replaces: the newer unit displaces the older one from another machine", () => {
    const index = cluster("m1", "m2");
    startEach(index, a(), unit("x.service"));
    assert.equal(where(index, "replace.0.service"), "m1");
    // m2 holds one unit, m1 one: the tie goes to m1, the machine the loser frees.
    assert.deepEqual(decide(index, b()), {
      ok: true,
      machineId: "m1",
      displaces: ["replace.0.service"],
    });
    const pinned = unit(
      "replace-kick0.service",
      "Replaces=replace.0.service\nMachineMetadata=at=2",
    );
    index.setMachine({ id: "m2", metadata: { at: "2" } });
    assert.deepEqual(decide(index, { ...pinned, scheduledAt: "2026-01-02T00:00:00Z" }), {
      ok: true,
      machineId: "m2",
      displaces: ["replace.0.service"],
    });
  });

  test("circular Replaces: the older unit is refused on every machine, with the reason", () => {
    const index = cluster("m1", "m2");
    startEach(index, b());
    const decision = failed(decide(index, a()));
    assert.equal(decision.reason, loses("replace-kick0.service"));
    assert.deepEqual(
      decision.rejected.map((r) => r.reason),
      [loses("replace-kick0.service"), loses("replace-kick0.service")],
    );
  });

  test("circular Replaces scheduled at the same time: the name decides", () => {
    const index = cluster("m1", "m2");
    startEach(index, a("t"), b("t"));
    assert.deepEqual(
      [...index.placedUnits()].map(({ unit }) => unit.name),
      ["replace.0.service"],
    );
  });

  test("a Replaces chain that comes back round is cut in a batch", () => {
    const index = cluster("m1");
    startEach(index, unit("a.service", "Replaces=c.service"));
    // b replaces a, which replaces c, which replaces b: each displaces the one before.
    const entries = planBatch(index, [
      unit("b.service", "Replaces=a.service"),
      unit("c.service", "Replaces=b.service"),
    ]);
    assert.ok(entries.length < 10, JSON.stringify(entries));
    assert.equal(index.unitsOn("m1").size, 1);
  });
});

describe("MachineID (TestScheduleConditionMachineID)", () => {
  const ids = ["0a1b2c3d4e5f60718293a4b5c6d7e8f9", "1b2c3d4e5f60718293a4b5c6d7e8f90a", "2c3d4e5f"];

  test("each unit runs on the machine it names, by full id or 8-character prefix", () => {
    const index = cluster(...ids);
    const entries = startEach(
      index,
      unit("pin@1.service", `MachineID=${ids[2]}`),
      unit("pin@2.service", `MachineID=${ids[1]}`),
      unit("pin@3.service", `MachineID=${ids[0]?.slice(0, 8)}`),
      unit("pin@4.service", `MachineID=${ids[0]?.slice(0, 12)}`),
    );
    assert.ok(entries.every((e) => e.decision.ok));
    assert.equal(where(index, "pin@1.service"), ids[2]);
    assert.equal(where(index, "pin@2.service"), ids[1]);
    assert.equal(where(index, "pin@3.service"), ids[0]);
    assert.equal(where(index, "pin@4.service"), ids[0]);
  });

  test("an unknown id, or a prefix shorter than 8 characters, names no machine", () => {
    const index = cluster(...ids);
    for (const id of ["ffffffff", "0a1b2c3"]) {
      const decision = failed(decide(index, unit("pin.service", `MachineID=${id}`)));
      assert.equal(decision.reason, `no machine has ID ${id} (MachineID=${id})`);
      assert.equal(decision.rejected.length, 3);
      assert.equal(decision.rejected[0]?.reason, `is not the machine MachineID=${id} names`);
    }
  });

  test("%i expands to the instance (pin@.service)", () => {
    const index = cluster("m1", "m2", "m3");
    assert.deepEqual(decide(index, unit("pin@m2.service", "MachineID=%i")), {
      ok: true,
      machineId: "m2",
      displaces: [],
    });
  });
});

describe("MachineMetadata", () => {
  const index = cluster(
    ["m1", { hostname: "alpha", region: "us-east", disk: "ssd", cores: "4", port: "80" }],
    ["m2", { hostname: "beta", region: "eu-west", disk: "hdd", cores: "16", port: "8080" }],
    ["m3", { hostname: "gamma", region: "us-west", cores: "lots" }],
  );
  const on = (name: string, xfleet: string) => {
    const d = decide(index, unit(name, xfleet));
    return d.ok ? d.machineId : undefined;
  };

  test("%i already expanded (metadata@.service, port=%i)", () => {
    assert.equal(on("metadata@beta.service", "MachineMetadata=hostname=%i"), "m2");
    assert.equal(on("web@80.service", "MachineMetadata=port=%i"), "m1");
    assert.equal(on("web@8080.service", "MachineMetadata=port=%i"), "m2");
    assert.equal(on("web@443.service", "MachineMetadata=port=%i"), undefined);
  });

  test("OR among values of one key, AND across keys", () => {
    assert.equal(on("a.service", "MachineMetadata=region=us-west region=eu-west"), "m2");
    assert.equal(
      on(
        "a.service",
        'MachineMetadata="region=us-east" "region=eu-west"\nMachineMetadata=disk=hdd',
      ),
      "m2",
    );
    assert.equal(
      on("a.service", "MachineMetadata=region=us-east\nMachineMetadata=disk=hdd"),
      undefined,
    );
  });

  test("a missing key fails =, and != passes without the key", () => {
    assert.equal(
      on(
        "a.service",
        "MachineMetadata=disk=ssd disk=hdd\nMachineMetadata=region!=us-east region!=eu-west",
      ),
      undefined,
    );
    assert.equal(on("a.service", "MachineMetadata=region!=us-east region!=eu-west"), "m3");
    assert.equal(
      on("a.service", "MachineMetadata=disk!=ssd\nMachineMetadata=region!=eu-west"),
      "m3",
    );
  });

  test("numeric comparisons; a non-numeric or missing value fails", () => {
    assert.equal(on("a.service", "MachineMetadata=cores>=8"), "m2");
    assert.equal(on("a.service", "MachineMetadata=cores<8"), "m1");
    assert.equal(on("a.service", "MachineMetadata=cores>4\nMachineMetadata=cores<=16"), "m2");
    assert.equal(on("a.service", "MachineMetadata=cores>16"), undefined);
    assert.equal(on("a.service", "MachineMetadata=cores>=4.5\nMachineMetadata=disk=hdd"), "m2");
    const d = failed(decide(index, unit("a.service", "MachineMetadata=cores>100")));
    assert.deepEqual(
      d.rejected.map((r) => r.reason),
      [
        "has metadata cores=4, not MachineMetadata=cores>100",
        "has metadata cores=16, not MachineMetadata=cores>100",
        "has metadata cores=lots (not a number), not MachineMetadata=cores>100",
      ],
    );
  });

  test("reasons", () => {
    const d = failed(decide(index, unit("a.service", "MachineMetadata=disk=nvme")));
    assert.deepEqual(
      d.rejected.map((r) => r.reason),
      [
        "has metadata disk=ssd, not MachineMetadata=disk=nvme",
        "has metadata disk=hdd, not MachineMetadata=disk=nvme",
        "has no metadata disk (MachineMetadata=disk=nvme)",
      ],
    );
    assert.equal(
      d.reason,
      "no machine can run a.service: has metadata disk=ssd, not MachineMetadata=disk=nvme on m1; has metadata disk=hdd, not MachineMetadata=disk=nvme on m2; has no metadata disk (MachineMetadata=disk=nvme) on m3",
    );
  });

  test("a metadata change is seen by the next decision", () => {
    const copy = index.clone();
    copy.setMachine({ id: "m3", metadata: { disk: "nvme" } });
    assert.deepEqual(decide(copy, unit("a.service", "MachineMetadata=disk=nvme")), {
      ok: true,
      machineId: "m3",
      displaces: [],
    });
    assert.equal(on("a.service", "MachineMetadata=disk=nvme"), undefined);
  });
});

describe("Global (TestScheduleGlobalUnits, TestScheduleGlobalConflicts)", () => {
  test("a global unit runs on every machine, next to other units", () => {
    const index = cluster("m1", "m2", "m3");
    startEach(index, unit("hello.service"), unit("goodbye.service"));
    const entries = startEach(index, unit("global.service", "Global=true"));
    assert.deepEqual(entries, [
      {
        unit: "global.service",
        decision: { ok: true, global: true, machineIds: ["m1", "m2", "m3"], rejected: [] },
      },
    ]);
    assert.deepEqual(index.machinesOf("global.service"), ["m1", "m2", "m3"]);
    // Global units count towards load.
    assert.deepEqual(
      ["m1", "m2", "m3"].map((m) => index.load(m)),
      [2, 2, 1],
    );
  });

  test("only on machines with matching metadata", () => {
    const index = cluster(["m1", { role: "web" }], ["m2", { role: "db" }], ["m3", { role: "web" }]);
    const g = decideGlobal(
      index,
      unit("global@web.service", "Global=true\nMachineMetadata=role=%i"),
    );
    assert.deepEqual(g.machineIds, ["m1", "m3"]);
    assert.deepEqual(g.rejected, [
      { machineId: "m2", reason: "has metadata role=db, not MachineMetadata=role=web" },
    ]);
  });

  test("two conflicting globals: the one placed first keeps every machine", () => {
    const g0 = unit(
      "conflict-global.0.service",
      "Global=true\nConflicts=conflict-global.*.service",
    );
    const g1 = unit(
      "conflict-global.1.service",
      "Global=true\nConflicts=conflict-global.*.service",
    );
    for (const [first, second] of [
      [g0, g1],
      [g1, g0],
    ] as const) {
      const index = cluster("m1", "m2", "m3");
      startEach(index, first);
      const entries = startEach(index, second);
      const decision = entries[0]?.decision as { machineIds: string[]; rejected: unknown[] };
      assert.deepEqual(decision.machineIds, []);
      assert.deepEqual(decision.rejected, [
        {
          machineId: "m1",
          reason: `conflicts with ${first.name} (Conflicts=conflict-global.*.service)`,
        },
        {
          machineId: "m2",
          reason: `conflicts with ${first.name} (Conflicts=conflict-global.*.service)`,
        },
        {
          machineId: "m3",
          reason: `conflicts with ${first.name} (Conflicts=conflict-global.*.service)`,
        },
      ]);
      assert.deepEqual(index.machinesOf(first.name), ["m1", "m2", "m3"]);
      assert.deepEqual(index.machinesOf(second.name), []);
      // Re-deciding the first one ignores its own placement.
      assert.deepEqual(decideGlobal(index, first).machineIds, ["m1", "m2", "m3"]);
    }
  });

  test("a global skips machines where it conflicts with a unit, and that unit's reverse check sees it", () => {
    const index = cluster("m1", "m2");
    startEach(index, unit("db.service"));
    const g = unit("agent.service", "Global=true\nConflicts=db.service");
    startEach(index, g);
    assert.deepEqual(index.machinesOf("agent.service"), ["m2"]);
    assert.deepEqual(decide(index, unit("db.service")), {
      ok: true,
      machineId: "m1",
      displaces: [],
    });
    assert.equal(
      checkPlacement(index, unit("db.service"), "m2"),
      "conflicts with agent.service (agent.service has Conflicts=db.service)",
    );
  });
});

describe("least loaded, deterministic", () => {
  test("spreads evenly, ties broken by machine id", () => {
    const index = cluster("m3", "m1", "m2");
    const entries = startEach(
      ...[index],
      ...[1, 2, 3, 4, 5, 6, 7].map((i) => unit(`u${i}.service`)),
    );
    assert.deepEqual(
      entries.map((e) => (e.decision as { machineId: string }).machineId),
      ["m1", "m2", "m3", "m1", "m2", "m3", "m1"],
    );
  });

  test("existing load counts, and a placed unit's own machine counts one lighter", () => {
    const index = cluster("m1", "m2");
    index.place(unit("a.service"), "m1");
    index.place(unit("b.service"), "m1");
    index.place(unit("c.service"), "m2");
    assert.deepEqual(decide(index, unit("d.service")), {
      ok: true,
      machineId: "m2",
      displaces: [],
    });
    // a is on m1 (2 units, 1 without a) versus m2 (1): tie, m1 by id.
    assert.deepEqual(decide(index, unit("a.service")), {
      ok: true,
      machineId: "m1",
      displaces: [],
    });
    // c on m2 (0 without c) stays.
    assert.deepEqual(decide(index, unit("c.service")), {
      ok: true,
      machineId: "m2",
      displaces: [],
    });
  });

  test("a placed unit does not conflict with or wait for itself", () => {
    const index = cluster("m1");
    const apache = unit("apache@80.service", "Conflicts=apache@*.service");
    index.place(apache, "m1");
    assert.deepEqual(decide(index, apache), { ok: true, machineId: "m1", displaces: [] });
    const odd = unit("self.service", "MachineOf=self.service");
    index.place(odd, "m1");
    assert.equal(decide(index, odd).ok, false);
  });

  test("no machines", () => {
    const d = failed(decide(new ClusterIndex(), unit("a.service")));
    assert.equal(d.reason, "no machine can run a.service: the cluster has no machines");
    assert.deepEqual(decideGlobal(new ClusterIndex(), unit("g.service", "Global=true")), {
      machineIds: [],
      rejected: [],
    });
  });

  test("a summary over many machines stays short", () => {
    const index = new ClusterIndex();
    for (let i = 0; i < 50; i++)
      index.setMachine({ id: `m${String(i).padStart(2, "0")}`, metadata: {} });
    const d = failed(decide(index, unit("a.service", "MachineMetadata=disk=ssd")));
    assert.equal(d.rejected.length, 50);
    assert.equal(
      d.reason,
      "no machine can run a.service: has no metadata disk (MachineMetadata=disk=ssd) on all 50 machines",
    );
  });
});

describe("planBatch on a clone is a dry run", () => {
  test("the original index is untouched", () => {
    const index = cluster("m1", "m2");
    startEach(index, unit("a.service", "Conflicts=b.service"));
    const dry = index.clone();
    const entries = planBatch(dry, [
      unit("b.service"),
      unit("c.service"),
      unit("g.service", "Global=true"),
    ]);
    assert.equal(entries.length, 3);
    assert.deepEqual(dry.machinesOf("b.service"), ["m2"]);
    assert.deepEqual(index.machinesOf("b.service"), []);
    assert.deepEqual(index.machinesOf("g.service"), []);
    assert.deepEqual([...index.unitsOn("m1")], ["a.service"]);
    assert.deepEqual([...index.unitsOn("m2")], []);
    // And the clone reverse-indexes a's Conflicts on its own.
    assert.equal(
      checkPlacement(dry, unit("b.service"), "m1")?.startsWith("conflicts with a.service"),
      true,
    );
  });
});
