import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Checker } from "../../test/chaos/checker.ts";
import type { Copy, Sample } from "../../test/chaos/sample.ts";
import { WriteModel } from "../../test/chaos/write-model.ts";

const A = "a".repeat(32);
const B = "b".repeat(32);
const TTL = 5000;

function checker(model = new WriteModel()): Checker {
  return new Checker({ presenceTtlMs: TTL, announceTtlMs: 10_000, model });
}

function process(unit: string, machine: string): Copy {
  return { unit, machine, via: "process" };
}

/** A sample where both agents are up and present, nothing runs, and every source answered. */
function sample(at: number, changes: Partial<Sample> = {}): Sample {
  return {
    at,
    agents: [
      { machine: A, up: true },
      { machine: B, up: true },
    ],
    members: [A, B],
    containers: [],
    processes: [],
    announcing: { [A]: [], [B]: [] },
    keys: [],
    ...changes,
  };
}

function messages(found: Checker, invariant: number): string[] {
  return found.log.all.filter((v) => v.invariant === invariant).map((v) => v.message);
}

describe("invariant 1: at most once, no conflicting neighbours", () => {
  test("a unit on two member machines is a violation, reported once for a run of samples", () => {
    const found = checker();
    for (let at = 0; at < 1000; at += 100)
      found.observe(
        sample(at, { processes: [process("s@10.service", A), process("s@10.service", B)] }),
      );
    assert.deepEqual(messages(found, 1), [
      `s@10.service runs 2 times: on ${A.slice(0, 8)} (process), ${B.slice(0, 8)} (process)`,
    ]);
    assert.equal(found.log.all[0]?.count, 10);
    assert.equal(found.checks[1], 10);
  });

  test("a copy on a machine whose presence is gone is a stray, allowed until TTL + 10 s after its return", () => {
    const found = checker();
    const copies = { processes: [process("s@10.service", A), process("s@10.service", B)] };
    found.observe(sample(0, { processes: [process("s@10.service", A)], units: [] }));
    // A's agent is paused past its TTL: its presence goes and the unit starts on B.
    const paused = [
      { machine: A, up: false },
      { machine: B, up: true },
    ];
    found.observe(sample(6000, { ...copies, agents: paused, members: [B] }));
    found.observe(sample(9000, { ...copies, members: [A, B] }));
    const placed = {
      units: [{ name: "s@10.service", hash: "h", desiredState: "launched", machineId: B }],
    };
    found.observe(sample(9000 + TTL + 9000, { ...copies, ...placed }));
    assert.deepEqual(messages(found, 1), []);
    found.observe(sample(9000 + TTL + 11_000, { ...copies, ...placed }));
    assert.equal(messages(found, 1).length, 2, messages(found, 1).join("\n"));
    assert.match(
      messages(found, 1).join("\n"),
      /stray s@10\.service still runs on aaaaaaaa 16\.0 s after/,
    );
  });

  test("a stray gone in time, or placed back on its machine, is no violation", () => {
    const found = checker();
    found.observe(
      sample(0, {
        members: [B],
        agents: [
          { machine: A, up: false },
          { machine: B, up: true },
        ],
        processes: [process("x.service", A)],
      }),
    );
    found.observe(sample(1000, { processes: [process("x.service", A)] }));
    const back = {
      units: [{ name: "x.service", hash: "h", desiredState: "launched", machineId: A }],
    };
    found.observe(sample(20_000, { processes: [process("x.service", A)], ...back }));
    assert.deepEqual(messages(found, 1), []);
  });

  test("conflicting units on one machine are a violation; on two machines they are fine", () => {
    const found = checker();
    found.observe(
      sample(0, { processes: [process("lone-a.service", A), process("lone-b.service", B)] }),
    );
    found.observe(
      sample(100, {
        containers: [
          { unit: "boat@10.service", machine: A, via: "container" },
          { unit: "boat@20.service", machine: A, via: "container" },
        ],
      }),
    );
    assert.deepEqual(messages(found, 1), [
      `boat@10.service and boat@20.service conflict but run together on ${A.slice(0, 8)}`,
    ]);
  });

  test("what could not be read is not counted, and nothing is judged before presence is known", () => {
    const found = checker();
    found.observe(
      sample(0, {
        members: undefined,
        processes: [process("y.service", A), process("y.service", B)],
      }),
    );
    assert.equal(found.checks[1], 0);
  });
});

describe("invariant 2: no announcement outlives its unit", () => {
  const announce = (unit: string, machine: string): Copy => ({ unit, machine, via: "announce" });
  const running = (at: number, keys: string[]) =>
    sample(at, {
      keys,
      processes: [process("sleeper@10.service", A)],
      announcing: { [A]: [announce("sleeper-beacon@10.service", A)], [B]: [] },
    });

  test("a key may stay its TTL + 2 s after its sidekick stopped, not longer", () => {
    const found = checker();
    const key = "/chaos/services/sleeper10";
    found.observe(running(0, [key]));
    found.observe(sample(1000, { keys: [key], processes: [process("sleeper@10.service", A)] }));
    found.observe(sample(11_900, { keys: [key] }));
    assert.deepEqual(messages(found, 2), []);
    found.observe(sample(12_100, { keys: [key] }));
    assert.deepEqual(messages(found, 2), [
      "/chaos/services/sleeper10 is still announced 12.1 s after sleeper-beacon@10.service last ran (TTL 10 s)",
    ]);
  });

  test("a key that appears before its sidekick is seen running counts its TTL from then", () => {
    const found = checker();
    const key = "/chaos/services/sleeper10";
    found.observe(sample(30_000, { keys: [key] }));
    found.observe(sample(41_900, { keys: [key] }));
    assert.deepEqual(messages(found, 2), []);
    found.observe(sample(42_100, { keys: [key] }));
    assert.deepEqual(messages(found, 2), [
      "/chaos/services/sleeper10 is still announced 12.1 s after it appeared, and sleeper-beacon@10.service was not seen running since (TTL 10 s)",
    ]);
  });

  test("an agent that did not answer is taken to run what it ran; etcd's return renews the leases", () => {
    const found = checker();
    const key = "/chaos/services/sleeper10";
    found.observe(running(0, [key]));
    found.observe(
      sample(20_000, {
        keys: [key],
        processes: [process("sleeper@10.service", A)],
        announcing: { [B]: [] },
      }),
    );
    assert.deepEqual(messages(found, 2), []);
    found.etcdTrouble(21_000);
    found.etcdBack(40_000);
    found.observe(
      sample(45_000, {
        keys: [key],
        agents: [
          { machine: A, up: false },
          { machine: B, up: true },
        ],
      }),
    );
    assert.deepEqual(messages(found, 2), []);
    found.observe(
      sample(52_500, {
        keys: [key],
        agents: [
          { machine: A, up: false },
          { machine: B, up: true },
        ],
      }),
    );
    assert.equal(messages(found, 2).length, 1);
  });
});

