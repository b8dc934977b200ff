// `drain`, `undrain` and list-machines' drain column, against an API of the test's own (no
// network): the machine a command line names, the requests sent, and what is printed.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Machine } from "../../src/cli/api-types.ts";
import { drainCommand } from "../../src/cli/commands/drain.ts";
import { listMachinesCommand } from "../../src/cli/commands/list-machines.ts";
import { undrainCommand } from "../../src/cli/commands/undrain.ts";
import { complete } from "../../src/cli/completion.ts";
import { UsageError } from "../../src/cli/errors.ts";
import { commandHelp, generalHelp } from "../../src/cli/help.ts";
import { machineIdOf } from "../../src/cli/machines.ts";
import { checkArguments } from "../../src/cli/run.ts";
import { fakeCliContext } from "../support/cli-context.ts";

const AT = "2026-12-07T09:30:00.000Z";
const SINCE = "2026-12-07T10:15:00.000Z";

function machine(id: string, publicIP: string, drain?: Machine["drain"]): Machine {
  return {
    id,
    shortId: id.slice(0, 8),
    publicIP,
    privateIP: publicIP,
    metadata: { region: "eu" },
    agentURL: `http://${publicIP}:7601`,
    version: "0.1.0",
    units: [],
    startedAt: AT,
    heartbeatAt: AT,
    ...(drain ? { drain } : {}),
  };
}

const WEB = machine("2c2a7f0e9d7b4f9a8e4c4d1f0a6b5c3d", "10.0.0.1");
const WEB_TWIN = machine("2c2a7f0e0000000000000000000000ff", "10.0.0.3");
const DB = machine("7d3b2a1c0f9e8d7c6b5a493827161504", "10.0.0.2", {
  since: SINCE,
  reason: "kernel upgrade",
  remainingUnits: ["db.service", "db-side.service"],
});

interface Sent {
  method: string;
  path: string;
  params?: unknown;
  body?: unknown;
}

type Answers = Record<string, { status: number; body?: unknown }>;

/** A command run against the machines given and answers of the test's own; what it sent. */
async function run(
  command: typeof drainCommand | typeof undrainCommand | typeof listMachinesCommand,
  argv: { values: Record<string, string | boolean>; positionals: string[] },
  options: { json?: boolean; machines?: Machine[]; answers?: Answers } = {},
) {
  const sent: Sent[] = [];
  const head = (status: number) => ({ status, ok: status < 300, header: () => undefined });
  const answer = (method: string, path: string) => {
    if (method === "GET" && path === "/v1/machines")
      return { data: { machines: options.machines ?? [WEB, DB] }, response: head(200) };
    const given = options.answers?.[`${method} ${path}`];
    if (!given)
      return {
        error: { status: 404, detail: `no answer for ${method} ${path}` },
        response: head(404),
      };
    return given.status < 300
      ? { data: given.body, response: head(given.status) }
      : { error: given.body, response: head(given.status) };
  };
  const request =
    (method: string) => async (path: string, init?: { params?: unknown; body?: unknown }) => {
      const body = init?.body === undefined ? {} : { body: init.body };
      if (method !== "GET") sent.push({ method, path, params: init?.params, ...body });
      return answer(method, path);
    };
  const client = { GET: request("GET"), PUT: request("PUT"), DELETE: request("DELETE") };
  const { context, written } = fakeCliContext(client, { json: options.json });
  try {
    return { code: await command.run(context, argv as never), written, sent };
  } catch (error) {
    return { error, written, sent };
  }
}

const drained = (base: Machine, remainingUnits: string[], reason?: string): Machine => ({
  ...base,
  drain: { since: SINCE, ...(reason === undefined ? {} : { reason }), remainingUnits },
});

