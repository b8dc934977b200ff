// Timers on real agents (127.0.11.1-3, two of which are killed on the way), with second-level
// calendars: every run of a timer's service appends the elapse it is for
// ($TRIGGER_TIMER_REALTIME_USEC) and its machine to a file, so that the schedule, a double run
// and a catch-up show in the file, not in timings.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { TestCluster } from "../support/cluster.ts";
import { rawEtcd } from "../support/etcd.ts";
import { http } from "../support/http.ts";
import { runFlotilla } from "../support/process.ts";
import { waitUntil } from "../support/wait.ts";

const PERIOD_US = 2_000_000;

interface Run {
  elapseUs: number;
  machineId: string;
}

describe("timers on a cluster", () => {
  let cluster: TestCluster;
  let dir: string;
  const tag = randomBytes(3).toString("hex");

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "flotilla-timers-"));
    cluster = await new TestCluster({ ips: ["127.0.11.1", "127.0.11.2", "127.0.11.3"] }).start();
  });
  after(async () => {
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** A oneshot that records each run in `${dir}/${file}` and says so on its output. */
  const recorder = (file: string, extra = "") => `[Service]
Type=oneshot
ExecStart=/bin/sh -c "echo run-${tag} $TRIGGER_UNIT $TRIGGER_TIMER_REALTIME_USEC; echo $TRIGGER_TIMER_REALTIME_USEC %m >> ${dir}/${file}"
${extra}`;

  const runsIn = async (file: string): Promise<Run[]> => {
    const text = await readFile(join(dir, file), "utf8").catch(() => "");
    return text
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [elapse, machineId] = line.split(" ");
        return { elapseUs: Number(elapse), machineId: machineId as string };
      });
  };

  const runsAtLeast = (file: string, count: number) =>
    waitUntil(`${count} runs in ${file}`, async () => {
      const runs = await runsIn(file);
      return runs.length >= count ? runs : undefined;
    });

  /**
   * The elapse of *:*:0/2 after the timer was last fired (its claim in etcd): where a
   * Persistent= timer counts from, as systemd counts from its last trigger.
   */
  const firstElapseAfterLastFired = async (timer: string): Promise<number> => {
    const etcd = rawEtcd();
    const claimed = (await etcd
      .get(`${cluster.prefix}timer-elapses/${timer}`)
      .json()
      .finally(() => etcd.close())) as { firedAt: string };
    const firedAtUs = Date.parse(claimed.firedAt) * 1000;
    return (Math.floor(firedAtUs / PERIOD_US) + 1) * PERIOD_US;
  };

  /** Each elapse fired once, on the expression's schedule. */
  const assertOnSchedule = (runs: Run[]) => {
    const elapses = runs.map((run) => run.elapseUs);
    assert.equal(new Set(elapses).size, elapses.length, `no elapse runs twice: ${elapses}`);
    for (const elapse of elapses) assert.equal(elapse % PERIOD_US, 0, `${elapse} is on *:*:0/2`);
    assert.deepEqual(
      elapses,
      [...elapses].sort((a, b) => a - b),
    );
  };

  test("a timer and its service are placed together; it fires on schedule, each elapse once", async () => {
    await cluster.submit("tick.service", recorder("tick"));
    await cluster.submit("tick.timer", "[Timer]\nOnCalendar=*:*:0/2\nAccuracySec=1s\n");
    const started = await cluster.setState("tick.timer", "launched");
    assert.equal(started.desiredState, "launched");
    assert.equal((await cluster.unit("tick.service")).desiredState, "loaded", "its service loaded");
    const runs = await runsAtLeast("tick", 3);
    assertOnSchedule(runs);
    const timer = await cluster.unit("tick.timer");
    const service = await cluster.unit("tick.service");
    assert.equal(service.machineId, timer.machineId, "the service runs where its timer is");
    assert.ok(runs.every((run) => run.machineId === timer.machineId));
    assert.equal(timer.activeState, "active");
    assert.ok(["waiting", "running"].includes(timer.subState), timer.subState);
    assert.equal(timer.timer.unit, "tick.service");
    assert.ok(timer.timer.lastTrigger, "its last elapse is shown");
    // The service's runs, newest first, each ended in success; the log of one is readable.
    const ran = await cluster.waitFor(
      "tick.service",
      (unit) => unit.runs?.length >= 3 && unit.runs[1].result === "success",
      "three runs recorded",
    );
    assert.equal(ran.desiredState, "loaded", "the timer's runs leave the service loaded");
    const second = ran.runs[1];
    assert.ok(second.endedAt >= second.startedAt);
    const log = await http("GET", `${cluster.url}/v1/units/tick.service/logs?run=2&lines=50`);
    assert.equal(log.status, 200, log.text);
    const lines = log.text.split("\n").filter((line: string) => line.includes(`run-${tag}`));
    assert.equal(lines.length, 1, `one run's output: ${log.text}`);
    assert.match(lines[0] ?? "", new RegExp(`run-${tag} tick\\.timer \\d+`));
    const missing = await http("GET", `${cluster.url}/v1/units/tick.service/logs?run=11`);
    assert.equal(missing.status, 400, "run is at most the runs kept");
  });

  test("the CLI shows NEXT and LAST, the runs, and any run's output", async () => {
    const cli = (...args: string[]) => runFlotilla(args, { FLEETCTL_ENDPOINT: cluster.url });
    const listed = await cli("list-units");
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^UNIT\s+MACHINE\s+ACTIVE\s+SUB\s+NEXT\s+LAST$/m);
    assert.match(
      listed.stdout,
      /^tick\.timer\s.*\sactive\s+\w+\s+(-|\w{3} [\d-]+ [\d:]+ UTC)\s+\w{3} [\d-]+ [\d:]+ UTC$/m,
    );
    const status = await cli("status", "tick.timer", "tick.service");
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^ Triggers: tick\.service$/m);
    assert.match(status.stdout, /^ {5}Last: \d{4}-/m);
    assert.match(status.stdout, /^ {7}1\. \S+ (to \S+ success|running)$/m);
    const journal = await cli("journal", "--run=2", "--lines=50", "tick.service");
    assert.equal(journal.code, 0, journal.stderr);
    assert.equal(
      journal.stdout.split("\n").filter((line) => line.includes(`run-${tag}`)).length,
      1,
    );
  });

  test("its machine killed, the timer fires on the new one, with no elapse run twice", async () => {
    const before = await cluster.unit("tick.timer");
    const victim = cluster.agentOn(before.machineId);
    await victim.daemon.stop("SIGKILL");
    const moved = await cluster.waitFor(
      "tick.timer",
      (unit) => unit.machineId !== victim.machineId && unit.activeState === "active",
      "active on another machine",
    );
    const service = await cluster.waitFor(
      "tick.service",
      (unit) => unit.machineId === moved.machineId,
      "moved with its timer",
    );
    assert.equal(service.machineId, moved.machineId);
    await waitUntil("two runs on the new machine", async () => {
      const runs = await runsIn("tick");
      return runs.filter((run) => run.machineId === moved.machineId).length >= 2;
    });
    assertOnSchedule(await runsIn("tick"));
  });

  test("Persistent= catches up once on the elapse missed while the timer was stopped", async () => {
    await cluster.submit("catchup.service", recorder("catchup"));
    await cluster.submit(
      "catchup.timer",
      "[Timer]\nOnCalendar=*:*:0/2\nAccuracySec=1s\nPersistent=true\n",
    );
    await cluster.setState("catchup.timer", "launched");
    await runsAtLeast("catchup", 2);
    // Stopped, the timer misses elapses; started again, it fires the first one it missed.
    await cluster.setState("catchup.timer", "loaded");
    await cluster.waitFor("catchup.timer", (unit) => unit.activeState === "inactive", "stopped");
    // A run the last elapse started goes on after its timer stops, as in systemd.
    await cluster.waitFor(
      "catchup.service",
      (unit) => unit.activeState === "inactive" && unit.runs?.[0]?.endedAt !== undefined,
      "its last run over",
    );
    // Read again until two elapses have passed: an elapse claimed as the stop came still runs.
    const firstMissed = await waitUntil("two elapses missed", async () => {
      const first = await firstElapseAfterLastFired("catchup.timer");
      return Date.now() * 1000 > first + PERIOD_US + 500_000 ? first : undefined;
    });
    const stopped = await runsIn("catchup");
    await cluster.setState("catchup.timer", "launched");
    const after = await runsAtLeast("catchup", stopped.length + 2);
    assertOnSchedule(after);
    assert.equal(
      after[stopped.length]?.elapseUs,
      firstMissed,
      "the first elapse after the restart is the first one missed",
    );
  });

  test("Persistent=: its machine killed, the first elapse missed fires once on the new one", async () => {
    await cluster.submit("nightly.service", recorder("nightly"));
    await cluster.submit(
      "nightly.timer",
      "[Timer]\nOnCalendar=*:*:0/2\nAccuracySec=1s\nPersistent=true\n",
    );
    await cluster.setState("nightly.timer", "launched");
    const before = await runsAtLeast("nightly", 2);
    const held = await cluster.unit("nightly.timer");
    const victim = cluster.agentOn(held.machineId);
    // Killed right after a run, while no claim of its is on its way to etcd: the claim read
    // next is the last, which the next machine counts from. (A machine that dies between a
    // claim and its start loses that run: once at most, never twice.)
    await runsAtLeast("nightly", before.length + 1);
    await victim.daemon.stop("SIGKILL");
    const firstMissed = await firstElapseAfterLastFired("nightly.timer");
    const moved = await waitUntil("runs on another machine", async () => {
      const runs = await runsIn("nightly");
      return runs.some((run) => run.machineId !== victim.machineId) ? runs : undefined;
    });
    assertOnSchedule(moved);
    const first = moved.find((run) => run.machineId !== victim.machineId);
    assert.equal(
      first?.elapseUs,
      firstMissed,
      "the new machine first runs the first elapse missed, late",
    );
  });

  test("a failing oneshot is reported failed, and the timer goes on", async () => {
    await cluster.submit(
      "fails.service",
      `[Service]\nType=oneshot\nExecStart=/bin/sh -c "echo failing; exit 3"\n`,
    );
    await cluster.submit("fails.timer", "[Timer]\nOnCalendar=*:*:0/2\nAccuracySec=1s\n");
    await cluster.setState("fails.timer", "launched");
    const failed = await cluster.waitFor(
      "fails.service",
      (unit) => unit.runs?.length >= 2 && unit.runs[1].result === "failed",
      "failed twice",
    );
    assert.equal(failed.runs[1].result, "failed");
    assert.match(failed.runs[1].reason, /status 3/);
    const timer = await cluster.unit("fails.timer");
    assert.equal(timer.activeState, "active");
  });

  test("a template timer starts the instance of its template service", async () => {
    await cluster.submit("backup@.service", recorder("backup"));
    await cluster.submit("backup@.timer", "[Timer]\nOnCalendar=*:*:0/2\nAccuracySec=1s\n");
    await cluster.setState("backup@db.timer", "launched");
    const runs = await runsAtLeast("backup", 2);
    assertOnSchedule(runs);
    const [timer, service] = await Promise.all([
      cluster.unit("backup@db.timer"),
      cluster.unit("backup@db.service"),
    ]);
    assert.equal(service.desiredState, "loaded");
    assert.equal(service.machineId, timer.machineId);
  });

  test("a timer whose service was never submitted is refused, and nothing is written", async () => {
    await cluster.submit("orphan.timer", "[Timer]\nOnCalendar=daily\n");
    const response = await http("PUT", `${cluster.url}/v1/units/orphan.timer`, {
      json: { desiredState: "launched" },
    });
    assert.equal(response.status, 409, response.text);
    assert.equal((await cluster.unit("orphan.timer")).desiredState, "inactive");
  });

  test("an expression systemd refuses is refused, naming the key and the value", async () => {
    const response = await http("PUT", `${cluster.url}/v1/unit-files/bad.timer`, {
      body: "[Timer]\nOnCalendar=*:*:99\n",
      headers: { "content-type": "text/plain" },
    });
    assert.equal(response.status, 400);
    assert.match(response.text, /OnCalendar=\*:\*:99/);
  });
});
