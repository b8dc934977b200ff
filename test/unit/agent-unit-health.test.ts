// A unit's health through the unit manager, with fake processes, probes and time: what the
// agent reports (and so writes to etcd), and a restart after RestartAfter failed checks.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { CommandExecutor } from "../../src/agent/commands.ts";
import type { HealthProbes, ProbeOutcome } from "../../src/agent/health-probes.ts";
import type { CommandContext, ExitStatus, MainProcess } from "../../src/agent/runtime/types.ts";
import { type AgentUnitView, UnitManager } from "../../src/agent/unit-manager.ts";
import { unitHash } from "../../src/unit/hash.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { serializeUnitFile } from "../../src/unit/serialize.ts";
import { FakeClock, settle } from "../support/fake-clock.ts";
import { MemoryTimerElapses } from "../support/timer-elapses.ts";

const SECOND = 1000;

/** A main process that runs until it is signalled, in a container when `containerId` is set. */
class HeldProcess implements MainProcess {
  readonly description = "held";
  private end!: (status: ExitStatus) => void;
  readonly exited = new Promise<ExitStatus>((resolve) => {
    this.end = resolve;
  });

  constructor(readonly containerId?: string) {}

  async terminate(signal: NodeJS.Signals): Promise<void> {
    this.end({ code: null, signal });
  }

  /** Ends by itself, with `status`. */
  exit(status: ExitStatus): void {
    this.end(status);
  }
}

function content(text: string): { text: string; hash: string } {
  const parsed = parseUnitFile(text);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return { text: serializeUnitFile(parsed.file), hash: unitHash(parsed.file) };
}

function setUp(
  answers: ProbeOutcome[],
  options: {
    containers?: boolean;
    /** Runs a command (ExecStartPre=, ExecStop=, ...); exits 0 at once without. */
    run?: (argv: readonly string[]) => Promise<ExitStatus>;
    /** What Docker says of a container's image's HEALTHCHECK; none at once without. */
    imageHealth?: HealthProbes["imageHealth"];
  } = {},
) {
  const clock = new FakeClock();
  const started: HeldProcess[] = [];
  const startedUnits: string[] = [];
  const contexts = new Map<string, CommandContext>();
  const reports: AgentUnitView[] = [];
  const probed: string[][] = [];
  const commands: CommandExecutor = {
    run: async (argv) => (options.run ? options.run(argv) : { code: 0 }),
    start: async (_argv, context) => {
      const main = new HeldProcess(options.containers ? `container-${started.length}` : undefined);
      started.push(main);
      startedUnits.push(context.unit);
      contexts.set(context.unit, context);
      return main;
    },
  };
  const probes: HealthProbes = {
    run: async (probe, target) => {
      probed.push(
        probe.kind === "exec" || probe.kind === "container-exec"
          ? [target.containerId ?? "machine", ...probe.argv]
          : [probe.kind],
      );
      return answers.shift() ?? { ok: true, output: "" };
    },
    imageHealth: options.imageHealth ?? (async () => undefined),
  };
  const manager = new UnitManager({
    timerElapses: new MemoryTimerElapses(),
    machine: {
      id: "m1",
      publicIP: "10.0.0.3",
      privateIP: "10.0.0.3",
      hostname: "node1",
      bootId: "",
    },
    commands,
    baseEnv: {},
    fetchText: async () => undefined,
    report: (unit) => reports.push(unit),
    withdraw: () => {},
    health: { probes, clock },
  });
  const launch = async (name: string, text: string) => {
    await manager.apply(
      name,
      { desiredState: "launched", ...content(text), launch: 1 },
      content(text).text,
    );
    await settle();
  };
  return { clock, started, startedUnits, contexts, reports, probed, manager, launch };
}

const WEB = `[Service]
ExecStart=/usr/bin/web --port 8080
[X-Health]
ExecCheck=/usr/bin/check http://\${COREOS_PUBLIC_IPV4}:8080/ %n
IntervalSec=5s
UnhealthyThreshold=2
RestartAfter=3
`;

const PASS: ProbeOutcome = { ok: true, output: "ok" };
const FAIL: ProbeOutcome = { ok: false, output: "exit status 7: refused" };