describe("drain", () => {
  test("names the machine by a prefix of its id; sends the reason; says what is left to move", async () => {
    const answers = {
      "PUT /v1/machines/{id}/drain": {
        status: 200,
        body: drained(WEB, ["web.service", "web-side.service"], "kernel upgrade"),
      },
    };
    const { code, written, sent } = await run(
      drainCommand,
      { values: { reason: "kernel upgrade" }, positionals: ["2c2a7f0e9"] },
      { answers },
    );
    assert.equal(code, 0);
    assert.deepEqual(sent, [
      {
        method: "PUT",
        path: "/v1/machines/{id}/drain",
        params: { path: { id: WEB.id } },
        body: { reason: "kernel upgrade" },
      },
    ]);
    assert.equal(
      written.stdout,
      `Draining machine 2c2a7f0e.../10.0.0.1 since ${SINCE} (kernel upgrade): 2 units to move\n`,
    );
  });

  test("takes the machine as the tables print it; without a reason an empty body", async () => {
    const answers = { "PUT /v1/machines/{id}/drain": { status: 200, body: drained(WEB, []) } };
    const { code, written, sent } = await run(
      drainCommand,
      { values: {}, positionals: ["2c2a7f0e.../10.0.0.1"] },
      { answers },
    );
    assert.equal(code, 0);
    assert.deepEqual(sent[0]?.params, { path: { id: WEB.id } });
    assert.deepEqual(sent[0]?.body, {});
    assert.equal(
      written.stdout,
      `Draining machine 2c2a7f0e.../10.0.0.1 since ${SINCE}: nothing left on it to move\n`,
    );
    const json = await run(
      drainCommand,
      { values: {}, positionals: [WEB.id] },
      { answers, json: true },
    );
    assert.deepEqual(JSON.parse(json.written.stdout), drained(WEB, []));
  });

  test("a prefix several machines share fails, naming them, and sends nothing", async () => {
    const { error, sent } = await run(
      drainCommand,
      { values: {}, positionals: ["2c2a7f0e"] },
      { machines: [WEB, WEB_TWIN, DB] },
    );
    assert.match(
      String(error),
      new RegExp(`2c2a7f0e is the start of 2 machines' ids \\(${WEB_TWIN.id}, ${WEB.id}\\)`),
    );
    assert.deepEqual(sent, []);
  });

  test("a prefix shorter than a legend's names no other machine: node1 is not node10", async () => {
    const { sent } = await run(drainCommand, {
      values: {},
      positionals: ["7d3b"],
    });
    assert.equal(
      (sent[0]?.params as { path: { id: string } } | undefined)?.path.id,
      "7d3b",
      "sent as the whole id it may be, for the API to answer",
    );
  });

  test("a machine not present: the API's 404, as one line", async () => {
    const answers = {
      "PUT /v1/machines/{id}/drain": {
        status: 404,
        body: { status: 404, detail: "machine 9f9f9f9f is not present" },
      },
    };
    const { error, sent } = await run(
      drainCommand,
      { values: {}, positionals: ["9f9f9f9f..."] },
      { answers },
    );
    assert.match(String(error), /machine 9f9f9f9f is not present/);
    assert.deepEqual(sent[0]?.params, { path: { id: "9f9f9f9f" } });
  });
});

describe("undrain", () => {
  test("ends a drain: DELETE, and the machine takes new units again", async () => {
    const answers = {
      "DELETE /v1/machines/{id}/drain": { status: 200, body: { ...DB, drain: undefined } },
    };
    const { code, written, sent } = await run(
      undrainCommand,
      { values: {}, positionals: ["7d3b2a1c"] },
      { answers },
    );
    assert.equal(code, 0);
    assert.deepEqual(sent, [
      { method: "DELETE", path: "/v1/machines/{id}/drain", params: { path: { id: DB.id } } },
    ]);
    assert.equal(written.stdout, "Machine 7d3b2a1c.../10.0.0.2 takes new units again\n");
  });

  test("a machine not drained is left as it is, and said so", async () => {
    const answers = { "DELETE /v1/machines/{id}/drain": { status: 200, body: WEB } };
    const { code, written } = await run(
      undrainCommand,
      { values: {}, positionals: [WEB.id] },
      { answers },
    );
    assert.equal(code, 0);
    assert.equal(written.stdout, "Machine 2c2a7f0e.../10.0.0.1 is not drained\n");
  });

  test("a retired machine's drain, by its whole id: ended, though the machine is gone", async () => {
    const gone = "9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f";
    const answers = { "DELETE /v1/machines/{id}/drain": { status: 204 } };
    const { code, written, sent } = await run(
      undrainCommand,
      { values: {}, positionals: [gone] },
      { answers },
    );
    assert.equal(code, 0);
    assert.deepEqual(sent[0]?.params, { path: { id: gone } });
    assert.equal(written.stdout, "Machine 9f9f9f9f... is not present; its drain is ended\n");
    const json = await run(
      undrainCommand,
      { values: {}, positionals: [gone] },
      { answers, json: true },
    );
    assert.deepEqual(JSON.parse(json.written.stdout), { id: gone, present: false });
  });
});

