import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { History } from "../../test/chaos/history.ts";
import { replayCommand, summaryTable } from "../../test/chaos/summary.ts";
import { ViolationLog } from "../../test/chaos/violations.ts";

describe("the campaign's report", () => {
  test("a violation seen sample after sample is one entry; after a gap, a new one", () => {
    const log = new ViolationLog(1000);
    log.report(1, 100, "x runs 2 times: on a", "twice x");
    log.report(1, 200, "x runs 2 times: on b", "twice x");
    log.report(1, 5000, "x runs 2 times: on a", "twice x");
    log.report(2, 5000, "key k outlives its unit");
    assert.deepEqual(
      log.all.map(({ invariant, at, lastAt, count }) => ({ invariant, at, lastAt, count })),
      [
        { invariant: 1, at: 100, lastAt: 200, count: 2 },
        { invariant: 1, at: 5000, lastAt: 5000, count: 1 },
        { invariant: 2, at: 5000, lastAt: 5000, count: 1 },
      ],
    );
    assert.deepEqual(log.byInvariant(), { 1: 2, 2: 1, 3: 0, 4: 0, 5: 0 });
  });

  test("the history puts operations, faults, notes and violations in time order", () => {
    const history = new History();
    history.add(2500, "fault", "kill-agent: SIGKILL agent 127.0.9.11");
    history.add(1000, "op", "set launched a.service");
    const lines = history.lines([
      { invariant: 3, at: 2000, lastAt: 2600, count: 7, message: "a.service: not listed" },
    ]);
    assert.deepEqual(lines, [
      "   +1.000s  op        set launched a.service",
      "   +2.000s  violation invariant 3: a.service: not listed (seen 7 times until +2.600s)",
      "   +2.500s  fault     kill-agent: SIGKILL agent 127.0.9.11",
    ]);
  });

  test("the table names the seed, the command to replay it, and each count", () => {
    const table = summaryTable({
      seed: 7,
      minutes: 2,
      command: replayCommand(7, 2),
      faults: { "kill-agent": 2 },
      operations: { destroy: { acked: 3, unknown: 1 } },
      crashes: 0,
      samples: 1200,
      checks: { 1: 1200, 2: 1190, 3: 900, 4: 2000, 5: 3 },
      violations: { total: 1, byInvariant: { 1: 0, 2: 0, 3: 0, 4: 1, 5: 0 } },
      convergedAfterMs: 1500,
      logFile: "/tmp/x/history.log",
    });
    assert.match(
      table,
      /^seed 7, 2 min: 1 violation\(s\); replay: npm run chaos -- --seed 7 --minutes 2$/m,
    );
    assert.match(table, /^kill-agent\t2$/m);
    assert.match(table, /^destroy\t3\t0\t1\t0$/m);
    assert.match(table, /^4 no 5xx but 503 with Retry-After during etcd trouble\t2000\t1$/m);
    assert.match(table, /converged 1\.5 s after the end; log \/tmp\/x\/history\.log/);
  });
});
