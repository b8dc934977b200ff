// The service runner's lifecycle with the interleavings under control: main processes whose
// ends the test decides. The real processes and containers are the integration tests' part.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { CommandExecutor } from "../../src/agent/commands.ts";
import type { ExitStatus, MainProcess } from "../../src/agent/runtime/types.ts";
import { ServiceRunner, type ServiceStatus } from "../../src/agent/service-runner.ts";
import { UnitLog } from "../../src/agent/unit-log.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { serviceDefinition } from "../../src/unit/service.ts";

/** A main process that ends when the test says, or when signalled if it `diesWhenKilled`. */
class HeldProcess implements MainProcess {
  readonly description = "held";
  readonly signals: NodeJS.Signals[] = [];
  private end!: (status: ExitStatus) => void;
  readonly exited = new Promise<ExitStatus>((resolve) => {
    this.end = resolve;
  });

  constructor(private readonly diesWhenKilled: boolean) {}

  async terminate(signal: NodeJS.Signals): Promise<void> {
    this.signals.push(signal);
    if (this.diesWhenKilled) this.exit({ code: null, signal });
  }

  exit(status: ExitStatus): void {
    this.end(status);
  }
}

/** A runner whose commands (ExecStartPre, ExecStop, ...) exit with `commandCode`. */
function runnerOf(text: string, options: { commandCode?: number; diesWhenKilled?: boolean } = {}) {
  const parsed = parseUnitFile(text);
  assert.ok(parsed.ok);
  const started: HeldProcess[] = [];
  const seen: ServiceStatus[] = [];
  const commands: CommandExecutor = {
    run: async () => ({ code: options.commandCode ?? 0 }),
    start: async () => {
      const main = new HeldProcess(options.diesWhenKilled ?? false);
      started.push(main);
      return main;
    },
  };
  const runner = new ServiceRunner(serviceDefinition(parsed.file, { unitName: "a.service" }), {
    commands,
    log: new UnitLog("a.service"),
    labels: () => ({}),
    environment: async () => ({}),
    onChange: (status) => seen.push(status),
  });
  return { runner, started, seen };
}

/** Lets every queued promise callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("the service runner", () => {
  test("a start asked while a stop waits for the old process starts a new one, which stays up", async () => {
    const { runner, started } = runnerOf("[Service]\nExecStart=/bin/sleep 1000\n");
    await runner.start();
    const [first] = started;
    assert.ok(first);
    const stopped = runner.stop();
    await settle();
    assert.deepEqual(first.signals, ["SIGTERM"]);
    // The start comes while the first process is still going down.
    const restarted = runner.start();
    first.exit({ code: null, signal: "SIGTERM" });
    await Promise.all([stopped, restarted]);
    await settle();
    assert.equal(started.length, 2, "a second process was started");
    assert.deepEqual(
      [runner.status.activeState, runner.status.subState, runner.status.error],
      ["active", "running", undefined],
      "the first process's end is not taken for the second's",
    );
    // The runner still follows the new process: its end is reported.
    started[1]?.exit({ code: 1 });
    await settle();
    assert.equal(runner.status.activeState, "failed");
  });

  test("a main process that ends by itself is reported once, with its status", async () => {
    const { runner, started, seen } = runnerOf("[Service]\nExecStart=/bin/sleep 1000\n");
    await runner.start();
    started[0]?.exit({ code: 3 });
    await settle();
    assert.equal(runner.status.activeState, "failed");
    assert.match(runner.status.error ?? "", /exited with/);
    assert.equal(seen.filter((status) => status.activeState === "failed").length, 1);
  });

  test("a failed ExecStartPost kills the main process and fails the start once, restarting once", async () => {
    const { runner, started, seen } = runnerOf(
      "[Service]\nExecStart=/bin/sleep 1000\nExecStartPost=/bin/false\nRestart=on-failure\nRestartSec=3600\n",
      { commandCode: 1, diesWhenKilled: true },
    );
    await runner.start();
    await settle();
    assert.deepEqual(started[0]?.signals, ["SIGKILL"]);
    assert.match(runner.status.error ?? "", /ExecStartPost=\/bin\/false failed/);
    assert.equal(runner.status.restarts, 1, "one restart scheduled, not two");
    assert.equal(seen.filter((status) => status.activeState === "failed").length, 1);
    await runner.stop(); // the pending restart
  });
});
