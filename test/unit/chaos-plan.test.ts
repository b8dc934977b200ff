import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseCampaignArgs } from "../../test/chaos/args.ts";
import { FILES, GROUPS } from "../../test/chaos/catalog.ts";
import { drawPlan } from "../../test/chaos/plan.ts";

const TOPOLOGY = { servers: 3, agents: 4, presenceTtlMs: 5000 };

describe("the campaign's plan", () => {
  test("the same seed and length draw the same plan; another seed another", () => {
    assert.deepEqual(drawPlan(11, 3, TOPOLOGY), drawPlan(11, 3, TOPOLOGY));
    assert.notDeepEqual(drawPlan(11, 3, TOPOLOGY).faults, drawPlan(12, 3, TOPOLOGY).faults);
    assert.notDeepEqual(drawPlan(11, 3, TOPOLOGY).operations, drawPlan(12, 3, TOPOLOGY).operations);
  });

  test("the setup submits every unit file, then launches some groups", () => {
    const { setup } = drawPlan(5, 1, TOPOLOGY);
    const submitted = setup.filter((operation) => operation.kind === "submit");
    assert.deepEqual(
      submitted.map((operation) => operation.kind === "submit" && operation.file),
      FILES.map((file) => file.name),
    );
    assert.ok(setup.slice(submitted.length).every((operation) => operation.kind === "set-state"));
  });

  test("operations come in time order within the campaign and name existing groups", () => {
    for (const seed of [1, 2, 3]) {
      const plan = drawPlan(seed, 4, TOPOLOGY);
      let last = 0;
      for (const operation of plan.operations) {
        assert.ok(operation.at >= last && operation.at < plan.durationMs);
        last = operation.at;
        if (operation.kind === "set-state" || operation.kind === "destroy")
          assert.ok(GROUPS[operation.group], `group ${operation.group}`);
        assert.ok(operation.server >= 0 && operation.server < 1);
      }
      assert.ok(plan.operations.length > 4 * 20, `${plan.operations.length} operations`);
    }
  });

  test("faults do not overlap, start after the warm-up and are over 5 s before the end", () => {
    for (let seed = 0; seed < 50; seed++) {
      const plan = drawPlan(seed, 2, TOPOLOGY);
      let free = 10_000;
      for (const fault of plan.faults) {
        assert.ok(fault.at >= free, `seed ${seed}: ${JSON.stringify(fault)} before ${free}`);
        free = fault.at + fault.downMs;
        assert.ok(free <= plan.durationMs - 5000, `seed ${seed}: ${JSON.stringify(fault)}`);
      }
    }
  });

  test("a whole etcd outage lasts 5 s at least, and no more than a quarter of a short campaign", () => {
    let outages = 0;
    for (let seed = 0; seed < 200; seed++) {
      for (const fault of drawPlan(seed, 1, TOPOLOGY).faults) {
        if (fault.kind !== "etcd-outage") continue;
        outages++;
        assert.ok(fault.downMs <= 15_000, `seed ${seed}: ${fault.downMs}`);
      }
      for (const fault of drawPlan(seed, 10, TOPOLOGY).faults)
        if (fault.kind === "etcd-outage") assert.ok(fault.downMs >= 5000 && fault.downMs <= 60_000);
    }
    assert.ok(outages > 0);
  });

  test("agents are paused both shorter and longer than their presence TTL; every kind is drawn", () => {
    const kinds = new Set<string>();
    let short = 0;
    let long = 0;
    for (let seed = 0; seed < 100; seed++) {
      for (const fault of drawPlan(seed, 5, TOPOLOGY).faults) {
        kinds.add(fault.kind);
        if (fault.kind === "pause-agent") {
          if (fault.downMs < TOPOLOGY.presenceTtlMs) short++;
          if (fault.downMs > TOPOLOGY.presenceTtlMs + 1000) long++;
        }
        if ("target" in fault) assert.ok(fault.target >= 0 && fault.target < 4);
      }
    }
    assert.ok(short > 10 && long > 10, `${short} short, ${long} long`);
    assert.equal(kinds.size, 9, [...kinds].join(", "));
  });
});

describe("the campaign's arguments", () => {
  test("--seed and --minutes, or a drawn seed and 5 minutes", () => {
    assert.deepEqual(
      parseCampaignArgs(["--seed", "12", "--minutes", "0.5"], () => 0),
      {
        seed: 12,
        minutes: 0.5,
      },
    );
    assert.deepEqual(
      parseCampaignArgs([], () => 99),
      { seed: 99, minutes: 5 },
    );
  });

  test("a seed outside 32 bits, or no minutes, is refused", () => {
    assert.throws(() => parseCampaignArgs(["--seed", "-1"], () => 0), /--seed/);
    assert.throws(() => parseCampaignArgs(["--seed", "4294967296"], () => 0), /--seed/);
    assert.throws(() => parseCampaignArgs(["--minutes", "0"], () => 0), /--minutes/);
    assert.throws(() => parseCampaignArgs(["--hours", "1"], () => 0));
  });
});
