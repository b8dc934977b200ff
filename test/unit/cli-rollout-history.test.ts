// `rollout history` and `rollout undo --to-version`: the table of a target's versions, and
// the requests each sends, against an API of the test's own (no network).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Rollout, UnitFileHistory } from "../../src/cli/api-types.ts";
import { rolloutCommand } from "../../src/cli/commands/rollout.ts";
import { UsageError } from "../../src/cli/errors.ts";
import { historyTable } from "../../src/cli/history-table.ts";
import { checkRolloutFlags } from "../../src/cli/rollout-flags.ts";
import { ROLLOUT_DEFAULTS } from "../../src/rollout/model.ts";
import { fakeCliContext } from "../support/cli-context.ts";

const AT = "2026-12-07T15:20:00.000Z";
const OLD = "7a9a50046b0f1f5d48b1b1c2ed4d9bbd44e29a3c";
const NEW = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";

const HISTORY: UnitFileHistory = {
  name: "apache@.service",
  version: 3,
  history: [
    {
      version: 3,
      hash: OLD,
      at: "2026-12-07T15:24:00.000Z",
      cause: "revert of rollout 3f9c21ab",
      current: true,
    },
    {
      version: 2,
      hash: NEW,
      at: "2026-12-07T15:20:00.123Z",
      cause: "rollout 3f9c21ab",
      current: false,
    },
    { version: 1, hash: OLD, at: "2026-12-06T10:00:00.000Z", current: false },
  ],
};

const ROLLOUT: Rollout = {
  id: "0badcafe",
  target: "apache@.service",
  toHash: NEW,
  template: { name: "apache@.service", fromHash: OLD },
  options: { ...ROLLOUT_DEFAULTS, maxParallel: 2 },
  phase: "canary",
  paused: false,
  instances: [
    { name: "apache@1.service", fromHash: OLD, step: "pending", since: AT, canary: true },
  ],
  createdAt: AT,
  updatedAt: AT,
  progressAt: AT,
};

const usage = (pattern: RegExp) => (error: unknown) =>
  error instanceof UsageError && error.command === "rollout" && pattern.test(error.message);

interface Sent {
  method: string;
  path: string;
  params?: unknown;
  body?: unknown;
}

/** `rollout` run against answers of the test's own, by method and path; what it sent. */
async function run(
  argv: { values: Record<string, string | boolean>; positionals: string[] },
  options: { json?: boolean; answers?: Record<string, unknown> } = {},
) {
  const sent: Sent[] = [];
  const head = (status: number) => ({ status, ok: status < 300, header: () => undefined });
  const answer = (method: string, path: string) => {
    const body = options.answers?.[`${method} ${path}`];
    return body === undefined
      ? { error: { status: 404, detail: `no answer for ${method} ${path}` }, response: head(404) }
      : { data: body, response: head(200) };
  };
  const client = {
    GET: async (path: string, init: { params?: unknown }) => {
      sent.push({ method: "GET", path, params: init?.params });
      return answer("GET", path);
    },
    POST: async (path: string, init: { params?: unknown; body?: unknown }) => {
      sent.push({ method: "POST", path, params: init?.params, body: init?.body });
      return answer("POST", path);
    },
  };
  const { context, written } = fakeCliContext(client, { json: options.json });
  try {
    return { code: await rolloutCommand.run(context, argv as never), written, sent };
  } catch (error) {
    return { error, written, sent };
  }
}