describe("invariant 3: no acknowledged write lost", () => {
  test("a listing without an acknowledged unit is a violation; none is judged during etcd trouble", () => {
    const model = new WriteModel();
    model.ack(model.begin("solo.service", "content", ["h"], 0), 10);
    model.ack(model.begin("solo.service", "desired", ["inactive"], 0), 10);
    const found = checker(model);
    found.etcdTrouble(100);
    found.observe(sample(200, { units: [], templates: [] }));
    assert.equal(found.checks[3], 0);
    found.etcdBack(300);
    found.observe(sample(20_000, { units: [], templates: [] }));
    assert.deepEqual(messages(found, 3), [
      "solo.service: not listed, though the writes allow only {inactive}",
    ]);
  });
});

describe("invariant 4: no 5xx but 503 with Retry-After during etcd trouble", () => {
  const answer = (at: number, status: number, retryAfter = false) => ({
    at,
    method: "PUT",
    path: "/v1/units/boat@10.service",
    status,
    retryAfter,
  });

  test("503 with Retry-After during etcd trouble and a few seconds after is fine; without, or later, it is not", () => {
    const found = checker();
    found.etcdTrouble(1000);
    found.answer(answer(2000, 503, true));
    found.etcdBack(5000);
    found.answer(answer(9000, 503, true));
    assert.deepEqual(messages(found, 4), []);
    found.answer(answer(9500, 503, false));
    found.answer(answer(30_000, 503, true));
    found.answer(answer(30_100, 500, false));
    assert.deepEqual(messages(found, 4), [
      "PUT /v1/units/boat@10.service answered 503 (without Retry-After)",
      "PUT /v1/units/boat@10.service answered 503 (outside any etcd fault)",
      "PUT /v1/units/boat@10.service answered 500 (outside any etcd fault)",
    ]);
    assert.equal(found.checks[4], 5);
  });

  test("etcd too slow to answer the sampler, with no fault injected, excuses 503 with Retry-After around it", () => {
    const found = checker();
    found.observe(sample(50_000, { members: undefined }));
    found.answer(answer(45_000, 503, true));
    found.answer(answer(59_000, 503, true));
    assert.deepEqual(messages(found, 4), []);
    found.answer(answer(43_000, 503, true));
    found.answer(answer(61_000, 503, true));
    assert.deepEqual(messages(found, 4), [
      "PUT /v1/units/boat@10.service answered 503 (outside any etcd fault)",
      "PUT /v1/units/boat@10.service answered 503 (outside any etcd fault)",
    ]);
  });
});

describe("invariant 5: convergence", () => {
  const settled = () =>
    sample(0, {
      units: [
        {
          name: "sleeper@10.service",
          hash: "h",
          desiredState: "launched",
          machineId: A,
          activeState: "active",
        },
        {
          name: "sleeper-beacon@10.service",
          hash: "h",
          desiredState: "launched",
          machineId: A,
          activeState: "active",
        },
        { name: "solo.service", hash: "h", desiredState: "loaded", activeState: "inactive" },
      ],
      templates: [],
      processes: [process("sleeper@10.service", A)],
      announcing: {
        [A]: [{ unit: "sleeper-beacon@10.service", machine: A, via: "announce" }],
        [B]: [],
      },
      keys: ["/chaos/services/sleeper10"],
    });

  test("every launched unit once where it is placed, active, announced; nothing else: settled", () => {
    assert.equal(checker().converged(settled(), true), true);
  });

  test("each way of not being settled is reported when it is the last look", () => {
    const unsettled = settled();
    unsettled.processes = [
      process("sleeper@10.service", B),
      process("solo.service", A),
      process("ghost.service", B),
    ];
    unsettled.keys = [];
    const found = checker();
    assert.equal(found.converged(unsettled, false), false);
    assert.deepEqual(messages(found, 5), []);
    found.converged(unsettled, true);
    assert.deepEqual(messages(found, 5), [
      `sleeper@10.service runs on ${B.slice(0, 8)} but is placed on ${A.slice(0, 8)}`,
      `solo.service is desired loaded, yet runs on ${A.slice(0, 8)} (process)`,
      `ghost.service is not listed (destroyed), yet runs on ${B.slice(0, 8)} (process)`,
      "sleeper-beacon@10.service runs but /chaos/services/sleeper10 is not announced",
    ]);
  });

  test("a look that missed a source cannot show a settled cluster", () => {
    const blind = { ...settled(), containers: undefined };
    const found = checker();
    found.converged(blind, true);
    assert.deepEqual(messages(found, 5), ["the Docker engine could not be listed"]);
  });
});
