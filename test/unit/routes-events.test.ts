// GET /v1/events in process: the stream's changes, resuming from a revision, the reset when
// that history is gone, bad resume points, and the per-client limit on open streams.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type InjectApp, injectApp } from "../support/inject-app.ts";
import { openEventStream } from "../support/inject-sse.ts";
import { assertProblem } from "../support/problem.ts";
import { assertRouteCoverage } from "../support/route-coverage.ts";
import { waitUntil } from "../support/wait.ts";

const UNIT = "[Service]\nExecStart=/bin/true\n";
const MACHINE = "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";
const REVISION = String.raw`"^(?:[0-9]{1,16})(?![\s\S])"`;

describe("GET /v1/events", () => {
  let api: InjectApp;
  /** The revision of the view's first snapshot: the event history starts there. */
  let snapshotRevision: number;
  before(async () => {
    // Written before the view starts, so that the history begins after revision 1.
    api = await injectApp({ unsynced: true, maxEventStreams: 2 });
    await api.submit("before-1.service", UNIT);
    await api.submit("before-2.service", UNIT);
    await api.submit("before-3.service", UNIT);
    await api.sync();
    snapshotRevision = api.view.revision;
    assert.ok(snapshotRevision > 2, "revision 2 is not in the history");
  });
  after(() => api.close());

  test("streams unit, unit file and machine changes; each event's id is its revision", async () => {
    const stream = await openEventStream(api, "/v1/events");
    try {
      assert.equal(stream.status, 200);
      assert.equal(stream.headers["content-type"], "text/event-stream; charset=utf-8");
      assert.equal(stream.headers["cache-control"], "no-cache");
      await api.submit("evented.service", UNIT);
      const file = await stream.next((event) => event.type === "unit-file.updated");
      assert.equal(file.data.name, "evented.service");
      assert.equal(file.data.data.kind, "unit");
      assert.equal(
        stream.preamble(),
        `retry: 2000\n: flotilla events from revision ${snapshotRevision}\n\n`,
      );
      await api.setDesiredState("evented.service", "loaded");
      const loaded = await stream.next(
        (event) => event.type === "unit.updated" && event.data.data.desiredState === "loaded",
      );
      assert.equal(loaded.data.name, "evented.service");
      assert.equal(Number(loaded.id), loaded.data.revision);
      assert.equal(loaded.data.revision, api.view.revision);

      await api.announceMachine(MACHINE);
      const machine = await stream.next((event) => event.type === "machine.updated");
      assert.equal(machine.data.name, MACHINE);
      assert.equal(machine.data.data.shortId, MACHINE.slice(0, 8));
      api.registry.expireMachine(MACHINE);
      const gone = await stream.next((event) => event.type === "machine.deleted");
      assert.deepEqual(Object.keys(gone.data).sort(), ["name", "revision", "type"]);

      assert.equal((await api.request("DELETE", "/v1/units/evented.service")).status, 204);
      const deleted = await stream.next((event) => event.type === "unit.deleted");
      assert.equal(deleted.data.name, "evented.service");
    } finally {
      stream.close();
    }
  });

  test("Last-Event-ID and ?after= resume after that revision, replaying what was missed", async () => {
    await api.submit("missed.service", UNIT, "launched");
    const missed = api.view.revision;
    for (const [url, headers] of [
      ["/v1/events", { "last-event-id": String(missed - 1) }],
      [`/v1/events?after=${missed - 1}`, {}],
      // The header wins over the query.
      [`/v1/events?after=${missed}`, { "last-event-id": String(missed - 1) }],
    ] as const) {
      const resumed = await openEventStream(api, url, headers);
      try {
        const replayed = await resumed.next((event) => event.type === "unit.updated");
        assert.equal(replayed.data.revision, missed, url);
        assert.equal(replayed.data.name, "missed.service");
      } finally {
        resumed.close();
      }
    }
  });

  test("a revision older than the history kept starts with a reset event", async () => {
    const expired = await openEventStream(api, "/v1/events", { "last-event-id": "1" });
    try {
      const reset = await expired.next(() => true);
      assert.equal(reset.type, "reset", "the client is told to re-list");
      assert.deepEqual(reset.data, { revision: api.view.revision });
      assert.equal(reset.id, String(api.view.revision));
    } finally {
      expired.close();
    }
  });

  test("a change of a unit's health is a unit.updated event that carries it", async () => {
    await api.announceMachine(MACHINE);
    await api.submit("checked.service", UNIT, "launched");
    await api.place("checked.service", MACHINE);
    await api.report(MACHINE, "checked.service");
    const stream = await openEventStream(api, "/v1/events");
    try {
      const health = {
        status: "healthy",
        since: "2026-12-07T10:00:10.000Z",
        failures: 0,
        lastCheckAt: "2026-12-07T10:00:10.000Z",
        lastOutput: "HTTP 200 OK",
        probe: "http",
      } as const;
      await api.report(MACHINE, "checked.service", { health });
      const changed = await stream.next(
        (event) => event.type === "unit.updated" && event.data.data.health?.status === "healthy",
      );
      assert.equal(changed.data.name, "checked.service");
      assert.deepEqual(changed.data.data.health, health);
    } finally {
      stream.close();
    }
  });

  test("a timer's elapse and its service's run are unit.updated events that carry them", async () => {
    await api.submit("tick.service", "[Service]\nType=oneshot\nExecStart=/bin/true\n");
    await api.submit("tick.timer", "[Timer]\nOnCalendar=*:0/15\n", "launched");
    await api.place("tick.timer", MACHINE);
    await api.place("tick.service", MACHINE);
    const stream = await openEventStream(api, "/v1/events");
    try {
      const timer = {
        unit: "tick.service",
        activatedAt: "2026-12-07T10:00:00.000Z",
        nextElapse: "2026-12-07T10:30:00.000Z",
        nextTrigger: "OnCalendar=*:0/15",
        lastTrigger: "2026-12-07T10:15:00.002Z",
      };
      await api.report(MACHINE, "tick.timer", { subState: "waiting", timer });
      const elapsed = await stream.next(
        (event) => event.type === "unit.updated" && event.data.name === "tick.timer",
      );
      assert.deepEqual(elapsed.data.data.timer, timer);
      const run = {
        startedAt: "2026-12-07T10:15:00.010Z",
        endedAt: "2026-12-07T10:15:01.500Z",
        result: "failed",
        reason: "ExecStart=/bin/true failed: exit status 1",
      } as const;
      await api.report(MACHINE, "tick.service", {
        desiredState: "loaded",
        activeState: "failed",
        subState: "failed",
        runs: [run],
      });
      const ran = await stream.next(
        (event) => event.type === "unit.updated" && event.data.name === "tick.service",
      );
      assert.deepEqual(ran.data.data.runs, [run]);
    } finally {
      stream.close();
    }
  });

  test("bad resume points and unknown parameters are 400 problems", async () => {
    const pattern = (where: string) => `${where} must match pattern ${REVISION}`;
    for (const id of ["yesterday", "12345678901234567", "-1"]) {
      const message = pattern("headers/last-event-id");
      assertProblem(
        await api.request("GET", "/v1/events", { headers: { "last-event-id": id } }),
        400,
        "invalid-request",
        {
          instance: "/v1/events",
          detail: message,
          errors: [{ message, path: "headers/last-event-id" }],
        },
      );
    }
    const afterMessage = pattern("querystring/after");
    assertProblem(await api.request("GET", "/v1/events?after=abc"), 400, "invalid-request", {
      instance: "/v1/events?after=abc",
      detail: afterMessage,
      errors: [{ message: afterMessage, path: "querystring/after" }],
    });
    const extra = "querystring must NOT have additional properties";
    assertProblem(await api.request("GET", "/v1/events?since=1"), 400, "invalid-request", {
      instance: "/v1/events?since=1",
      detail: extra,
      errors: [{ message: extra, path: "querystring" }],
    });
    for (const [url, headers] of [
      ["/v1/events", { "last-event-id": "99999999999" }],
      ["/v1/events?after=99999999999", {}],
    ] as const) {
      assertProblem(await api.request("GET", url, { headers }), 400, "invalid-request", {
        instance: url,
        detail: "Last-Event-ID is not a revision this cluster has reached",
      });
    }
  });

  test("a client may hold maxEventStreams streams open; one more is a 429 until one closes", async () => {
    const first = await openEventStream(api, "/v1/events");
    const second = await openEventStream(api, "/v1/events");
    try {
      const third = await api.request("GET", "/v1/events");
      assertProblem(third, 429, "too-many-requests", {
        instance: "/v1/events",
        detail: "127.0.0.1 already has 2 event streams open; close one first",
      });
      assert.equal(third.headers["retry-after"], "5");
      first.close();
      await waitUntil(
        "the closed stream to be released",
        () => api.context.events.subscribers === 1,
      );
      const again = await openEventStream(api, "/v1/events");
      assert.equal(again.status, 200);
      again.close();
    } finally {
      first.close();
      second.close();
    }
    await waitUntil("every stream to be released", () => api.context.events.subscribers === 0);
  });
});

test("every operation and status route-coverage.ts gives this file was answered", () =>
  assertRouteCoverage("events"));