describe("a unit's health on its machine", () => {
  test("starting with the running state, then each change of health, and none once stopped", async () => {
    const { clock, reports, probed, manager, launch } = setUp([PASS, PASS, FAIL, FAIL]);
    await launch("web.service", WEB);
    const running = reports.findLast((unit) => unit.activeState === "active");
    assert.equal(running?.health?.status, "starting", "the start of checks goes out with active");
    const before = reports.length;
    await clock.advance(20 * SECOND);
    // With the unit's environment and specifiers: the check is the unit's own.
    assert.deepEqual(probed[0], [
      "machine",
      "/usr/bin/check",
      "http://10.0.0.3:8080/",
      "web.service",
    ]);
    assert.deepEqual(
      reports.slice(before).map((unit) => unit.health?.status),
      ["healthy", "unhealthy"],
      "two checks passed, two failed: two reports",
    );
    const view = manager.view("web.service");
    assert.equal(view?.health?.failures, 2);
    assert.equal(view?.health?.lastOutput, "exit status 7: refused");
    assert.equal(view?.lastHealthCheck?.ok, false);

    await manager.apply("web.service", { desiredState: "loaded", ...content(WEB) });
    await settle();
    assert.equal(manager.view("web.service")?.activeState, "inactive");
    assert.equal(manager.view("web.service")?.health, undefined);
    assert.equal(reports.at(-1)?.health, undefined);
    const checks = probed.length;
    await clock.advance(60 * SECOND);
    assert.equal(probed.length, checks, "no check of a stopped unit");
  });

  test("RestartAfter failed checks restart the unit, counted and logged", async () => {
    const { clock, started, manager, launch } = setUp([FAIL, FAIL, FAIL, PASS]);
    await launch("web.service", WEB);
    await clock.advance(15 * SECOND);
    await settle();
    assert.equal(started.length, 2, "a second main process");
    const view = manager.view("web.service");
    assert.equal(view?.activeState, "active");
    assert.equal(view?.restarts, 1);
    assert.equal(view?.health?.status, "starting", "a restarted unit starts its checks afresh");
    const log = manager.log("web.service")?.tail(100).join("\n") ?? "";
    assert.match(
      log,
      /Restarting: 3 health checks failed in a row \(RestartAfter=3\); the last: exit status 7: refused/,
    );
    await clock.advance(5 * SECOND);
    assert.equal(manager.view("web.service")?.health?.status, "healthy");
  });

  test("stopHealthMonitors ends every check: a unit left running is not restarted", async () => {
    const { clock, started, manager, launch } = setUp([FAIL, FAIL, FAIL, FAIL]);
    await launch("web.service", WEB);
    await clock.advance(10 * SECOND);
    manager.stopHealthMonitors();
    await clock.advance(60 * SECOND);
    assert.equal(started.length, 1, "no restart");
    assert.equal(manager.view("web.service")?.activeState, "active");
    assert.equal(manager.view("web.service")?.health, undefined);
    assert.equal(clock.pending, 0, "no check waits");
  });

  test("a check that is invalid for this instance is said in the unit's state", async () => {
    const { clock, reports, probed, manager, launch } = setUp([]);
    await launch(
      "a@www.service",
      "[Service]\nExecStart=/bin/web\n[X-Health]\nTCPConnect=localhost:%i\n",
    );
    const view = manager.view("a@www.service");
    assert.equal(view?.activeState, "active", "the unit runs all the same");
    assert.match(
      view?.error ?? "",
      /^\[X-Health\] is not checked: line \d+ of the unit file: TCPConnect: /,
    );
    assert.equal(reports.at(-1)?.error, view?.error, "and is reported");
    await clock.advance(60 * SECOND);
    assert.deepEqual(probed, []);
  });

  test("ContainerExecCheck runs in the unit's main container", async () => {
    const { clock, probed, launch } = setUp([PASS], { containers: true });
    await launch(
      "box.service",
      "[Service]\nExecStart=/usr/bin/docker run --rm flotilla/busybox httpd -f\n[X-Health]\nContainerExecCheck=wget -q -O- http://localhost/\nIntervalSec=1\n",
    );
    await clock.advance(SECOND);
    assert.deepEqual(probed, [["container-0", "wget", "-q", "-O-", "http://localhost/"]]);
  });

  test("a unit without [X-Health] reports no health, as before", async () => {
    const { clock, reports, probed, launch } = setUp([]);
    await launch("plain.service", "[Service]\nExecStart=/bin/sleep 1000\n");
    await clock.advance(60 * SECOND);
    assert.ok(reports.length > 0);
    assert.ok(
      reports.every((unit) => unit.health === undefined && unit.lastHealthCheck === undefined),
    );
    assert.deepEqual(probed, []);
  });
});

const TICKER = `[Service]
ExecStart=/bin/sh -c "while true; do echo tick; sleep %i; done"
ExecStop=/bin/stop-ticker
[X-Health]
ExecCheck=/bin/check-ticker
IntervalSec=5s
RestartAfter=3
`;

/** The ticker-announce@ sidekick: bound to its service, started after it. */
const ANNOUNCE = `[Unit]
BindsTo=ticker@1.service
After=ticker@1.service
[Service]
ExecStart=/bin/sh -c "while true; do etcdctl set /announce/services/ticker1 %H --ttl 60; sleep 45; done"
`;

