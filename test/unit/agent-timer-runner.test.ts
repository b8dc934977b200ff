import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TimerRunner } from "../../src/agent/timer-runner.ts";
import { UnitLog } from "../../src/agent/unit-log.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { readTimerSection } from "../../src/unit/timer.ts";
import { FakeClock } from "../support/fake-clock.ts";
import { MemoryTimerElapses } from "../support/timer-elapses.ts";

const START = Date.parse("2026-12-08T10:00:01.000Z");

/** A timer whose service is a oneshot that runs `runMs` and is loaded unless told otherwise. */
function setup(
  section: string,
  options: { runMs?: number; random?: number; loaded?: { now: boolean } } = {},
) {
  const parsed = parseUnitFile(`[Timer]\n${section}\n`);
  assert.ok(parsed.ok);
  const read = readTimerSection(parsed.file, { unitName: "backup.timer" });
  assert.ok(read.ok, JSON.stringify(read.errors));
  const clock = new FakeClock(START);
  const elapses = new MemoryTimerElapses();
  const log = new UnitLog("backup.timer");
  const runs: number[] = [];
  /** What the runner reported, as the unit manager reads it on each change. */
  const published: ReturnType<typeof snapshot>[] = [];
  const snapshot = () => ({ ...runner.timer, subState: runner.status.subState });
  const runner: TimerRunner = new TimerRunner({
    name: "backup.timer",
    definition: read.timer,
    elapses,
    clock,
    localZone: "UTC",
    random: () => options.random ?? 0,
    log,
    onChange: () => published.push(snapshot()),
    unitLoaded: () => options.loaded?.now ?? true,
    startUnit: async () => {
      runs.push(clock.now());
      runner.unitChanged("active");
      await new Promise<void>((resolve) => clock.setTimeout(resolve, options.runMs ?? 1000));
      runner.unitChanged("inactive");
      return true;
    },
  });
  return { runner, clock, elapses, runs, log, published };
}

const iso = (ms: number) => new Date(ms).toISOString();
const snapshot = (runner: TimerRunner) => ({ ...runner.timer, subState: runner.status.subState });

