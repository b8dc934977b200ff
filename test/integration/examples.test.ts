// examples/ as a user tries it: every file there submitted and started with the CLI, from
// the directory itself, on a cluster of two machines (127.0.4.31 and .32).
import assert from "node:assert/strict";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { TestCluster } from "../support/cluster.ts";
import { http } from "../support/http.ts";
import { typeLine, userShell } from "../support/shell.ts";
import { waitUntil } from "../support/wait.ts";

const EXAMPLES = join(import.meta.dirname, "..", "..", "examples");

describe("examples/ on a cluster", () => {
  let cluster: TestCluster;
  let shell: { workDir: string; binDir: string };
  const type = (line: string) =>
    typeLine(`cd ${EXAMPLES} && ${line}`, shell, { FLEETCTL_ENDPOINT: cluster.url });

  before(async () => {
    cluster = await new TestCluster({ ips: ["127.0.4.31", "127.0.4.32"] }).start();
    shell = await userShell();
  });
  after(async () => {
    await cluster.stop();
    await rm(shell.workDir, { recursive: true, force: true });
  });

  test("the plain, global, oneshot, sidekick and timer examples run as their files say", async () => {
    const files = (await readdir(EXAMPLES)).filter((name) => !name.startsWith("apache"));
    assert.deepEqual(files.sort(), [
      "clock.service",
      "greeting.service",
      "hello.service",
      "report.service",
      "report.timer",
      "ticker-announce@.service",
      "ticker@.service",
    ]);
    const started = await type(
      "fleetctl start hello.service clock.service ticker@5.service ticker-announce@5.service",
    );
    assert.equal(started.code, 0, started.stderr);
    await cluster.launched("hello.service");

    // Global: one on every machine.
    const clock = await cluster.waitFor(
      "clock.service",
      (unit) => unit.machineIds?.length === 2,
      "reported by both machines",
    );
    assert.deepEqual(clock.machineIds.sort(), cluster.agents.map((a) => a.machineId).sort());

    // The sidekick runs beside its service and announces it.
    const [ticker, sidekick] = await Promise.all([
      cluster.launched("ticker@5.service"),
      cluster.launched("ticker-announce@5.service"),
    ]);
    assert.equal(sidekick.machineId, ticker.machineId);
    const announced = await waitUntil("ticker5 announced", async () => {
      const { json } = await http("GET", `${cluster.url}/v1/announcements`);
      return json.announcements.find((a: any) => a.key === "/announce/services/ticker5");
    });
    assert.equal(announced.unit, "ticker-announce@5.service");

    // A oneshot runs to its end and, with RemainAfterExit=yes, stays active.
    const greeting = await type("fleetctl start greeting.service");
    assert.equal(greeting.code, 0, greeting.stderr);
    await cluster.waitFor(
      "greeting.service",
      (unit) => unit.activeState === "active" && unit.subState === "exited",
      "run to its end and remaining active",
    );
    const journal = await type("fleetctl journal greeting.service");
    assert.match(journal.stdout, /Hello from /);

    // A timer: started, it waits for its next elapse on the machine that holds its service,
    // which starting it has loaded there.
    const report = await type(
      "fleetctl submit report.service report.timer && fleetctl start report.timer",
    );
    assert.equal(report.code, 0, report.stderr);
    const timer = await cluster.waitFor(
      "report.timer",
      (unit) => unit.activeState === "active" && unit.timer?.nextElapse !== undefined,
      "active and waiting for its next elapse",
    );
    assert.equal(timer.subState, "waiting");
    assert.equal(timer.timer.unit, "report.service");
    const service = await cluster.waitFor(
      "report.service",
      (unit) => unit.currentState === "loaded",
      "loaded with its timer",
    );
    assert.equal(service.machineId, timer.machineId);
    const listed = await type("fleetctl list-units");
    assert.match(listed.stdout, /^UNIT\s+MACHINE\s+ACTIVE\s+SUB\s+NEXT\s+LAST$/m);
    assert.match(
      listed.stdout,
      /^report\.timer\s.*\sactive\s+waiting\s+\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\s+-$/m,
    );
  });
});
