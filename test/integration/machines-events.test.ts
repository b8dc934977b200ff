import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { MachineRecord } from "../../src/registry/records.ts";
import type { Presence } from "../../src/registry/registry.ts";
import { http } from "../support/http.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { readEvents } from "../support/sse.ts";

function machine(id: string, ip: string): MachineRecord {
  const now = new Date().toISOString();
  return {
    id,
    publicIP: ip,
    privateIP: ip,
    metadata: { region: "local", disk: "ssd" },
    agentURL: `http://${ip}:7601`,
    version: "test",
    startedAt: now,
    heartbeatAt: now,
  };
}

describe("machines and events", () => {
  let server: TestServer;
  const presences: Presence[] = [];
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await Promise.all(presences.map((presence) => presence.revoke().catch(() => {})));
    await server.close();
  });

  test("a machine appears while its presence lease lives and vanishes with it", async () => {
    const id = "2c2a7f0e9d7b4f9a8e4c4d1f0a6b5c3d";
    const presence = await server.controlPlane.registry.announceMachine(
      machine(id, "127.0.0.11"),
      10,
    );
    presences.push(presence);
    await server.controlPlane.view.waitFor(await server.controlPlane.registry.ping());
    const list = await http("GET", `${server.url}/v1/machines`);
    assert.equal(list.status, 200);
    assert.equal(list.json.machines.length, 1);
    const [shown] = list.json.machines;
    assert.equal(shown.id, id);
    assert.equal(shown.shortId, "2c2a7f0e");
    assert.equal(shown.publicIP, "127.0.0.11");
    assert.deepEqual(shown.metadata, { region: "local", disk: "ssd" });
    assert.deepEqual(shown.units, []);

    await assert.rejects(
      server.controlPlane.registry.announceMachine(machine(id, "127.0.0.12"), 10),
      /already announced/,
      "a second agent with the same machine id is refused",
    );

    await presence.revoke();
    await server.controlPlane.view.waitFor(await server.controlPlane.registry.ping());
    const after = await http("GET", `${server.url}/v1/machines`);
    assert.deepEqual(after.json.machines, []);
  });

  test("events stream changes and resume from Last-Event-ID", async () => {
    const stream = await readEvents(`${server.url}/v1/events`);
    try {
      await http("PUT", `${server.url}/v1/unit-files/evented.service`, {
        body: "[Service]\nExecStart=/bin/true\n",
        headers: { "content-type": "text/plain" },
      });
      await http("PUT", `${server.url}/v1/units/evented.service`, {
        json: { desiredState: "loaded" },
      });
      const loaded = await stream.next(
        (event) => event.type === "unit.updated" && event.data.data.desiredState === "loaded",
      );
      assert.equal(loaded.data.name, "evented.service");
      assert.equal(Number(loaded.id), loaded.data.revision);

      const resumed = await readEvents(`${server.url}/v1/events`, {
        "last-event-id": String(loaded.data.revision - 1),
      });
      try {
        const replayed = await resumed.next((event) => event.type === "unit.updated");
        assert.equal(replayed.data.revision, loaded.data.revision);
      } finally {
        resumed.close();
      }

      await http("DELETE", `${server.url}/v1/units/evented.service`);
      const deleted = await stream.next((event) => event.type === "unit.deleted");
      assert.equal(deleted.data.name, "evented.service");
    } finally {
      stream.close();
    }

    const expired = await readEvents(`${server.url}/v1/events`, { "last-event-id": "1" });
    try {
      const reset = await expired.next(() => true);
      assert.equal(reset.type, "reset", "history that is gone is reported, so the client re-lists");
    } finally {
      expired.close();
    }
  });
});