describe("a restart and the units bound to it", () => {
  test("a sidekick bound to a unit restarted after RestartAfter failed checks runs again", async () => {
    const { clock, startedUnits, manager, launch } = setUp([FAIL, FAIL, FAIL]);
    await launch("ticker@1.service", TICKER);
    await launch("ticker-announce@1.service", ANNOUNCE);
    assert.equal(manager.view("ticker-announce@1.service")?.activeState, "active");
    await clock.advance(15 * SECOND);
    await settle();
    assert.equal(manager.view("ticker@1.service")?.restarts, 1);
    assert.equal(manager.view("ticker@1.service")?.activeState, "active");
    assert.equal(manager.view("ticker-announce@1.service")?.activeState, "active");
    assert.deepEqual(startedUnits, [
      "ticker@1.service",
      "ticker-announce@1.service",
      "ticker@1.service",
      "ticker-announce@1.service",
    ]);
    assert.match(
      manager.log("ticker-announce@1.service")?.tail(100).join("\n") ?? "",
      /Stopping because ticker@1\.service stopped \(BindsTo=\)[\s\S]*Starting again: ticker@1\.service was restarted/,
    );
  });

  test("a sidekick bound to a unit that Restart= restarts runs again", async () => {
    const { started, startedUnits, manager, launch } = setUp([]);
    await launch(
      "ticker@1.service",
      "[Service]\nExecStart=/bin/ticker\nRestart=always\nRestartSec=0\n",
    );
    await launch("ticker-announce@1.service", ANNOUNCE);
    started[0]!.exit({ code: 1 });
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await settle();
    assert.equal(manager.view("ticker@1.service")?.restarts, 1);
    assert.equal(manager.view("ticker@1.service")?.activeState, "active");
    assert.equal(manager.view("ticker-announce@1.service")?.activeState, "active");
    assert.equal(startedUnits.filter((unit) => unit === "ticker-announce@1.service").length, 2);
  });

  test("a sidekick whose own desired state is loaded is not started by its unit's restart", async () => {
    const { clock, startedUnits, manager, launch } = setUp([FAIL, FAIL, FAIL]);
    await launch("ticker@1.service", TICKER);
    await launch("ticker-announce@1.service", ANNOUNCE);
    await manager.apply("ticker-announce@1.service", {
      desiredState: "loaded",
      ...content(ANNOUNCE),
    });
    await settle();
    await clock.advance(15 * SECOND);
    await settle();
    assert.equal(manager.view("ticker@1.service")?.restarts, 1);
    assert.equal(manager.view("ticker-announce@1.service")?.activeState, "inactive");
    assert.equal(startedUnits.filter((unit) => unit === "ticker-announce@1.service").length, 1);
  });

  test("a stop asked while the restart's start runs does not wait for it", async () => {
    let holdPre = false;
    let releasePre = () => {};
    const { clock, manager, launch } = setUp([FAIL, FAIL, FAIL], {
      run: (argv) =>
        argv[0] === "/bin/pre" && holdPre
          ? new Promise((resolve) => {
              releasePre = () => resolve({ code: 0 });
            })
          : Promise.resolve({ code: 0 }),
    });
    const text = WEB.replace("[Service]\n", "[Service]\nExecStartPre=/bin/pre\n");
    await launch("web.service", text);
    holdPre = true;
    await clock.advance(15 * SECOND);
    await settle();
    assert.equal(manager.view("web.service")?.subState, "start-pre", "the restart's start waits");
    let answered = false;
    const stopping = manager
      .apply("web.service", { desiredState: "loaded", ...content(text) })
      .then(() => {
        answered = true;
      });
    await settle();
    assert.equal(answered, true, "the control plane has its answer before the start ends");
    releasePre();
    await stopping;
    await settle();
    assert.equal(manager.view("web.service")?.activeState, "inactive");
  });

  test("a stop asked while the restart's stop runs wins: the unit does not start again", async () => {
    let holdStop = false;
    let releaseStop = () => {};
    const { clock, started, manager, launch } = setUp([FAIL, FAIL, FAIL], {
      run: (argv) =>
        argv[0] === "/bin/stop-ticker" && holdStop
          ? new Promise((resolve) => {
              releaseStop = () => resolve({ code: 0 });
            })
          : Promise.resolve({ code: 0 }),
    });
    await launch("ticker@1.service", TICKER);
    holdStop = true;
    await clock.advance(15 * SECOND);
    await settle();
    assert.equal(manager.view("ticker@1.service")?.activeState, "deactivating");
    const stopping = manager.apply("ticker@1.service", {
      desiredState: "loaded",
      ...content(TICKER),
    });
    releaseStop();
    await stopping;
    await settle();
    assert.equal(started.length, 1, "no second main process");
    assert.equal(manager.view("ticker@1.service")?.activeState, "inactive");
  });
});

