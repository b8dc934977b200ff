// The health monitor with fake time and fake probes: when checks run, how long they may take,
// what is reported and when a restart is asked for. Real probes are the integration tests'.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { HealthMonitor } from "../../src/agent/health-monitor.ts";
import type {
  HealthProbes,
  ImageHealthReport,
  ProbeOutcome,
  ProbeTarget,
} from "../../src/agent/health-probes.ts";
import type { HealthCheck } from "../../src/unit/health.ts";
import type { ResolvedProbe } from "../../src/unit/health-probe.ts";
import { FakeClock, settle } from "../support/fake-clock.ts";

const SECOND = 1000;

/** Probes whose answers the test gives: each check takes the next one, or hangs without. */
class ScriptedProbes implements HealthProbes {
  readonly runs: { probe: ResolvedProbe; target: ProbeTarget; signal: AbortSignal; at: number }[] =
    [];
  readonly answers: (ProbeOutcome | "hang")[] = [];
  images: (ImageHealthReport | undefined | Error)[] = [];
  imageAsks = 0;

  constructor(private readonly clock: FakeClock) {}

  run(probe: ResolvedProbe, target: ProbeTarget, signal: AbortSignal): Promise<ProbeOutcome> {
    this.runs.push({ probe, target, signal, at: this.clock.now() });
    const answer = this.answers.shift() ?? "hang";
    return answer === "hang" ? new Promise(() => {}) : Promise.resolve(answer);
  }

  async imageHealth(): Promise<ImageHealthReport | undefined> {
    this.imageAsks++;
    const next = this.images.length > 1 ? this.images.shift() : this.images[0];
    if (next instanceof Error) throw next;
    return next;
  }
}

function setUp(check: HealthCheck | undefined) {
  const clock = new FakeClock();
  const probes = new ScriptedProbes(clock);
  const changes: (string | undefined)[] = [];
  const restarts: string[] = [];
  const log: string[] = [];
  const monitor: HealthMonitor = new HealthMonitor({
    check,
    probes,
    clock,
    onChange: () => changes.push(monitor.report?.status),
    onRestart: (reason) => restarts.push(reason),
    log: (line) => log.push(line),
  });
  return { clock, probes, monitor, changes, restarts, log };
}

const TCP: HealthCheck = {
  probe: { kind: "tcp", address: `\${COREOS_PUBLIC_IPV4}:\${PORT}` },
  intervalSeconds: 10,
  timeoutSeconds: 2,
  startPeriodSeconds: 0,
  unhealthyThreshold: 2,
  healthyThreshold: 1,
};

const TARGET: ProbeTarget = { env: { COREOS_PUBLIC_IPV4: "10.0.0.3", PORT: "8080" } };
const PASS: ProbeOutcome = { ok: true, output: "connected to 10.0.0.3:8080" };
const FAIL: ProbeOutcome = { ok: false, output: "connect ECONNREFUSED 10.0.0.3:8080" };