describe("rollout history", () => {
  test("VERSION HASH CHANGED CAUSE, newest first, the current one marked", () => {
    assert.equal(
      historyTable(HISTORY, { noLegend: false }),
      "VERSION\t\tHASH\tCHANGED\t\t\tCAUSE\n" +
        "3 (current)\t7a9a500\t2026-12-07T15:24:00Z\trevert of rollout 3f9c21ab\n" +
        "2\t\tc0ffee0\t2026-12-07T15:20:00Z\trollout 3f9c21ab\n" +
        "1\t\t7a9a500\t2026-12-06T10:00:00Z\t-\n",
    );
    assert.equal(
      historyTable({ ...HISTORY, history: HISTORY.history.slice(2) }, { noLegend: true }),
      "1\t7a9a500\t2026-12-06T10:00:00Z\t-\n",
    );
  });

  test("GET /v1/unit-files/{name}/history of the target, as submit reads a path", async () => {
    const answers = { "GET /v1/unit-files/{name}/history": HISTORY };
    const { code, written, sent } = await run(
      { values: { "no-legend": true }, positionals: ["history", "units/apache@.service"] },
      { answers },
    );
    assert.equal(code, 0);
    assert.deepEqual(sent, [
      {
        method: "GET",
        path: "/v1/unit-files/{name}/history",
        params: { path: { name: "apache@.service" } },
      },
    ]);
    assert.match(written.stdout, /^3 \(current\)\t7a9a500\t/);
    const json = await run(
      { values: {}, positionals: ["history", "apache@.service"] },
      { answers, json: true },
    );
    assert.deepEqual(JSON.parse(json.written.stdout), HISTORY);
  });

  test("an unknown target fails with the API's problem", async () => {
    const { error } = await run({ values: {}, positionals: ["history", "nope.service"] });
    assert.match(String(error), /no answer for GET \/v1\/unit-files\/\{name\}\/history/);
  });

  test("a glob, an id, no target or a flag of another subcommand: a usage error, nothing sent", async () => {
    for (const [argv, message] of [
      [
        { values: {}, positionals: ["history", "web-*.service"] },
        /a glob has no history of its own/,
      ],
      [
        { values: {}, positionals: ["history", "3f9c21ab"] },
        /is not a template's or a unit's name/,
      ],
      [{ values: {}, positionals: ["history"] }, /usage is rollout history TARGET/],
      [
        { values: { detach: true }, positionals: ["history", "apache@.service"] },
        /^flag --detach does not apply to rollout history: it is for rollout TARGET and rollout undo$/,
      ],
    ] as const) {
      const { error, sent } = await run(argv as never);
      assert.ok(usage(message)(error), `${JSON.stringify(argv)}: ${String(error)}`);
      assert.deepEqual(sent, []);
    }
  });
});

describe("rollout undo --to-version", () => {
  test("POST /v1/rollouts with the version and the options the flags set", async () => {
    const { code, written, sent } = await run(
      {
        values: { "to-version": "2", "max-parallel": "2", detach: true },
        positionals: ["undo", "apache@.service"],
      },
      { answers: { "POST /v1/rollouts": ROLLOUT } },
    );
    assert.equal(code, 0, written.stderr);
    assert.deepEqual(sent, [
      {
        method: "POST",
        path: "/v1/rollouts",
        params: undefined,
        body: { target: "apache@.service", version: 2, options: { maxParallel: 2 } },
      },
    ]);
    assert.equal(
      written.stdout,
      "Rollout 0badcafe of apache@.service started: 1 instance, 1 canary\n",
    );
  });

  test("a version that is no number, an id or a glob for TARGET, --dry-run: a usage error, nothing sent", async () => {
    for (const [values, target, message] of [
      [
        { "to-version": "0" },
        "apache@.service",
        /^--to-version 0: expected a version number, 1 or more/,
      ],
      [{ "to-version": "two" }, "apache@.service", /^--to-version two: expected a version number/],
      [{ "to-version": "2" }, "3f9c21ab", /is not a template's or a unit's name/],
      [{ "to-version": "2" }, "web-*.service", /a glob has no history of its own/],
      [
        { "to-version": "2", "dry-run": true },
        "apache@.service",
        /^flag --dry-run does not apply to rollout undo --to-version: it is for rollout TARGET$/,
      ],
      [{ "to-version": "2", "min-healthy": "10min" }, "apache@.service", /--healthy-deadline/],
    ] as const) {
      const { error, sent } = await run({ values, positionals: ["undo", target] });
      assert.ok(usage(message)(error), `${JSON.stringify(values)} ${target}: ${String(error)}`);
      assert.deepEqual(sent, []);
    }
  });

  test("without --to-version, undo takes none of rollout TARGET's options and reverts as before", async () => {
    assert.throws(
      () => checkRolloutFlags({ "max-parallel": "2" }, "undo"),
      usage(/^flag --max-parallel does not apply to rollout undo: it is for rollout TARGET$/),
    );
    assert.throws(
      () => checkRolloutFlags({ "to-version": "2" }, "list"),
      usage(
        /^flag --to-version does not apply to rollout list: it is for rollout undo --to-version$/,
      ),
    );
    const finished = { ...ROLLOUT, id: "3f9c21ab", phase: "succeeded" as const };
    const { code, sent } = await run(
      { values: { detach: true }, positionals: ["undo", "3f9c21ab"] },
      {
        answers: {
          "GET /v1/rollouts/{id}": finished,
          "POST /v1/rollouts/{id}/revert": { ...ROLLOUT, revertOf: "3f9c21ab" },
        },
      },
    );
    assert.equal(code, 0);
    assert.deepEqual(
      sent.map((request) => `${request.method} ${request.path}`),
      ["GET /v1/rollouts/{id}", "POST /v1/rollouts/{id}/revert"],
    );
  });
});