describe("list-machines", () => {
  test("fleetctl's columns by default; the drain column when asked", async () => {
    const machines = [WEB, DB, drained(WEB_TWIN, [])];
    const plain = await run(listMachinesCommand, { values: {}, positionals: [] }, { machines });
    assert.equal(
      plain.written.stdout,
      "MACHINE\t\tIP\t\tMETADATA\n" +
        "2c2a7f0e...\t10.0.0.1\tregion=eu\n" +
        "7d3b2a1c...\t10.0.0.2\tregion=eu\n" +
        "2c2a7f0e...\t10.0.0.3\tregion=eu\n",
    );
    const fields = await run(
      listMachinesCommand,
      { values: { fields: "machine,ip,drain" }, positionals: [] },
      { machines },
    );
    assert.equal(
      fields.written.stdout,
      "MACHINE\t\tIP\t\tDRAIN\n" +
        "2c2a7f0e...\t10.0.0.1\t-\n" +
        "7d3b2a1c...\t10.0.0.2\tdraining: 2 units left\n" +
        "2c2a7f0e...\t10.0.0.3\tdrained\n",
    );
  });
});

describe("help", () => {
  test("drain and undrain have their usage, flags and examples, and are listed", () => {
    const drain = commandHelp("fleetctl", drainCommand);
    assert.match(drain, /USAGE:\n\tfleetctl drain \[--reason=TEXT\] MACHINE\n/);
    assert.match(drain, /--reason=TEXT\t+Why, shown with the drain/);
    assert.match(
      drain,
      /fleetctl drain --reason='kernel upgrade' 2c2a7f0e\t+# move the machine's units/,
    );
    assert.match(commandHelp("flotilla", undrainCommand), /flotilla undrain 2c2a7f0e/);
    const general = generalHelp("flotilla");
    assert.match(general, /\tdrain\t+Move a machine's units to other machines/);
    assert.match(general, /\tundrain\t+End a machine's drain/);
  });
});

describe("naming a machine", () => {
  test("an id, a prefix, or a legend as the tables print it", () => {
    assert.equal(machineIdOf(WEB.id), WEB.id);
    assert.equal(machineIdOf("2c2a"), "2c2a");
    assert.equal(machineIdOf("2c2a7f0e..."), "2c2a7f0e");
    assert.equal(machineIdOf("2c2a7f0e.../10.0.0.1"), "2c2a7f0e");
  });

  test("drain and undrain take exactly one machine", () => {
    const usage = (error: unknown) =>
      error instanceof UsageError && error.message === "one machine must be given";
    for (const command of [drainCommand, undrainCommand]) {
      assert.throws(() => checkArguments(command, []), usage);
      assert.throws(() => checkArguments(command, [WEB.id, DB.id]), usage);
      assert.throws(() => checkArguments(command, [".../10.0.0.1"]), usage);
      checkArguments(command, ["2c2a"]);
    }
  });

  test("completion: drain offers the machines not drained, undrain the drained ones", async () => {
    const sources = {
      unitNames: async () => ["web.service"],
      localPaths: async () => [],
      machines: async () => [
        { id: WEB.id, publicIP: WEB.publicIP, drained: false },
        { id: DB.id, publicIP: DB.publicIP, drained: true },
      ],
    };
    const words = async (...typed: string[]) =>
      (await complete(typed, sources)).map((candidate) => candidate.word);
    assert.deepEqual(await words("drain", ""), [WEB.id]);
    assert.deepEqual(await words("drain", "--reason=x", "2c"), [WEB.id]);
    assert.deepEqual(await words("undrain", ""), [DB.id]);
    assert.deepEqual(await words("undrain", DB.id, ""), [], "one machine only");
    assert.deepEqual(await words("dr"), ["drain"]);
    assert.deepEqual(await words("drain", "--rea"), ["--reason="]);
    const [described] = await complete(["drain", "2c"], sources);
    assert.deepEqual(described, { word: WEB.id, description: "10.0.0.1" });
  });
});