describe("the health monitor", () => {
  test("the first check comes one interval after the start; until then the unit is starting", async () => {
    const { clock, probes, monitor, changes } = setUp(TCP);
    monitor.start(TARGET);
    assert.equal(monitor.report?.status, "starting");
    await clock.advance(10 * SECOND - 1);
    assert.equal(probes.runs.length, 0);
    probes.answers.push(PASS);
    await clock.advance(1);
    assert.equal(probes.runs.length, 1);
    // The unit's variables, substituted when the check runs.
    assert.deepEqual(probes.runs[0]?.probe, { kind: "tcp", host: "10.0.0.3", port: 8080 });
    assert.equal(monitor.report?.status, "healthy");
    assert.deepEqual(changes, ["healthy"], "starting goes out with the unit's state, not here");
  });

  test("checks run every interval; only a change of status is reported", async () => {
    const { clock, probes, monitor, changes, log } = setUp(TCP);
    monitor.start(TARGET);
    probes.answers.push(PASS, PASS, PASS, FAIL, FAIL, FAIL, PASS);
    await clock.advance(70 * SECOND);
    assert.deepEqual(
      probes.runs.map((run) => run.at - probes.runs[0]!.at),
      [0, 10, 20, 30, 40, 50, 60].map((s) => s * SECOND),
    );
    assert.deepEqual(changes, ["healthy", "unhealthy", "healthy"]);
    assert.deepEqual(log, [
      "Health: starting -> healthy: connected to 10.0.0.3:8080",
      "Health: healthy -> unhealthy after 2 failed checks in a row: connect ECONNREFUSED 10.0.0.3:8080",
      "Health: unhealthy -> healthy: connected to 10.0.0.3:8080",
    ]);
    assert.equal(monitor.lastCheck?.output, PASS.output);
  });

  test("a check that does not answer in TimeoutSec fails and is told to give up", async () => {
    const { clock, probes, monitor } = setUp({ ...TCP, unhealthyThreshold: 1 });
    monitor.start(TARGET);
    probes.answers.push("hang");
    await clock.advance(10 * SECOND + 2 * SECOND - 1);
    assert.equal(monitor.report?.status, "starting");
    assert.equal(probes.runs[0]?.signal.aborted, false);
    await clock.advance(1);
    assert.equal(probes.runs[0]?.signal.aborted, true);
    assert.equal(monitor.report?.status, "unhealthy");
    assert.equal(monitor.report?.lastOutput, "no answer within 2 s (TimeoutSec=)");
    // The next check is timed from the start of the one that hung: checks never overlap.
    probes.answers.push(PASS);
    await clock.advance(8 * SECOND);
    assert.equal(probes.runs.length, 2);
    assert.equal(probes.runs[1]!.at - probes.runs[0]!.at, 10 * SECOND);
  });

  test("the unit's log gets a change of health on one line; the report keeps the output", async () => {
    const { clock, probes, monitor, log } = setUp({ ...TCP, unhealthyThreshold: 1 });
    monitor.start(TARGET);
    probes.answers.push({ ok: false, output: "exit status 1:\nline one\n  line two" });
    await clock.advance(10 * SECOND);
    assert.deepEqual(log, [
      "Health: starting -> unhealthy after 1 failed check in a row: exit status 1: line one line two",
    ]);
    assert.equal(monitor.report?.lastOutput, "exit status 1:\nline one\n  line two");
  });

  test("a probe that throws is a failed check", async () => {
    const clock = new FakeClock();
    const monitor = new HealthMonitor({
      check: { ...TCP, unhealthyThreshold: 1 },
      clock,
      probes: {
        run: () => Promise.reject(new Error("no such container")),
        imageHealth: async () => undefined,
      },
      onChange: () => {},
      onRestart: () => {},
      log: () => {},
    });
    monitor.start(TARGET);
    await clock.advance(10 * SECOND);
    assert.equal(monitor.report?.status, "unhealthy");
    assert.equal(monitor.report?.lastOutput, "no such container");
  });

  test("a value the unit's variables cannot make valid fails the check, saying why", async () => {
    const { clock, probes, monitor } = setUp({ ...TCP, unhealthyThreshold: 1 });
    monitor.start({ env: {} });
    await clock.advance(10 * SECOND);
    assert.equal(probes.runs.length, 0, "nothing is probed");
    assert.equal(monitor.report?.lastOutput, '":" is not host:port');
  });

  test("stopped, the unit has no health, and a check still running is forgotten", async () => {
    const { clock, probes, monitor, changes } = setUp(TCP);
    monitor.start(TARGET);
    let answer!: (outcome: ProbeOutcome) => void;
    probes.run = (probe, target, signal) => {
      probes.runs.push({ probe, target, signal, at: clock.now() });
      return new Promise((resolve) => {
        answer = resolve;
      });
    };
    await clock.advance(10 * SECOND);
    monitor.stop();
    answer(PASS);
    await settle();
    assert.equal(monitor.report, undefined);
    assert.deepEqual(changes, []);
    await clock.advance(60 * SECOND);
    assert.equal(probes.runs.length, 1, "no check after the stop");
    assert.equal(clock.pending, 0);
  });

  test("a stop aborts the check in flight", async () => {
    const { clock, probes, monitor } = setUp(TCP);
    monitor.start(TARGET);
    probes.answers.push("hang");
    await clock.advance(10 * SECOND);
    assert.equal(probes.runs[0]?.signal.aborted, false);
    monitor.stop();
    assert.equal(probes.runs[0]?.signal.aborted, true, "the probe is told to give up at once");
    await settle();
    assert.equal(clock.pending, 0, "its timeout is gone with it");
  });

  test("a report or a restart that throws is logged, and the checks go on", async () => {
    const clock = new FakeClock();
    const probes = new ScriptedProbes(clock);
    const log: string[] = [];
    const monitor = new HealthMonitor({
      check: { ...TCP, unhealthyThreshold: 1, restartAfter: 1 },
      probes,
      clock,
      onChange: () => {
        throw new Error("etcd is away");
      },
      onRestart: () => {
        throw "not an Error";
      },
      log: (line) => log.push(line),
    });
    monitor.start(TARGET);
    probes.answers.push(FAIL, PASS, PASS);
    await clock.advance(30 * SECOND);
    assert.equal(probes.runs.length, 3, "a check every interval still");
    assert.deepEqual(
      probes.runs.map((run) => run.at - probes.runs[0]!.at),
      [0, 10 * SECOND, 20 * SECOND],
    );
    assert.ok(log.includes("Health check error: etcd is away"), log.join("\n"));
    assert.equal(monitor.report?.status, "healthy");
  });

  test("a second start while running changes nothing; a start after a stop begins afresh", async () => {
    const { clock, probes, monitor } = setUp(TCP);
    monitor.start(TARGET);
    probes.answers.push(PASS);
    await clock.advance(10 * SECOND);
    monitor.start(TARGET);
    assert.equal(monitor.report?.status, "healthy");
    monitor.stop();
    monitor.start(TARGET);
    assert.equal(monitor.report?.status, "starting");
    assert.equal(clock.pending, 1, "one check waiting, not two");
  });

  test("RestartAfter failures in a row ask for a restart, once, saying why", async () => {
    const { clock, probes, monitor, restarts } = setUp({ ...TCP, restartAfter: 3 });
    monitor.start(TARGET);
    probes.answers.push(FAIL, FAIL, FAIL, FAIL, FAIL);
    await clock.advance(50 * SECOND);
    assert.deepEqual(restarts, [
      "3 health checks failed in a row (RestartAfter=3); the last: connect ECONNREFUSED 10.0.0.3:8080",
    ]);
  });

  test("the start period forgives early failures", async () => {
    const { clock, probes, monitor, changes } = setUp({
      ...TCP,
      unhealthyThreshold: 1,
      startPeriodSeconds: 25,
    });
    monitor.start(TARGET);
    probes.answers.push(FAIL, FAIL, FAIL);
    await clock.advance(20 * SECOND);
    assert.equal(monitor.report?.status, "starting");
    await clock.advance(10 * SECOND);
    assert.equal(monitor.report?.status, "unhealthy");
    assert.deepEqual(changes, ["unhealthy"]);
  });
});