describe("a timer on its machine", () => {
  test("waits, elapses on time, runs its service, and waits for the next elapse", async () => {
    const { runner, clock, runs, published } = setup("OnCalendar=*:*:0/10");
    await runner.start();
    assert.equal(runner.status.subState, "waiting");
    assert.equal(runner.timer.nextElapse, "2026-12-08T10:00:10.000Z");
    assert.deepEqual(published.at(-1), snapshot(runner), "the next elapse is reported");
    assert.equal(runner.timer.nextTrigger, "OnCalendar=*:*:0/10");
    await clock.advance(9_500);
    assert.deepEqual(runs, [START + 9_000]);
    assert.equal(runner.status.subState, "running");
    assert.equal(runner.timer.nextElapse, undefined);
    await clock.advance(1_000);
    assert.equal(runner.status.subState, "waiting");
    assert.equal(runner.timer.lastTrigger, "2026-12-08T10:00:10.000Z");
    assert.equal(runner.timer.nextElapse, "2026-12-08T10:00:20.000Z");
    assert.deepEqual(published.at(-1), snapshot(runner), "and again after each elapse");
    await clock.advance(30_000);
    assert.equal(runs.length, 4);
  });

  test("an elapse another machine fired is skipped, and the next one waited for", async () => {
    const { runner, clock, runs, elapses, log } = setup("OnCalendar=*:*:0/10");
    elapses.fired.set("backup.timer", { elapse: START + 9_000, firedAt: START + 9_000 });
    await runner.start();
    await clock.advance(9_500);
    assert.deepEqual(runs, []);
    assert.match(log.tail(1)[0] ?? "", /was fired on another machine/);
    assert.equal(runner.timer.nextElapse, "2026-12-08T10:00:20.000Z");
    await clock.advance(10_000);
    assert.deepEqual(runs, [START + 19_000]);
  });

  test("an elapse that cannot be claimed fires late, once, when it can", async () => {
    const { runner, clock, runs, elapses } = setup("OnCalendar=*:*:0/10");
    await runner.start();
    elapses.unreachable = true;
    await clock.advance(15_000);
    assert.deepEqual(runs, []);
    elapses.unreachable = false;
    await clock.advance(2_000);
    assert.equal(runs.length, 1);
    assert.ok((runs[0] ?? 0) > START + 15_000);
    assert.equal(elapses.fired.get("backup.timer")?.elapse, START + 9_000);
  });

  test("Persistent= catches up once on a missed elapse; without it nothing is caught up", async () => {
    for (const persistent of [true, false]) {
      const { runner, clock, runs, elapses } = setup(`OnCalendar=hourly\nPersistent=${persistent}`);
      const twoHoursAgo = START - 2 * 3_600_000;
      elapses.fired.set("backup.timer", { elapse: twoHoursAgo, firedAt: twoHoursAgo });
      await runner.start();
      await clock.advance(10);
      assert.deepEqual(runs, persistent ? [START] : [], `Persistent=${persistent}`);
      assert.equal(runner.timer.lastTrigger, iso(persistent ? START : twoHoursAgo));
      await clock.advance(5_000);
      assert.equal(runs.length, persistent ? 1 : 0);
      assert.equal(runner.timer.nextElapse, "2026-12-08T11:00:00.000Z");
    }
  });

  test("elapses do not overlap runs: one that comes during a run fires when it ends", async () => {
    const { runner, clock, runs } = setup("OnCalendar=*:*:0/10", { runMs: 15_000 });
    await runner.start();
    await clock.advance(9_500);
    assert.equal(runs.length, 1);
    await clock.advance(12_000);
    assert.equal(runs.length, 1, "no elapse during the run");
    await clock.advance(3_000);
    // The run ended at :25; the elapse at :20 it covered fires at once.
    assert.deepEqual(runs, [START + 9_000, START + 24_000]);
  });

  test("stopped while claiming an elapse, the timer still runs it; started again it counts anew", async () => {
    const { runner, clock, runs, elapses } = setup("OnCalendar=*:*:0/10");
    await runner.start();
    let release = () => {};
    const claim = elapses.claim.bind(elapses);
    elapses.claim = async (timer, fired) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return claim(timer, fired);
    };
    await clock.advance(9_500);
    await runner.stop();
    release();
    await clock.advance(1_000);
    assert.deepEqual(runs, [START + 9_500], "the claimed elapse ran, once claimed");
    assert.equal(runner.status.activeState, "inactive");
    elapses.claim = claim;
    await clock.advance(30_000);
    await runner.start();
    assert.equal(runner.timer.nextElapse, iso(START + 49_000), "no catch-up without Persistent=");
  });

  test("the randomized delay is added to each elapse", async () => {
    const { runner } = setup("OnCalendar=*:*:0/10\nRandomizedDelaySec=4", { random: 0.5 });
    await runner.start();
    assert.equal(runner.timer.nextElapse, "2026-12-08T10:00:12.000Z");
  });

  test("a stopped timer elapses no more; one with nothing left to elapse is `elapsed`", async () => {
    const { runner, clock, runs } = setup("OnCalendar=*:*:0/10");
    await runner.start();
    await runner.stop();
    assert.equal(runner.status.activeState, "inactive");
    await clock.advance(60_000);
    assert.deepEqual(runs, []);
    const once = setup("OnActiveSec=5s");
    await once.runner.start();
    await once.clock.advance(10_000);
    assert.equal(once.runs.length, 1);
    assert.equal(once.runner.status.subState, "elapsed");
  });

  test("an elapse waits, unclaimed, for its service to be loaded here", async () => {
    const loaded = { now: false };
    const { runner, clock, log, runs, elapses } = setup("OnActiveSec=1s", { loaded });
    await runner.start();
    await clock.advance(5_000);
    assert.deepEqual(runs, []);
    assert.equal(elapses.fired.size, 0, "nothing claimed");
    assert.equal(
      log.tail(10).filter((line) => /waits for backup.service to be loaded/.test(line)).length,
      1,
      "said once",
    );
    loaded.now = true;
    await clock.advance(3_000);
    assert.equal(runs.length, 1, "it fires within a retry, and runs");
    assert.equal(runner.status.subState, "elapsed");
  });
});
