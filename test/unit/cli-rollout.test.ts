// The `rollout` command's pure parts: its flags, its words, how it shows a rollout, and how
// it follows one (with a fetch and a sleep of the test's own: no clock, no network).
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ApiFailure } from "../../src/cli/api.ts";
import type {
  PlannedReplacement,
  Rollout,
  RolloutInstance,
  RolloutPlan,
} from "../../src/cli/api-types.ts";
import { rolloutCommand } from "../../src/cli/commands/rollout.ts";
import { CommandFailure, UsageError } from "../../src/cli/errors.ts";
import { Output } from "../../src/cli/output.ts";
import { newContentOf } from "../../src/cli/rollout-content.ts";
import {
  checkRolloutFlags,
  formatDuration,
  type RolloutFlagValues,
  rolloutOptionsOf,
} from "../../src/cli/rollout-flags.ts";
import { followRollout } from "../../src/cli/rollout-follow.ts";
import { planLine, planTable, planText } from "../../src/cli/rollout-plan.ts";
import {
  actionLine,
  endLine,
  exitCodeOf,
  instanceChanges,
  instanceTable,
  progressLine,
  rolloutDetails,
  rolloutTable,
  startedLine,
} from "../../src/cli/rollout-progress.ts";
import {
  isRolloutSubcommand,
  looksLikeTarget,
  rolloutIdOf,
  rolloutRefOf,
  targetOf,
} from "../../src/cli/rollout-words.ts";
import { fakeCliContext } from "../support/cli-context.ts";

const AT = "2026-12-07T15:20:00.000Z";

function instance(n: number, step: RolloutInstance["step"], extra: Partial<RolloutInstance> = {}) {
  return { name: `apache@${n}.service`, fromHash: "a".repeat(40), step, since: AT, ...extra };
}

function rollout(fields: Partial<Rollout> = {}): Rollout {
  return {
    id: "3f9c21ab",
    target: "apache@.service",
    toHash: "b".repeat(40),
    options: {
      maxParallel: 2,
      canaries: 1,
      autoPromote: true,
      minHealthySeconds: 10,
      healthyDeadlineSeconds: 300,
      progressDeadlineSeconds: 600,
      autoRevert: true,
      drainSeconds: 5,
    },
    phase: "rolling",
    paused: false,
    instances: [
      instance(1, "done", { canary: true }),
      instance(2, "done"),
      instance(3, "done"),
      instance(4, "draining"),
      instance(5, "replacing"),
      instance(6, "pending"),
    ],
    createdAt: AT,
    updatedAt: AT,
    progressAt: AT,
    ...fields,
  };
}

const usage = (pattern: RegExp) => (error: unknown) =>
  error instanceof UsageError && error.command === "rollout" && pattern.test(error.message);