describe("the health monitor without [X-Health]", () => {
  const healthy: ImageHealthReport = {
    health: {
      status: "healthy",
      failingStreak: 0,
      last: { ok: true, output: "ok", at: Date.parse("2026-12-07T10:00:03.000Z") },
    },
    intervalSeconds: 3,
  };

  test("a container whose image has a HEALTHCHECK has Docker's verdict, read at its interval", async () => {
    const { clock, probes, monitor, changes, log } = setUp(undefined);
    probes.images = [
      { health: { status: "starting", failingStreak: 0 }, intervalSeconds: 3 },
      healthy,
      {
        health: {
          status: "unhealthy",
          failingStreak: 3,
          last: { ok: false, output: "exit 1", at: clock.now() + 9 * SECOND },
        },
        intervalSeconds: 3,
      },
    ];
    monitor.start({ env: {}, containerId: "c0ffee" });
    await settle();
    assert.equal(monitor.report?.status, "starting");
    assert.equal(monitor.report?.probe, "image");
    await clock.advance(3 * SECOND);
    assert.equal(monitor.report?.status, "healthy");
    await clock.advance(3 * SECOND);
    assert.deepEqual(monitor.report, {
      status: "unhealthy",
      since: "2026-12-07T10:00:09.000Z",
      failures: 3,
      probe: "image",
      lastCheckAt: "2026-12-07T10:00:09.000Z",
      lastOutput: "exit 1",
    });
    assert.deepEqual(changes, ["starting", "healthy", "unhealthy"]);
    assert.equal(log[0], "Health: none -> starting (the image's HEALTHCHECK)");
  });

  test("Docker is asked at least every 10 s and at most every second", async () => {
    const slow = setUp(undefined);
    slow.probes.images = [{ ...healthy, intervalSeconds: 300 }];
    slow.monitor.start({ env: {}, containerId: "c0ffee" });
    await slow.clock.advance(30 * SECOND);
    assert.equal(slow.probes.imageAsks, 4);
    const fast = setUp(undefined);
    fast.probes.images = [{ ...healthy, intervalSeconds: 0.1 }];
    fast.monitor.start({ env: {}, containerId: "c0ffee" });
    await fast.clock.advance(3 * SECOND);
    assert.equal(fast.probes.imageAsks, 4);
  });

  test("an image without a HEALTHCHECK leaves the health none, and is not asked again", async () => {
    const { clock, probes, monitor, changes } = setUp(undefined);
    probes.images = [undefined];
    monitor.start({ env: {}, containerId: "c0ffee" });
    await clock.advance(60 * SECOND);
    assert.equal(monitor.report, undefined);
    assert.equal(probes.imageAsks, 1);
    assert.deepEqual(changes, []);
  });

  test("an engine that does not answer is asked again; the verdict stands meanwhile", async () => {
    const { clock, probes, monitor } = setUp(undefined);
    probes.images = [new Error("connect ENOENT /var/run/docker.sock"), healthy];
    monitor.start({ env: {}, containerId: "c0ffee" });
    await settle();
    assert.equal(monitor.report?.status, undefined);
    await clock.advance(10 * SECOND);
    assert.equal(monitor.report?.status, "healthy");
  });

  test("a unit with neither a check nor a container has no health, and nothing runs", async () => {
    const { clock, probes, monitor } = setUp(undefined);
    monitor.start({ env: {} });
    await clock.advance(60 * SECOND);
    assert.equal(monitor.report, undefined);
    assert.equal(probes.imageAsks + probes.runs.length, 0);
  });
});
