// Adoption through the unit manager, with a fake runtime: the units an earlier agent reported
// are taken up as they were (state, since, health) without running any of their commands;
// one whose main process ended meanwhile is started again with its last exit; one that
// cannot be followed, or was caught between states, is left for the control plane.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { CommandExecutor } from "../../src/agent/commands.ts";
import type { HealthProbes } from "../../src/agent/health-probes.ts";
import type { Adoption, ExitStatus, MainProcess } from "../../src/agent/runtime/types.ts";
import { type AgentUnitView, UnitManager } from "../../src/agent/unit-manager.ts";
import type { UnitStateRecord } from "../../src/registry/records.ts";
import { unitHash } from "../../src/unit/hash.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { serializeUnitFile } from "../../src/unit/serialize.ts";
import { FakeClock, settle } from "../support/fake-clock.ts";
import { MemoryTimerElapses } from "../support/timer-elapses.ts";

class HeldProcess implements MainProcess {
  private end!: (status: ExitStatus) => void;
  readonly exited = new Promise<ExitStatus>((resolve) => {
    this.end = resolve;
  });

  constructor(
    readonly description: string,
    readonly containerId?: string,
  ) {}

  async terminate(signal: NodeJS.Signals): Promise<void> {
    this.end({ code: null, signal });
  }
}

const WEB = `[Service]
ExecStartPre=/usr/bin/docker pull web
ExecStart=/usr/bin/docker run --name web web
[X-Health]
ContainerExecCheck=/bin/check
IntervalSec=5s
`;
const SIDEKICK = `[Unit]
BindsTo=web.service
[Service]
ExecStart=/bin/sh -c "while true; do etcdctl set /web up --ttl 60; sleep 45; done"
[X-Fleet]
MachineOf=web.service
`;
const DEAD = "[Service]\nExecStart=/usr/bin/docker run --name dead dead\n";
const PROCESS = "[Service]\nExecStart=/usr/bin/sleep 1000\n";
const ONESHOT = "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n";

function content(text: string): { text: string; hash: string } {
  const parsed = parseUnitFile(text);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return { text: serializeUnitFile(parsed.file), hash: unitHash(parsed.file) };
}

const SINCE = "2026-01-02T03:04:05.000Z";

function state(name: string, text: string, fields: Partial<UnitStateRecord> = {}): UnitStateRecord {
  return {
    name,
    machineId: "m1",
    hash: content(text).hash,
    desiredState: "launched",
    loadState: "loaded",
    activeState: "active",
    subState: "running",
    since: SINCE,
    launch: 2,
    ...fields,
  };
}

function setUp() {
  const texts = new Map(
    [WEB, SIDEKICK, DEAD, PROCESS, ONESHOT].map((text) => [content(text).hash, content(text).text]),
  );
  const ran: string[] = [];
  const started: string[] = [];
  /** The announcement's gate as the sidekick found it when it was adopted. */
  const gateSeen: (string | undefined)[] = [];
  const commands: CommandExecutor = {
    run: async (argv) => {
      ran.push(argv.join(" "));
      return { code: 0 };
    },
    start: async (argv, context) => {
      started.push(context.unit);
      return new HeldProcess(argv.join(" "));
    },
    adopt: async (argv, context): Promise<Adoption> => {
      if (context.unit === "web.service") {
        assert.equal(context.labels["flotilla.launch"], "2", "the run's launch");
        assert.equal(context.labels["flotilla.hash"], content(WEB).hash, "the run's content");
        return { kind: "adopted", main: new HeldProcess("container web", "c-web") };
      }
      if (context.unit === "web-announce.service") {
        gateSeen.push(context.announceGate?.closedBecause());
        return { kind: "adopted", main: new HeldProcess("announce /web") };
      }
      if (context.unit === "dead.service")
        return {
          kind: "ended",
          reason: "container dead exited with status 137 while no agent watched it",
        };
      assert.equal(argv[0], "/usr/bin/sleep");
      return { kind: "unsupported" };
    },
  };
  const probes: HealthProbes = {
    run: async () => ({ ok: true, output: "" }),
    imageHealth: async () => undefined,
  };
  const reports: AgentUnitView[] = [];
  const manager = new UnitManager({
    timerElapses: new MemoryTimerElapses(),
    machine: { id: "m1", publicIP: "10.0.0.3", privateIP: "10.0.0.3", hostname: "n", bootId: "" },
    commands,
    baseEnv: {},
    fetchText: async (hash) => texts.get(hash),
    report: (unit) => reports.push(unit),
    withdraw: () => {},
    health: { probes, clock: new FakeClock() },
  });
  return { manager, ran, started, gateSeen, reports };
}

describe("adopting what an earlier agent left", () => {
  test("running units are taken up as they were, announcers after what they announce", async () => {
    const { manager, ran, started, gateSeen } = setUp();
    const healthy = {
      status: "healthy" as const,
      since: SINCE,
      failures: 0,
      probe: "container-exec" as const,
    };
    const adopted = await manager.adopt([
      state("web-announce.service", SIDEKICK),
      state("web.service", WEB, { health: healthy }),
      state("batch.service", ONESHOT, { subState: "exited" }),
      state("broken.service", PROCESS, {
        activeState: "failed",
        subState: "failed",
        error: "ExecStart=/usr/bin/sleep 1000 exited with exit status 1",
      }),
    ]);
    assert.deepEqual(adopted.units.sort(), [
      "batch.service",
      "broken.service",
      "web-announce.service",
      "web.service",
    ]);
    assert.deepEqual(adopted.ended, []);
    assert.deepEqual(ran, [], "no ExecStartPre= ran");
    assert.deepEqual(started, [], "nothing started");
    assert.deepEqual(gateSeen, [undefined], "the sidekick found web running and healthy");
    const web = manager.view("web.service");
    assert.equal(web?.activeState, "active");
    assert.equal(web?.since, SINCE, "its state did not change");
    assert.equal(web?.launch, 2);
    assert.equal(web?.health?.status, "healthy", "its health carried over");
    assert.equal(manager.view("batch.service")?.subState, "exited");
    assert.equal(manager.view("broken.service")?.activeState, "failed");
    assert.match(manager.view("broken.service")?.error ?? "", /exit status 1/);
    // The control plane's wish, unchanged, changes nothing.
    await manager.apply("web.service", {
      desiredState: "launched",
      hash: content(WEB).hash,
      launch: 2,
    });
    await settle();
    assert.deepEqual(started, []);
    assert.equal(manager.view("web.service")?.since, SINCE);
  });

  test("a main process that ended meanwhile starts again, with its last exit; others are left", async () => {
    const { manager, started, reports } = setUp();
    const adopted = await manager.adopt([
      state("dead.service", DEAD),
      state("proc.service", PROCESS),
      state("pulling.service", WEB, { activeState: "activating", subState: "start-pre" }),
      state("gone.service", WEB, { desiredState: "inactive" }),
    ]);
    assert.deepEqual(adopted, { units: [], ended: ["dead.service"] });
    assert.equal(manager.view("proc.service"), undefined, "a child process is started anew");
    assert.equal(manager.view("pulling.service"), undefined, "caught between states");
    assert.equal(manager.view("gone.service"), undefined);
    manager.startEnded(adopted.ended);
    await settle();
    assert.deepEqual(started, ["dead.service"]);
    const dead = manager.view("dead.service");
    assert.equal(dead?.activeState, "active");
    assert.equal(dead?.launch, 2);
    assert.match(dead?.lastExit?.reason ?? "", /while no agent watched it/);
    assert.ok(reports.some((unit) => unit.name === "dead.service" && unit.lastExit));
  });
});