describe("rollout flags", () => {
  test("no flag sends no option: the API's cautious defaults apply", () => {
    assert.deepEqual(rolloutOptionsOf({}), {});
  });

  test("every flag sets its option; durations are systemd's, a bare number seconds", () => {
    assert.deepEqual(
      rolloutOptionsOf({
        "max-parallel": "3",
        canaries: "0",
        "manual-promote": true,
        "min-healthy": "1min 30s",
        "healthy-deadline": "1h",
        "progress-deadline": "900",
        "no-auto-revert": true,
        drain: "1",
      }),
      {
        maxParallel: 3,
        canaries: 0,
        autoPromote: false,
        minHealthySeconds: 90,
        healthyDeadlineSeconds: 3600,
        progressDeadlineSeconds: 900,
        autoRevert: false,
        drainSeconds: 1,
      },
    );
  });

  test("a value out of the API's limits, or not a number, is a usage error", () => {
    for (const [values, message] of [
      [{ "max-parallel": "0" }, /^--max-parallel 0: expected a whole number from 1 to 40$/],
      [{ "max-parallel": "41" }, /from 1 to 40/],
      [{ canaries: "-1" }, /^--canaries -1: expected a whole number from 0 to 1000$/],
      [{ canaries: "two" }, /--canaries two/],
      [{ "min-healthy": "10x" }, /^--min-healthy 10x: expected a duration such as 10s/],
      [{ "min-healthy": "infinity" }, /--min-healthy infinity: expected a duration/],
      [{ drain: "1.5s" }, /^--drain 1.5s: expected whole seconds from 1s to 1h$/],
      [{ drain: "2h" }, /--drain 2h: expected whole seconds from 1s to 1h/],
      [{ "healthy-deadline": "0" }, /from 1s to 24h/],
    ] as [RolloutFlagValues, RegExp][]) {
      assert.throws(() => rolloutOptionsOf(values), usage(message), JSON.stringify(values));
    }
  });

  test("the healthy deadline must exceed the healthy time, the defaults counted", () => {
    assert.throws(
      () => rolloutOptionsOf({ "min-healthy": "10min" }),
      usage(/^--healthy-deadline \(5min, the default\) must exceed --min-healthy \(10min\)$/),
    );
    assert.throws(
      () => rolloutOptionsOf({ "healthy-deadline": "10s" }),
      usage(/\(10s\) must exceed --min-healthy \(10s, the default\)/),
    );
    assert.deepEqual(rolloutOptionsOf({ "min-healthy": "10min", "healthy-deadline": "11min" }), {
      minHealthySeconds: 600,
      healthyDeadlineSeconds: 660,
    });
  });

  test("a flag another subcommand takes is a usage error, naming where it belongs", () => {
    assert.throws(
      () => checkRolloutFlags({ detach: true }, "list"),
      usage(
        /^flag --detach does not apply to rollout list: it is for rollout TARGET and rollout undo$/,
      ),
    );
    assert.throws(() => checkRolloutFlags({ reason: "x" }, "start"), usage(/rollout abort/));
    checkRolloutFlags({ reason: "x" }, "abort");
    checkRolloutFlags({ "no-follow": true, "no-legend": true }, "status");
    checkRolloutFlags({ "max-parallel": "2", detach: true }, "start");
  });

  test("--dry-run takes the flags of rollout TARGET, and --no-legend", () => {
    checkRolloutFlags({ "dry-run": true, "max-parallel": "2", detach: true }, "dry-run");
    checkRolloutFlags({ "dry-run": true, "no-legend": true }, "dry-run");
    assert.throws(
      () => checkRolloutFlags({ "no-legend": true }, "start"),
      usage(
        /^flag --no-legend does not apply to rollout TARGET: it is for rollout --dry-run TARGET, rollout status, rollout list and rollout history$/,
      ),
    );
    assert.throws(
      () => checkRolloutFlags({ "dry-run": true }, "status"),
      usage(/^flag --dry-run does not apply to rollout status: it is for rollout TARGET$/),
    );
    assert.throws(
      () => checkRolloutFlags({ "dry-run": true, "no-follow": true }, "dry-run"),
      usage(
        /^flag --no-follow does not apply to rollout --dry-run TARGET: it is for rollout status$/,
      ),
    );
  });

  test("durations are shown in the largest unit that divides them", () => {
    assert.deepEqual([0, 5, 90, 300, 3600, 86_400].map(formatDuration), [
      "0s",
      "5s",
      "90s",
      "5min",
      "1h",
      "24h",
    ]);
  });
});

