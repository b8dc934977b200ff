// How a unit's health follows from its checks' results: thresholds, the start period,
// RestartAfter, Docker's own verdict, and what is reported (a change of status only).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  type CheckRun,
  type HealthState,
  judgeCheck,
  judgeImageHealth,
  OUTPUT_BYTES,
  startedHealth,
  truncateOutput,
} from "../../src/agent/health-state.ts";
import type { HealthCheck } from "../../src/unit/health.ts";

const START = Date.parse("2026-12-07T10:00:00.000Z");
const SECOND = 1000;

function checkWith(overrides: Partial<HealthCheck> = {}): HealthCheck {
  return {
    probe: { kind: "tcp", address: "127.0.0.1:80" },
    intervalSeconds: 10,
    timeoutSeconds: 2,
    startPeriodSeconds: 0,
    unhealthyThreshold: 3,
    healthyThreshold: 1,
    ...overrides,
  };
}

/** Feeds results one interval apart; returns every verdict. */
function run(check: HealthCheck, results: boolean[]) {
  let state = startedHealth("tcp", START);
  const verdicts = results.map((ok, index) => {
    const at = START + (index + 1) * check.intervalSeconds * SECOND;
    const result: CheckRun = {
      ok,
      output: ok ? "connected" : "connect ECONNREFUSED",
      at,
      began: at,
    };
    const verdict = judgeCheck(state, result, check);
    state = verdict.state;
    return verdict;
  });
  return { state, verdicts };
}