const ANNOUNCER = `[Unit]
BindsTo=web.service
After=web.service
[Service]
ExecStart=/bin/sh -c "while true; do etcdctl set /services/web up --ttl 60; sleep 45; done"
`;

describe("announcements follow the health of the unit they announce", () => {
  test("closed while it starts, is unhealthy or drains; open while it is healthy", async () => {
    const { clock, contexts, manager, launch } = setUp([PASS, FAIL, FAIL, PASS]);
    await launch("web.service", WEB);
    await launch("web-announce.service", ANNOUNCER);
    const gate = contexts.get("web-announce.service")?.announceGate;
    assert.ok(gate, "the announcer's commands get its gate");
    let changes = 0;
    gate.watch(() => changes++);
    assert.equal(gate.closedBecause(), "web.service is starting");

    await clock.advance(5 * SECOND);
    assert.equal(gate.closedBecause(), undefined, "healthy: announced");
    assert.ok(changes > 0, "the gate told of the change");

    await clock.advance(10 * SECOND);
    assert.equal(gate.closedBecause(), "web.service is unhealthy");
    await clock.advance(5 * SECOND);
    assert.equal(gate.closedBecause(), undefined, "healthy again: announced again");

    await manager.apply("web.service", {
      desiredState: "launched",
      ...content(WEB),
      launch: 1,
      draining: true,
    });
    assert.equal(gate.closedBecause(), "web.service is draining");
    assert.equal(manager.view("web.service")?.draining, true, "the drain is reported");
    assert.equal(manager.view("web.service")?.activeState, "active", "and the unit keeps running");
    await manager.apply("web.service", { desiredState: "launched", ...content(WEB), launch: 1 });
    assert.equal(gate.closedBecause(), undefined);
  });

  test("a unit without a check is announced while it runs", async () => {
    const { contexts, manager, launch } = setUp([]);
    const plain = "[Service]\nExecStart=/usr/bin/web\n";
    await launch("web.service", plain);
    await launch("web-announce.service", ANNOUNCER);
    const gate = contexts.get("web-announce.service")?.announceGate;
    assert.equal(gate?.closedBecause(), undefined);
    await manager.apply("web.service", { desiredState: "loaded", ...content(plain) });
    await settle();
    assert.equal(
      manager.view("web-announce.service")?.activeState,
      "inactive",
      "BindsTo= stops it",
    );
  });

  test("new content restarts the unit, and the units bound to it come back with it", async () => {
    const { startedUnits, manager, launch } = setUp([]);
    await launch("web.service", "[Service]\nExecStart=/usr/bin/web --v1\n");
    await launch("web-announce.service", ANNOUNCER);
    await launch("web.service", "[Service]\nExecStart=/usr/bin/web --v2\n");
    assert.deepEqual(startedUnits, [
      "web.service",
      "web-announce.service",
      "web.service",
      "web-announce.service",
    ]);
    assert.equal(manager.view("web-announce.service")?.activeState, "active");
  });
});

test("a container's sidekick waits for Docker to say whether its image has a HEALTHCHECK", async () => {
  let answer: (health: undefined) => void = () => {};
  const asked = new Promise<undefined>((resolve) => {
    answer = resolve;
  });
  const { contexts, launch } = setUp([], { containers: true, imageHealth: () => asked });
  await launch("web.service", "[Service]\nExecStart=/usr/bin/docker run --rm web\n");
  await launch("web-announce.service", ANNOUNCER);
  const gate = contexts.get("web-announce.service")?.announceGate;
  assert.equal(gate?.closedBecause(), "web.service is starting");
  let told = 0;
  gate?.watch(() => told++);
  answer(undefined);
  await settle();
  assert.equal(gate?.closedBecause(), undefined, "no HEALTHCHECK: announced while it runs");
  assert.ok(told > 0, "and the announcement was told at once");
});

test("new content for a unit that Requires= the sidekick bound to it: both run again", async () => {
  const { startedUnits, manager, launch } = setUp([]);
  const web = (version: string) =>
    `[Unit]\nRequires=web-announce.service\n[Service]\nExecStart=/usr/bin/web ${version}\n`;
  await manager.apply(
    "web-announce.service",
    { desiredState: "loaded", ...content(ANNOUNCER) },
    content(ANNOUNCER).text,
  );
  await launch("web.service", web("--v1"));
  await launch("web.service", web("--v2"));
  await settle();
  // The sidekick's stop (BindsTo=) must not stop the new web unit in turn (Requires=).
  assert.equal(manager.view("web.service")?.activeState, "active");
  assert.equal(manager.view("web-announce.service")?.activeState, "active");
  assert.deepEqual(startedUnits.filter((unit) => unit === "web.service").length, 2);
  const log = manager.log("web.service")?.tail(50).join("\n") ?? "";
  assert.doesNotMatch(log, /Stopping because web-announce\.service stopped/);
});
