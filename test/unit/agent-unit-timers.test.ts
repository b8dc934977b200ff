// Timers through the unit manager, with fake commands and time: an elapse starts the service,
// the control plane repeating "loaded" does not stop that run, and an agent that takes a
// timer up from its predecessor fires nothing again.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { CommandExecutor } from "../../src/agent/commands.ts";
import type { ExitStatus } from "../../src/agent/runtime/types.ts";
import { type AgentUnitView, UnitManager } from "../../src/agent/unit-manager.ts";
import type { UnitStateRecord } from "../../src/registry/records.ts";
import { unitHash } from "../../src/unit/hash.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { serializeUnitFile } from "../../src/unit/serialize.ts";
import { FakeClock, settle } from "../support/fake-clock.ts";
import { MemoryTimerElapses } from "../support/timer-elapses.ts";

function content(text: string): { text: string; hash: string } {
  const parsed = parseUnitFile(text);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return { text: serializeUnitFile(parsed.file), hash: unitHash(parsed.file) };
}

const SERVICE = content("[Service]\nType=oneshot\nExecStart=/usr/bin/backup\n");
const TIMER = content("[Timer]\nOnActiveSec=10s\n");

/** A machine whose oneshot runs last until the test ends them, with its timers' elapses. */
function machine(elapses = new MemoryTimerElapses(), clock = new FakeClock()) {
  const runs: { env: Readonly<Record<string, string>>; end: (status: ExitStatus) => void }[] = [];
  const commands: CommandExecutor = {
    run: (_argv, context) =>
      new Promise<ExitStatus>((resolve) => {
        runs.push({ env: context.env, end: resolve });
      }),
    start: async () => {
      throw new Error("no main process here");
    },
  };
  const reports: AgentUnitView[] = [];
  const manager = new UnitManager({
    timerElapses: elapses,
    clock,
    localZone: "UTC",
    machine: { id: "m1", publicIP: "10.0.0.3", privateIP: "10.0.0.3", hostname: "n1", bootId: "" },
    commands,
    baseEnv: {},
    fetchText: async (hash) => [SERVICE, TIMER].find((unit) => unit.hash === hash)?.text,
    report: (unit) => reports.push(unit),
    withdraw: () => {},
  });
  const apply = async (name: string, desiredState: "loaded" | "launched", unit = SERVICE) => {
    await manager.apply(name, { desiredState, hash: unit.hash }, unit.text);
    await settle();
  };
  return { manager, runs, reports, clock, elapses, apply };
}

describe("timers on an agent", () => {
  test("an elapse starts the service with systemd's trigger variables; a repeated loaded leaves the run", async () => {
    const { manager, runs, clock, apply } = machine();
    await apply("backup.service", "loaded");
    await apply("backup.timer", "launched", TIMER);
    assert.equal(manager.view("backup.timer")?.subState, "waiting");
    await clock.advance(10_000);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.env.TRIGGER_UNIT, "backup.timer");
    assert.equal(
      runs[0]?.env.TRIGGER_TIMER_REALTIME_USEC,
      String(clock.now() * 1000),
      "the elapse it runs for",
    );
    assert.equal(manager.view("backup.timer")?.subState, "running");
    assert.equal(manager.view("backup.service")?.activeState, "activating");
    // The control plane asks again for what it wants: loaded. The run goes on.
    await apply("backup.service", "loaded");
    assert.equal(manager.view("backup.service")?.activeState, "activating");
    runs[0]?.end({ code: 0 });
    await settle();
    const service = manager.view("backup.service");
    assert.equal(service?.activeState, "inactive");
    assert.equal(service?.runs?.length, 1);
    assert.equal(service?.runs?.[0]?.result, "success");
    assert.equal(manager.view("backup.timer")?.subState, "elapsed", "OnActiveSec= elapses once");
  });

  test("an elapse waits, unclaimed, for its service to be loaded here", async () => {
    const { runs, clock, elapses, apply } = machine();
    await apply("backup.timer", "launched", TIMER);
    await clock.advance(15_000);
    assert.equal(runs.length, 0);
    assert.equal(elapses.fired.size, 0, "nothing claimed");
    await apply("backup.service", "loaded");
    await clock.advance(2_000);
    assert.equal(runs.length, 1, "it fires once the service is here");
  });

  test("an agent taking up a timer that has elapsed fires nothing again", async () => {
    const elapses = new MemoryTimerElapses();
    const clock = new FakeClock();
    const first = machine(elapses, clock);
    await first.apply("backup.service", "loaded");
    await first.apply("backup.timer", "launched", TIMER);
    await clock.advance(10_000);
    first.runs[0]?.end({ code: 0 });
    await settle();
    const states = ["backup.service", "backup.timer"].map((name) =>
      stateOf(first.manager.view(name)),
    );
    // The agent is killed; the next one of the machine takes its units up from their states.
    const second = machine(elapses, clock);
    await second.manager.adopt(states);
    await clock.advance(60_000);
    assert.equal(second.runs.length, 0, "OnActiveSec= was spent before the restart");
    assert.equal(second.manager.view("backup.timer")?.subState, "elapsed");
  });
});

/** What the agent's state reporter writes to etcd for a unit, as the next agent reads it. */
function stateOf(view: AgentUnitView | undefined): UnitStateRecord {
  assert.ok(view);
  const { lastHealthCheck: _check, ...state } = view;
  return { ...state, machineId: "m1" } as UnitStateRecord;
}