describe("health from a unit's checks", () => {
  test("a started unit is starting, with nothing checked yet", () => {
    const state = startedHealth("http", START);
    assert.equal(state.status, "starting");
    assert.deepEqual(state.report, {
      status: "starting",
      since: "2026-12-07T10:00:00.000Z",
      failures: 0,
      probe: "http",
    });
  });

  test("one passed check makes it healthy; the report carries that check", () => {
    const { state, verdicts } = run(checkWith(), [true, true]);
    assert.deepEqual(
      verdicts.map((v) => v.changed),
      [true, false],
    );
    assert.deepEqual(state.report, {
      status: "healthy",
      since: "2026-12-07T10:00:10.000Z",
      failures: 0,
      probe: "tcp",
      lastCheckAt: "2026-12-07T10:00:10.000Z",
      lastOutput: "connected",
    });
    // The last check is kept, and not reported.
    assert.equal(state.lastCheck?.at, START + 20 * SECOND);
  });

  test("HealthyThreshold passes in a row; a failure in between starts the count again", () => {
    const { verdicts } = run(checkWith({ healthyThreshold: 2 }), [true, false, true, true]);
    assert.deepEqual(
      verdicts.map((v) => v.state.status),
      ["starting", "starting", "starting", "healthy"],
    );
  });

  test("UnhealthyThreshold failures in a row make it unhealthy, reported once", () => {
    const { state, verdicts } = run(checkWith(), [true, false, false, false, false, false]);
    assert.deepEqual(
      verdicts.map((v) => v.state.status),
      ["healthy", "healthy", "healthy", "unhealthy", "unhealthy", "unhealthy"],
    );
    assert.deepEqual(
      verdicts.map((v) => v.changed),
      [true, false, false, true, false, false],
    );
    assert.equal(state.failures, 5, "the count goes on");
    assert.deepEqual(state.report, {
      status: "unhealthy",
      since: "2026-12-07T10:00:40.000Z",
      failures: 3,
      probe: "tcp",
      lastCheckAt: "2026-12-07T10:00:40.000Z",
      lastOutput: "connect ECONNREFUSED",
    });
  });

  test("an unhealthy unit is healthy again after HealthyThreshold passes", () => {
    const { verdicts } = run(checkWith({ unhealthyThreshold: 1, healthyThreshold: 2 }), [
      false,
      true,
      true,
    ]);
    assert.deepEqual(
      verdicts.map((v) => v.state.status),
      ["unhealthy", "unhealthy", "healthy"],
    );
  });

  test("the start period is judged by when a check began, not when it ended", () => {
    const check = checkWith({ startPeriodSeconds: 30, unhealthyThreshold: 1, timeoutSeconds: 5 });
    const started = startedHealth("tcp", START);
    // Began at 28 s, within the period, and timed out at 33 s, past it: forgiven, as Docker does.
    const within = judgeCheck(
      started,
      { ok: false, output: "timed out", began: START + 28 * SECOND, at: START + 33 * SECOND },
      check,
    );
    assert.equal(within.state.status, "starting");
    assert.equal(within.state.failures, 0);
    // Began at 30 s: past it, and counted.
    const past = judgeCheck(
      within.state,
      { ok: false, output: "timed out", began: START + 30 * SECOND, at: START + 35 * SECOND },
      check,
    );
    assert.equal(past.state.status, "unhealthy");
  });

  test("failures in the start period do not count, until a check passes", () => {
    const check = checkWith({ startPeriodSeconds: 35, unhealthyThreshold: 1 });
    // Checks at 10, 20, 30 s fail within the period; the one at 40 s is past it.
    const late = run(check, [false, false, false, false]);
    assert.deepEqual(
      late.verdicts.map((v) => v.state.status),
      ["starting", "starting", "starting", "unhealthy"],
    );
    assert.deepEqual(
      late.verdicts.map((v) => v.state.failures),
      [0, 0, 0, 1],
    );
    // A pass ends the period early: the next failure counts.
    const passed = run(check, [true, false]);
    assert.deepEqual(
      passed.verdicts.map((v) => v.state.status),
      ["healthy", "unhealthy"],
    );
  });

  test("RestartAfter failures in a row ask for one restart", () => {
    const { verdicts } = run(checkWith({ restartAfter: 4 }), [
      false,
      false,
      false,
      false,
      false,
      true,
      false,
      false,
      false,
      false,
    ]);
    assert.deepEqual(
      verdicts.flatMap((v, index) => (v.restart ? [index] : [])),
      [3, 9],
    );
    assert.equal(
      run(checkWith(), Array(20).fill(false)).verdicts.some((v) => v.restart),
      false,
    );
  });

  test("the thresholds hold for any sequence of results", () => {
    const thresholds = fc.record({
      unhealthy: fc.integer({ min: 1, max: 5 }),
      healthy: fc.integer({ min: 1, max: 5 }),
      restartExtra: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(thresholds, fc.array(fc.boolean(), { maxLength: 40 }), (t, results) => {
        const check = checkWith({
          unhealthyThreshold: t.unhealthy,
          healthyThreshold: t.healthy,
          ...(t.restartExtra === undefined ? {} : { restartAfter: t.unhealthy + t.restartExtra }),
        });
        let state: HealthState = startedHealth("tcp", START);
        let restarts = 0;
        let expectedRestarts = 0;
        let streak = { ok: true, length: 0 };
        results.forEach((ok, index) => {
          const at = START + (index + 1) * 10 * SECOND;
          const before = state.status;
          const verdict = judgeCheck(state, { ok, output: String(index), at, began: at }, check);
          state = verdict.state;
          streak = streak.ok === ok ? { ok, length: streak.length + 1 } : { ok, length: 1 };
          if (verdict.restart) restarts++;
          if (!ok && streak.length === check.restartAfter) expectedRestarts++;
          // Counts are the trailing runs of results.
          assert.equal(state.failures, ok ? 0 : streak.length);
          assert.equal(state.successes, ok ? streak.length : 0);
          // Enough in a row decides; a status changes only towards what the check said.
          if (!ok && streak.length >= t.unhealthy) assert.equal(state.status, "unhealthy");
          if (ok && streak.length >= t.healthy) assert.equal(state.status, "healthy");
          if (state.status !== before) {
            assert.ok(verdict.changed);
            assert.equal(state.status, ok ? "healthy" : "unhealthy");
            assert.equal(state.report.since, new Date(at).toISOString());
            assert.equal(state.report.lastOutput, String(index));
          } else {
            assert.equal(verdict.changed, false);
          }
          assert.equal(state.report.status, state.status);
        });
        assert.equal(restarts, expectedRestarts);
      }),
      { numRuns: 500 },
    );
  });
});

describe("health from Docker's verdict", () => {
  test("the image's status is taken as it is, with Docker's failing streak", () => {
    const started = startedHealth("image", START);
    const unhealthy = judgeImageHealth(started, {
      status: "unhealthy",
      failingStreak: 4,
      last: { ok: false, output: "curl: (7) Failed to connect\n", at: START + 5 * SECOND },
    });
    assert.ok(unhealthy.changed);
    assert.deepEqual(unhealthy.state.report, {
      status: "unhealthy",
      since: "2026-12-07T10:00:05.000Z",
      failures: 4,
      probe: "image",
      lastCheckAt: "2026-12-07T10:00:05.000Z",
      lastOutput: "curl: (7) Failed to connect",
    });
    const again = judgeImageHealth(unhealthy.state, {
      status: "unhealthy",
      failingStreak: 5,
      last: { ok: false, output: "curl: (7)", at: START + 10 * SECOND },
    });
    assert.equal(again.changed, false, "the same status is not reported again");
    assert.equal(again.restart, false, "RestartAfter is the unit file's, not the image's");
  });

  test("an image still in its start period is starting", () => {
    const verdict = judgeImageHealth(startedHealth("image", START), {
      status: "starting",
      failingStreak: 0,
    });
    assert.equal(verdict.changed, false);
    assert.equal(verdict.state.status, "starting");
  });
});

describe("a check's output", () => {
  test("is kept whole when short, without trailing blanks", () => {
    assert.equal(truncateOutput("HTTP 200 OK\n\n"), "HTTP 200 OK");
  });

  test("is cut to 512 bytes of UTF-8, on a character boundary", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 800 }), (text) => {
        const kept = truncateOutput(text);
        assert.ok(Buffer.byteLength(kept) <= OUTPUT_BYTES);
        assert.ok(!/\p{Cs}/u.test(kept.replace(/[\ud800-\udbff][\udc00-\udfff]/g, "")));
        const trimmed = text.replace(/\s+$/, "");
        if (Buffer.byteLength(trimmed) <= OUTPUT_BYTES) assert.equal(kept, trimmed);
        else assert.ok(trimmed.startsWith(kept.slice(0, -3)) && kept.endsWith("..."));
      }),
    );
  });
});