describe("rollout words", () => {
  test("a target has a dot or a glob character; a subcommand word has neither", () => {
    assert.ok(isRolloutSubcommand("status"));
    assert.ok(!isRolloutSubcommand("status.service"));
    assert.ok(looksLikeTarget("apache@.service"));
    assert.ok(looksLikeTarget("web-*"));
    assert.ok(!looksLikeTarget("3f9c21ab"));
  });

  test("a target is read as submit reads a path; a glob is kept as it is", () => {
    assert.equal(targetOf("units/apache@.service"), "apache@.service");
    assert.equal(targetOf("hello.socket"), "hello.socket");
    assert.equal(targetOf("web-*.service"), "web-*.service");
  });

  test("status and undo take an id or a target; the actions an id only", () => {
    assert.deepEqual(rolloutRefOf("3F9C21AB"), { id: "3f9c21ab" });
    assert.deepEqual(rolloutRefOf("./apache@.service"), { target: "apache@.service" });
    assert.throws(() => rolloutRefOf("apache"), usage(/neither a rollout's id/));
    assert.equal(rolloutIdOf("3f9c21ab"), "3f9c21ab");
    assert.throws(() => rolloutIdOf("apache@.service"), usage(/is not a rollout's id/));
  });
});

describe("how a rollout is shown", () => {
  test("the progress line: phase, how far, what is in flight", () => {
    assert.equal(
      progressLine(rollout(), "flotilla"),
      "rollout 3f9c21ab apache@.service: rolling, 3/6 replaced, in flight: apache@4.service draining, apache@5.service replacing",
    );
  });

  test("the progress line says what to type when the rollout waits for the operator", () => {
    const waiting = rollout({
      phase: "awaiting-promotion",
      instances: [instance(1, "done", { canary: true }), instance(2, "pending")],
    });
    assert.equal(
      progressLine(waiting, "fleetctl"),
      "rollout 3f9c21ab apache@.service: awaiting-promotion, 1/2 replaced; promote it with 'fleetctl rollout promote 3f9c21ab'",
    );
    assert.match(
      progressLine(rollout({ paused: true }), "flotilla"),
      /: rolling \(paused\), 3\/6 replaced, .*; resume it with 'flotilla rollout resume 3f9c21ab'$/,
    );
  });

  test("a revert counts what it put back; failed and skipped instances are counted apart", () => {
    const reverting = rollout({
      phase: "reverting",
      reason: "apache@2.service: unhealthy",
      instances: [
        instance(1, "reverted", { reverting: true }),
        instance(2, "replacing", { reverting: true }),
        instance(3, "pending"),
        instance(4, "skipped", { detail: "destroyed" }),
      ],
    });
    assert.equal(
      progressLine(reverting, "flotilla"),
      "rollout 3f9c21ab apache@.service: reverting, 1/2 reverted, 1 skipped, in flight: apache@2.service replacing",
    );
    const failed = rollout({
      phase: "failed",
      reason: "apache@2.service: unhealthy",
      instances: [instance(1, "done"), instance(2, "failed", { detail: "unhealthy" })],
    });
    assert.equal(
      endLine(failed),
      "Rollout 3f9c21ab of apache@.service failed: apache@2.service: unhealthy (1/2 replaced, 1 failed)",
    );
  });

  test("a line per instance whose step changed; none for the first sighting", () => {
    const before = rollout();
    const after = rollout({
      instances: [
        instance(1, "done", { canary: true }),
        instance(2, "done"),
        instance(3, "done"),
        instance(4, "replacing"),
        instance(5, "failed", { detail: "unhealthy" }),
        instance(6, "pending"),
      ],
    });
    assert.deepEqual(instanceChanges(undefined, before), []);
    assert.deepEqual(instanceChanges(before, before), []);
    assert.deepEqual(instanceChanges(before, after), [
      "apache@4.service: replacing",
      "apache@5.service: failed: unhealthy",
    ]);
    const reverted = rollout({
      instances: [
        instance(1, "pending", { reverting: true }),
        instance(2, "done"),
        instance(3, "done"),
        instance(4, "done"),
        instance(5, "replacing"),
        instance(6, "skipped", { detail: "destroyed" }),
      ],
    });
    assert.deepEqual(instanceChanges(before, reverted), [
      "apache@1.service: pending (to be reverted)",
      "apache@4.service: replaced",
      "apache@6.service: skipped: destroyed",
    ]);
  });

  test("how it ended, and the exit status of a followed rollout", () => {
    const succeeded = rollout({
      phase: "succeeded",
      instances: [instance(1, "done"), instance(2, "done", { detail: "already on this content" })],
    });
    assert.equal(
      endLine(succeeded),
      "Rollout 3f9c21ab of apache@.service succeeded (2/2 replaced)",
    );
    assert.equal(exitCodeOf(succeeded), 0);
    for (const phase of ["failed", "reverted", "aborted"] as const) {
      assert.equal(exitCodeOf(rollout({ phase })), 1, phase);
    }
    assert.equal(
      endLine(rollout({ phase: "aborted", reason: "errors in the log" })),
      "Rollout 3f9c21ab of apache@.service aborted: errors in the log (3/6 replaced)",
    );
  });

  test("the start line, and the line after an action", () => {
    assert.equal(
      startedLine(rollout({ phase: "canary" })),
      "Rollout 3f9c21ab of apache@.service started: 6 instances, 1 canary, 3 already on the new content",
    );
    assert.equal(
      startedLine(
        rollout({ id: "0badcafe", revertOf: "3f9c21ab", instances: [instance(1, "pending")] }),
      ),
      "Rollout 0badcafe of apache@.service started, reverting 3f9c21ab: 1 instance",
    );
    assert.equal(
      actionLine(rollout({ paused: true })),
      "Rollout 3f9c21ab of apache@.service: rolling (paused)",
    );
    assert.equal(
      actionLine(rollout({ phase: "aborted", reason: "errors in the log" })),
      "Rollout 3f9c21ab of apache@.service: aborted: errors in the log",
    );
    assert.equal(
      actionLine(rollout({ phase: "aborted", reason: "aborted" })),
      "Rollout 3f9c21ab of apache@.service: aborted",
    );
  });

  test("the tables: instances, and rollouts newest first as given; --no-legend drops the header", () => {
    const one = rollout({
      instances: [
        instance(1, "done", { canary: true }),
        instance(2, "failed", { detail: "unhealthy" }),
        instance(3, "pending", { reverting: true }),
      ],
    });
    assert.equal(
      instanceTable(one, { noLegend: false }),
      "INSTANCE\t\tSTEP\tCANARY\tDETAIL\n" +
        "apache@1.service\tdone\tyes\t-\n" +
        "apache@2.service\tfailed\t-\tunhealthy\n" +
        "apache@3.service\tpending\t-\tbeing reverted\n",
    );
    const older = rollout({
      id: "00aa11bb",
      phase: "succeeded",
      createdAt: "2026-12-06T10:00:00.123Z",
    });
    assert.equal(
      rolloutTable([rollout(), older], { noLegend: false }),
      "ID\t\tTARGET\t\tPHASE\t\tPROGRESS\tCREATED\n" +
        "3f9c21ab\tapache@.service\trolling\t\t3/6 replaced\t2026-12-07T15:20:00Z\n" +
        "00aa11bb\tapache@.service\tsucceeded\t3/6 replaced\t2026-12-06T10:00:00Z\n",
    );
    assert.equal(
      rolloutTable([older], { noLegend: true }),
      "00aa11bb\tapache@.service\tsucceeded\t3/6 replaced\t2026-12-06T10:00:00Z\n",
    );
  });

  test("--no-follow: what the rollout is, then its instances", () => {
    const text = rolloutDetails(rollout({ revertOf: "0badcafe" }), { noLegend: false });
    assert.match(text, /^Rollout: {3}3f9c21ab\nTarget: {4}apache@\.service\nPhase: {5}rolling\n/);
    assert.match(text, /\nIn flight: apache@4\.service draining, apache@5\.service replacing\n/);
    assert.match(text, /\nReverts: {3}0badcafe\n/);
    assert.match(
      text,
      /\nOptions: {3}max-parallel=2 canaries=1 auto-promote min-healthy=10s healthy-deadline=5min progress-deadline=10min auto-revert drain=5s\n/,
    );
    assert.match(
      text,
      /\n\nINSTANCE\t\tSTEP\t\tCANARY\tDETAIL\napache@1\.service\tdone\t\tyes\t-\n/,
    );
  });
});

/** An Output writing into strings; a terminal or not. */
function capture(isTTY: boolean) {
  const written = { stdout: "", stderr: "" };
  const stream = (key: "stdout" | "stderr") => ({
    isTTY,
    columns: 400,
    write: (text: string) => {
      written[key] += text;
    },
  });
  return { out: new Output("table", stream("stdout"), stream("stderr")), written };
}

/** A rollout's sightings in turn, the last repeated; an Error is thrown when its turn comes. */
function sightings(...list: (Rollout | Error)[]) {
  let index = 0;
  return {
    fetch: async () => {
      const next = list[Math.min(index++, list.length - 1)] as Rollout | Error;
      if (next instanceof Error) throw next;
      return next;
    },
    sleep: async () => {},
    get fetched() {
      return index;
    },
  };
}

describe("following a rollout", () => {
  const first = rollout({
    phase: "canary",
    instances: [instance(1, "pending", { canary: true }), instance(2, "pending")],
  });
  const canaryIn = rollout({
    phase: "canary",
    instances: [instance(1, "replacing", { canary: true }), instance(2, "pending")],
  });
  const done = rollout({
    phase: "succeeded",
    instances: [instance(1, "done", { canary: true }), instance(2, "done")],
  });

  test("in a pipe: the progress line when it changes, a line per change, how it ended", async () => {
    const { out, written } = capture(false);
    const source = sightings(canaryIn, canaryIn, done);
    const last = await followRollout(out, "flotilla", first, source);
    assert.equal(last, done);
    assert.equal(
      written.stdout,
      [
        "rollout 3f9c21ab apache@.service: canary, 0/2 replaced",
        "apache@1.service: replacing",
        "rollout 3f9c21ab apache@.service: canary, 0/2 replaced, in flight: apache@1.service replacing",
        "apache@1.service: replaced",
        "apache@2.service: replaced",
        "Rollout 3f9c21ab of apache@.service succeeded (2/2 replaced)",
        "",
      ].join("\n"),
    );
    assert.equal(written.stderr, "");
  });

  test("on a terminal the progress line is rewritten in place on stderr", async () => {
    const previous = process.env.TERM;
    process.env.TERM = "xterm";
    try {
      const { out, written } = capture(true);
      await followRollout(out, "flotilla", first, sightings(canaryIn, done));
      assert.equal(
        written.stdout,
        "apache@1.service: replacing\napache@1.service: replaced\napache@2.service: replaced\n" +
          "Rollout 3f9c21ab of apache@.service succeeded (2/2 replaced)\n",
      );
      assert.equal(
        written.stderr,
        "\r\x1b[2Krollout 3f9c21ab apache@.service: canary, 0/2 replaced\r\x1b[2K" +
          "\r\x1b[2Krollout 3f9c21ab apache@.service: canary, 0/2 replaced, in flight: apache@1.service replacing\r\x1b[2K",
      );
    } finally {
      process.env.TERM = previous;
    }
  });

  test("an end other than success is said on stderr", async () => {
    const { out, written } = capture(false);
    const reverted = rollout({
      phase: "reverted",
      reason: "apache@1.service: unhealthy",
      instances: [
        instance(1, "reverted", { canary: true, reverting: true }),
        instance(2, "pending"),
      ],
    });
    const last = await followRollout(out, "flotilla", reverted, sightings(reverted));
    assert.equal(exitCodeOf(last), 1);
    assert.equal(written.stdout, "");
    assert.equal(
      written.stderr,
      "Rollout 3f9c21ab of apache@.service reverted: apache@1.service: unhealthy (1/1 reverted)\n",
    );
  });

  test("a busy or unreachable API is asked again; any other failure ends the follow", async () => {
    const { out } = capture(false);
    const source = sightings(
      new ApiFailure("the API answered 503", 503),
      new ApiFailure("gone"),
      done,
    );
    assert.equal(await followRollout(out, "flotilla", first, source), done);
    assert.equal(source.fetched, 3);
    await assert.rejects(
      followRollout(
        out,
        "flotilla",
        first,
        sightings(new ApiFailure("no rollout has the id 3f9c21ab", 404)),
      ),
      /no rollout has the id/,
    );
  });
});

describe("the new content of a rollout", () => {
  test("FILE, else the local file named like the target; a glob needs FILE", async () => {
    const dir = await mkdtemp(join(tmpdir(), "flotilla-rollout-"));
    try {
      await writeFile(join(dir, "apache@.service"), "[Service]\nExecStart=/bin/true\n");
      assert.deepEqual(await newContentOf(dir, "apache@.service", undefined), {
        target: "apache@.service",
        text: "[Service]\nExecStart=/bin/true\n",
      });
      assert.deepEqual(await newContentOf(dir, "web-*.service", "apache@.service"), {
        target: "web-*.service",
        text: "[Service]\nExecStart=/bin/true\n",
      });
      await assert.rejects(
        newContentOf(dir, "web-*.service", undefined),
        usage(/^a glob names no local file: give the new unit file after it/),
      );
      await assert.rejects(
        newContentOf(dir, "other@.service", undefined),
        (error: unknown) =>
          error instanceof CommandFailure &&
          /^no local file other@\.service with the new content of other@\.service/.test(
            error.message,
          ),
      );
      await assert.rejects(
        newContentOf(dir, "apache@.service", "missing.service"),
        /cannot read missing\.service/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

const M1 = "2c2a7f0e9b1d4c3a8e5f6a7b8c9d0e1f";
const M2 = "71681743aa5d4f3c9e8b7a6f5e4d3c2b";
const M3 = "0606a9c6e3c14ba6a73beb8d7b9bd1fe";

function planned(n: number, fields: Omit<PlannedReplacement, "name">): PlannedReplacement {
  return { name: `apache@${n}.service`, ...fields };
}

/** The plan of a rollout with --max-parallel=2 and one canary: 5 replaced in 3 waves. */
function plan(instances?: PlannedReplacement[]): RolloutPlan {
  return {
    target: "apache@.service",
    toHash: "b".repeat(40),
    template: "apache@.service",
    options: rollout().options,
    instances: instances ?? [
      planned(1, { machineId: M1, change: "replace", order: 1, wave: 1, canary: true }),
      planned(2, { machineId: M2, change: "replace", order: 2, wave: 2, canary: false }),
      planned(3, { machineId: M1, change: "replace", order: 3, wave: 2, canary: false }),
      planned(4, { change: "restart-free", order: 4, canary: false }),
      planned(5, { machineId: M2, change: "replace", order: 5, wave: 3, canary: false }),
      planned(6, { machineId: M3, change: "replace", order: 6, wave: 3, canary: false }),
    ],
  };
}

describe("rollout --dry-run", () => {
  test("the line: what it would replace, in how many waves, and what else", () => {
    assert.equal(
      planLine(plan()),
      "Rollout of apache@.service would replace 5 instances in 3 waves (1 canary) and change 1 not running at once",
    );
    const unchanged = planned(7, { machineId: M3, change: "unchanged", canary: false });
    const stopped = planned(8, { change: "restart-free", order: 7, canary: true });
    assert.equal(
      planLine(
        plan([...plan().instances, unchanged, stopped, { ...unchanged, name: "x.service" }]),
      ),
      "Rollout of apache@.service would replace 5 instances in 3 waves (1 canary), change 2 not running at once, and leave 2 unchanged",
    );
    const one = planned(1, { machineId: M1, change: "replace", order: 1, wave: 1, canary: false });
    assert.equal(
      planLine(plan([one])),
      "Rollout of apache@.service would replace 1 instance in 1 wave",
    );
    const canaries = [1, 2].map((n) =>
      planned(n, { machineId: M1, change: "replace", order: n, wave: 1, canary: true }),
    );
    assert.equal(
      planLine(plan(canaries)),
      "Rollout of apache@.service would replace 2 instances in 1 wave (2 canaries)",
    );
    assert.equal(
      planLine(plan([unchanged])),
      "Rollout of apache@.service would replace no instances and leave 1 unchanged",
    );
    assert.equal(planLine(plan([])), "Rollout of apache@.service would replace no instances");
    const beside = planned(7, { machineId: M3, change: "add", order: 1, wave: 1, canary: true });
    const after = [1, 2].map((n) =>
      planned(n, { machineId: M1, change: "replace", order: n + 1, wave: 2, canary: false }),
    );
    assert.equal(
      planLine(plan([beside, ...after])),
      "Rollout of apache@.service would start 1 canary beside the old instances and then replace 2 instances in 1 wave",
    );
  });

  test("the table, in the plan's order: the machine's legend, - for an empty cell", () => {
    const legends = new Map([
      [M1, "2c2a7f0e.../10.0.0.1"],
      [M2, "71681743.../10.0.0.2"],
    ]);
    assert.equal(
      planTable(plan(), legends, { noLegend: false }),
      "INSTANCE\t\tMACHINE\t\t\tCHANGE\t\tWAVE\tCANARY\n" +
        "apache@1.service\t2c2a7f0e.../10.0.0.1\treplace\t\t1\tyes\n" +
        "apache@2.service\t71681743.../10.0.0.2\treplace\t\t2\t-\n" +
        "apache@3.service\t2c2a7f0e.../10.0.0.1\treplace\t\t2\t-\n" +
        "apache@4.service\t-\t\t\trestart-free\t-\t-\n" +
        "apache@5.service\t71681743.../10.0.0.2\treplace\t\t3\t-\n" +
        // A machine without a legend is shown as its id, ellipsized.
        "apache@6.service\t0606a9c6...\t\treplace\t\t3\t-\n",
    );
    const one = plan([plan().instances[3] as PlannedReplacement]);
    assert.equal(
      planTable(one, legends, { noLegend: true }),
      "apache@4.service\t-\trestart-free\t-\t-\n",
    );
    assert.equal(
      planText(one, legends, { noLegend: false }),
      "Rollout of apache@.service would replace no instances and change 1 not running at once\n" +
        "INSTANCE\t\tMACHINE\tCHANGE\t\tWAVE\tCANARY\n" +
        "apache@4.service\t-\trestart-free\t-\t-\n",
    );
  });

  /** The command against an API of the test's own, recording what is asked of it. */
  async function dryRun(
    argv: { values: Record<string, string | boolean>; positionals: string[] },
    options: { json?: boolean; answer?: { status: number; body: unknown } } = {},
  ) {
    const dir = await mkdtemp(join(tmpdir(), "flotilla-rollout-"));
    await writeFile(join(dir, "apache@.service"), "[Service]\nExecStart=/bin/true\n");
    const requests: { method: string; path: string; body?: unknown }[] = [];
    const head = (status: number) => ({ status, ok: status < 300, header: () => undefined });
    const answer = ({ status, body }: { status: number; body: unknown }) =>
      status < 300
        ? { data: body, response: head(status) }
        : { error: body, response: head(status) };
    const client = {
      GET: async (path: string) => {
        requests.push({ method: "GET", path });
        return answer({
          status: 200,
          body: { machines: [{ id: M1, publicIP: "10.0.0.1" }, { id: M2 }] },
        });
      },
      POST: async (path: string, init: { body?: unknown }) => {
        requests.push({ method: "POST", path, body: init.body });
        return answer(
          options.answer ?? { status: 200, body: { units: [], moved: [], rollout: plan() } },
        );
      },
    };
    const { context, written } = fakeCliContext(client, { json: options.json, cwd: dir });
    try {
      const run = rolloutCommand.run(context, argv as never);
      return { code: await run, written, requests };
    } catch (error) {
      return { error, written, requests };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  test("POST /v1/plan with the rollout's request, never POST /v1/rollouts; exit 0", async () => {
    const { code, written, requests } = await dryRun({
      values: { "dry-run": true, "max-parallel": "2", detach: true },
      positionals: ["apache@.service"],
    });
    assert.equal(code, 0);
    assert.deepEqual(requests, [
      {
        method: "POST",
        path: "/v1/plan",
        body: {
          rollout: {
            target: "apache@.service",
            text: "[Service]\nExecStart=/bin/true\n",
            options: { maxParallel: 2 },
          },
        },
      },
      { method: "GET", path: "/v1/machines" },
      // M3 is not among the machines: asked for once more, as every command does.
      { method: "GET", path: "/v1/machines" },
    ]);
    assert.equal(written.stderr, "");
    assert.equal(
      written.stdout,
      "Rollout of apache@.service would replace 5 instances in 3 waves (1 canary) and change 1 not running at once\n" +
        "INSTANCE\t\tMACHINE\t\t\tCHANGE\t\tWAVE\tCANARY\n" +
        "apache@1.service\t2c2a7f0e.../10.0.0.1\treplace\t\t1\tyes\n" +
        "apache@2.service\t71681743...\t\treplace\t\t2\t-\n" +
        "apache@3.service\t2c2a7f0e.../10.0.0.1\treplace\t\t2\t-\n" +
        "apache@4.service\t-\t\t\trestart-free\t-\t-\n" +
        "apache@5.service\t71681743...\t\treplace\t\t3\t-\n" +
        "apache@6.service\t0606a9c6...\t\treplace\t\t3\t-\n",
    );
  });

  test("-o json: the plan's rollout; --no-legend drops the header", async () => {
    const json = await dryRun(
      { values: { "dry-run": true }, positionals: ["apache@.service"] },
      { json: true },
    );
    assert.equal(json.code, 0);
    assert.deepEqual(JSON.parse(json.written.stdout), plan());
    assert.equal(json.written.stderr, "");
    assert.deepEqual(
      json.requests.map((request) => request.path),
      ["/v1/plan"],
    );
    const bare = await dryRun({
      values: { "dry-run": true, "no-legend": true },
      positionals: ["apache@.service"],
    });
    assert.match(bare.written.stdout, /^Rollout of apache@\.service would .*\napache@1\.service\t/);
  });

  test("the API's problem fails the command as it would fail the rollout", async () => {
    const { error, requests } = await dryRun(
      { values: { "dry-run": true }, positionals: ["apache@.service"] },
      {
        answer: {
          status: 409,
          body: {
            title: "Conflict",
            status: 409,
            detail: "apache@.service overlaps rollout 3f9c21ab",
          },
        },
      },
    );
    assert.ok(error instanceof ApiFailure);
    assert.equal(error.status, 409);
    assert.equal(error.message, "apache@.service overlaps rollout 3f9c21ab");
    assert.equal(requests.length, 1);
  });

  test("a flag --dry-run does not take is a usage error before anything is sent", async () => {
    const { error, requests } = await dryRun({
      values: { "dry-run": true, "no-follow": true },
      positionals: ["apache@.service"],
    });
    assert.ok(error instanceof UsageError);
    assert.deepEqual(requests, []);
  });
});
