// PUT and DELETE /v1/machines/{id}/drain in process: a drain and its reason, what it still has
// to move, its life beyond the agent's, its end, the machine events it sends, and every way a
// request can be wrong.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Answer, type InjectApp, injectApp } from "../support/inject-app.ts";
import { openEventStream } from "../support/inject-sse.ts";
import { assertProblem } from "../support/problem.ts";
import { assertRouteCoverage } from "../support/route-coverage.ts";

const WEB = "2c2a7f0e9d7b4f9a8e4c4d1f0a6b5c3d";
const DB = "7d3b2a1c0f9e8d7c6b5a493827161504";
const GONE = "9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f";
const DRAIN = `/v1/machines/${WEB}/drain`;
const PLAIN = "[Service]\nExecStart=/bin/true\n";
const GLOBAL = `${PLAIN}[X-Fleet]\nGlobal=true\n`;

describe("/v1/machines/{id}/drain", () => {
  let api: InjectApp;
  before(async () => {
    api = await injectApp();
    await api.announceMachine(WEB, { publicIP: "127.0.0.11" });
    await api.announceMachine(DB, { publicIP: "127.0.0.12" });
    await api.submit("web.service", PLAIN, "launched");
    await api.place("web.service", WEB);
    await api.report(WEB, "web.service");
    await api.submit("everywhere.service", GLOBAL, "launched");
    await api.report(WEB, "everywhere.service");
  });
  after(() => api.close());

  /** The answer, once it is known that giving it wrote nothing at all to etcd. */
  const writingNothing = async (request: () => Promise<Answer>): Promise<Answer> => {
    const revision = await api.registry.ping();
    const answer = await request();
    assert.equal(await api.registry.ping(), revision, `nothing was written: ${answer.text}`);
    return answer;
  };
  const listed = async (id: string) => {
    const list = await api.request("GET", "/v1/machines");
    assert.equal(list.status, 200, list.text);
    return list.json.machines.find((machine: { id: string }) => machine.id === id);
  };

  describe("PUT", () => {
    let since: string;

    test("drains a machine: 200, the machine with its drain and what it has still to move", async () => {
      const before = Date.now();
      const drained = await api.request("PUT", DRAIN, { json: { reason: "kernel upgrade" } });
      assert.equal(drained.status, 200, drained.text);
      assert.equal(drained.json.id, WEB);
      since = drained.json.drain.since;
      assert.ok(Date.parse(since) >= before - 1000, since);
      assert.deepEqual(drained.json.drain, {
        since,
        reason: "kernel upgrade",
        // The global unit stays: it is not counted.
        remainingUnits: ["web.service"],
      });
      assert.deepEqual((await listed(WEB)).drain, drained.json.drain, "GET /v1/machines shows it");
      assert.equal((await listed(DB)).drain, undefined, "other machines are not drained");
    });

    test("what still has to move: placed units, and units the agent still reports", async () => {
      // The engine moved it: placed elsewhere, still stopping here.
      await api.place("web.service", DB);
      assert.deepEqual((await listed(WEB)).drain.remainingUnits, ["web.service"]);
      await api.withdrawReport(WEB, "web.service");
      assert.deepEqual((await listed(WEB)).drain.remainingUnits, [], "the drain is complete");
      assert.deepEqual((await listed(WEB)).units, []);
    });

    test("again: 200, keeping its start; a new reason replaces the old, none keeps it", async () => {
      const again = await writingNothing(() => api.request("PUT", DRAIN));
      assert.equal(again.status, 200, again.text);
      assert.deepEqual(again.json.drain, { since, reason: "kernel upgrade", remainingUnits: [] });
      const same = await writingNothing(() =>
        api.request("PUT", DRAIN, { json: { reason: "kernel upgrade" } }),
      );
      assert.deepEqual(same.json.drain, again.json.drain);
      const replaced = await api.request("PUT", DRAIN, { json: { reason: "disk swap" } });
      assert.equal(replaced.status, 200, replaced.text);
      assert.deepEqual(replaced.json.drain, { since, reason: "disk swap", remainingUnits: [] });
      const kept = await api.request("PUT", DRAIN, { json: {} });
      assert.equal(kept.json.drain.reason, "disk swap");
    });

    test("with no body at all, or an empty object: a drain without a reason", async () => {
      const drained = await api.request("PUT", `/v1/machines/${DB}/drain`);
      assert.equal(drained.status, 200, drained.text);
      assert.deepEqual(Object.keys(drained.json.drain).sort(), ["remainingUnits", "since"]);
      assert.deepEqual(drained.json.drain.remainingUnits, ["web.service"]);
      const empty = await api.request("PUT", `/v1/machines/${DB}/drain`, { json: {} });
      assert.deepEqual(empty.json.drain, drained.json.drain);
    });

    test("the drain outlives the agent: a new agent of the machine finds it", async () => {
      api.registry.expireMachine(WEB);
      await api.settle();
      assert.equal(await listed(WEB), undefined);
      await api.announceMachine(WEB, { publicIP: "127.0.0.11" });
      assert.deepEqual((await listed(WEB)).drain, {
        since,
        reason: "disk swap",
        remainingUnits: [],
      });
    });

    test("an absent machine: 404, and nothing is written", async () => {
      const url = `/v1/machines/${GONE}/drain`;
      assertProblem(
        await writingNothing(() => api.request("PUT", url, { json: { reason: "x" } })),
        404,
        "machine-not-found",
        { instance: url, detail: `machine ${GONE} is not present` },
      );
    });

    test("a drain that keeps losing to concurrent writers: 409, and nothing is written", async () => {
      await api.request("DELETE", DRAIN);
      api.loseEveryRace(true);
      try {
        assertProblem(
          await writingNothing(() => api.request("PUT", DRAIN)),
          409,
          "write-conflict",
          { instance: DRAIN, detail: "the machine's drain kept changing; retry" },
        );
      } finally {
        api.loseEveryRace(false);
      }
      assert.equal((await listed(WEB)).drain, undefined);
    });

    test("a bad reason, body or id is a 400 that names it; a body not JSON is a 415", async () => {
      const invalid = async (json: unknown, errors: { message: string; path: string }[]) =>
        assertProblem(
          await writingNothing(() => api.request("PUT", DRAIN, { json })),
          400,
          "invalid-request",
          { instance: DRAIN, detail: errors.map((error) => error.message).join(", "), errors },
        );
      await invalid({ reason: "" }, [
        { message: "body/reason must NOT have fewer than 1 characters", path: "body/reason" },
      ]);
      await invalid({ reason: "r".repeat(257) }, [
        { message: "body/reason must NOT have more than 256 characters", path: "body/reason" },
      ]);
      await invalid({ reason: "two\nlines" }, [
        {
          message: String.raw`body/reason must match pattern "^(?:[^\u0000-\u001f\u007f]*)(?![\s\S])"`,
          path: "body/reason",
        },
      ]);
      await invalid({ reason: 3 }, [
        { message: "body/reason must be string", path: "body/reason" },
      ]);
      await invalid({ why: "x" }, [
        { message: "body must NOT have additional properties", path: "body" },
      ]);
      const longId = "m".repeat(257);
      const idTooLong = "params/id must NOT have more than 256 characters";
      assertProblem(
        await api.request("PUT", `/v1/machines/${longId}/drain`),
        400,
        "invalid-request",
        {
          instance: `/v1/machines/${longId}/drain`,
          detail: idTooLong,
          errors: [{ message: idTooLong, path: "params/id" }],
        },
      );
      assertProblem(
        await api.request("PUT", DRAIN, {
          body: "kernel upgrade",
          headers: { "content-type": "text/plain" },
        }),
        415,
        "unsupported-media-type",
        { instance: DRAIN, detail: "this resource takes application/json, not text/plain" },
      );
    });
  });

  describe("DELETE", () => {
    test("ends the drain: 200, the machine without it; again: 200, writing nothing", async () => {
      await api.request("PUT", DRAIN, { json: { reason: "kernel upgrade" } });
      const undrained = await api.request("DELETE", DRAIN);
      assert.equal(undrained.status, 200, undrained.text);
      assert.equal(undrained.json.id, WEB);
      assert.equal(undrained.json.drain, undefined);
      assert.equal(await api.registry.getMachineDrain(WEB), undefined);
      const again = await writingNothing(() => api.request("DELETE", DRAIN));
      assert.equal(again.status, 200, again.text);
      assert.equal(again.json.drain, undefined);
    });

    test("a machine whose agent is gone for good: 204, its drain ended; then 404", async () => {
      const url = `/v1/machines/${DB}/drain`;
      assert.ok(await api.registry.getMachineDrain(DB), "drained by an earlier test");
      api.registry.expireMachine(DB);
      await api.settle();
      const ended = await api.request("DELETE", url);
      assert.equal(ended.status, 204, ended.text);
      assert.equal(ended.text, "");
      assert.equal(await api.registry.getMachineDrain(DB), undefined);
      assertProblem(
        await writingNothing(() => api.request("DELETE", url)),
        404,
        "machine-not-found",
        { instance: url, detail: `machine ${DB} is not present` },
      );
    });

    test("an end that keeps losing to concurrent writers: 409, and the drain stays", async () => {
      await api.request("PUT", DRAIN, { json: { reason: "kernel upgrade" } });
      api.loseEveryRace(true);
      try {
        assertProblem(
          await writingNothing(() => api.request("DELETE", DRAIN)),
          409,
          "write-conflict",
          { instance: DRAIN, detail: "the machine's drain kept changing; retry" },
        );
      } finally {
        api.loseEveryRace(false);
      }
      assert.equal((await listed(WEB)).drain.reason, "kernel upgrade");
      assert.equal((await api.request("DELETE", DRAIN)).status, 200);
    });

    test("a bad id is a 400", async () => {
      const longId = "m".repeat(257);
      const url = `/v1/machines/${longId}/drain`;
      const idTooLong = "params/id must NOT have more than 256 characters";
      assertProblem(await api.request("DELETE", url), 400, "invalid-request", {
        instance: url,
        detail: idTooLong,
        errors: [{ message: idTooLong, path: "params/id" }],
      });
    });
  });

  test("a drain's start and end are machine.updated events that carry it", async () => {
    const stream = await openEventStream(api, "/v1/events");
    try {
      await api.request("PUT", DRAIN, { json: { reason: "kernel upgrade" } });
      const started = await stream.next((event) => event.type === "machine.updated");
      assert.equal(started.data.name, WEB);
      assert.equal(started.data.data.drain.reason, "kernel upgrade");
      await api.request("DELETE", DRAIN);
      const ended = await stream.next((event) => event.type === "machine.updated");
      assert.equal(ended.data.name, WEB);
      assert.equal(ended.data.data.drain, undefined);
    } finally {
      stream.close();
    }
  });

  test("a drain's progress is a machine.updated event: once the last unit has left", async () => {
    const other = "3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c";
    await api.announceMachine(other, { publicIP: "127.0.0.13" });
    await api.submit("progress.service", PLAIN, "launched");
    await api.place("progress.service", WEB);
    await api.report(WEB, "progress.service");
    await api.request("PUT", DRAIN);
    const stream = await openEventStream(api, "/v1/events");
    try {
      // Placed elsewhere, but still stopping here: no progress yet.
      await api.place("progress.service", other);
      await api.withdrawReport(WEB, "progress.service");
      const progressed = await stream.next(
        (event) => event.type === "machine.updated" && event.data.name === WEB,
      );
      assert.deepEqual(progressed.data.data.drain.remainingUnits, []);
      assert.equal(progressed.data.revision, api.view.revision, "sent when the unit stopped");
    } finally {
      stream.close();
      await api.request("DELETE", DRAIN);
    }
  });

  test("an absent machine's drain sends no machine event", async () => {
    const seen: string[] = [];
    const subscription = api.context.events.subscribe((event) => seen.push(event.type));
    try {
      const at = new Date().toISOString();
      assert.ok((await api.registry.setMachineDrain(GONE, { since: at }, undefined)).ok);
      await api.settle();
      assert.ok(api.view.drains.has(GONE), "the view has it");
      assert.deepEqual(seen, []);
    } finally {
      subscription.unsubscribe();
    }
  });
});

test("every operation and status route-coverage.ts gives this file was answered", () =>
  assertRouteCoverage("machines-drain"));
