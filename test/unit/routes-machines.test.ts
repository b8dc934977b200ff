// /v1/machines in process: the machines whose agents are present, and the operator's
// metadata patches, with every way a patch can be wrong.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type InjectApp, injectApp } from "../support/inject-app.ts";
import { assertProblem } from "../support/problem.ts";
import { assertRouteCoverage } from "../support/route-coverage.ts";

const WEB = "2c2a7f0e9d7b4f9a8e4c4d1f0a6b5c3d";
const DB = "7d3b2a1c0f9e8d7c6b5a493827161504";
const METADATA = `/v1/machines/${WEB}/metadata`;
const KEY_PATTERN = String.raw`body must match pattern "^(?:[A-Za-z0-9_.-]{1,128})(?![\s\S])"`;

describe("/v1/machines", () => {
  let api: InjectApp;
  before(async () => {
    api = await injectApp();
  });
  after(() => api.close());

  describe("GET /v1/machines", () => {
    test("no agent yet: an empty list", async () => {
      const list = await api.request("GET", "/v1/machines");
      assert.equal(list.status, 200);
      assert.deepEqual(list.json, { machines: [] });
    });

    test("lists present machines by id, with their metadata and placed units", async () => {
      await api.announceMachine(WEB, {
        publicIP: "127.0.0.11",
        metadata: { region: "local", disk: "ssd" },
      });
      await api.announceMachine(DB, { publicIP: "127.0.0.12" });
      await api.submit("web.service", "[Service]\nExecStart=/bin/true\n", "launched");
      await api.place("web.service", WEB);
      const list = await api.request("GET", "/v1/machines");
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.json.machines.map((machine: any) => machine.id),
        [WEB, DB],
      );
      assert.deepEqual(list.json.machines[0], {
        id: WEB,
        shortId: "2c2a7f0e",
        publicIP: "127.0.0.11",
        privateIP: "10.0.0.1",
        metadata: { region: "local", disk: "ssd" },
        agentURL: "http://127.0.0.11:7601",
        version: "test",
        units: ["web.service"],
        startedAt: "2026-01-01T00:00:00.000Z",
        heartbeatAt: "2026-01-01T00:00:00.000Z",
      });
      assert.deepEqual(list.json.machines[1].units, []);
    });

    test("a machine whose presence lease ends is no longer listed", async () => {
      api.registry.expireMachine(DB);
      await api.settle();
      const list = await api.request("GET", "/v1/machines");
      assert.deepEqual(
        list.json.machines.map((machine: any) => machine.id),
        [WEB],
      );
    });
  });

  describe("PATCH /v1/machines/{id}/metadata", () => {
    test("a merge patch sets and removes keys over what the agent announces: 200", async () => {
      const patched = await api.request("PATCH", METADATA, {
        json: { role: "web", disk: null },
        headers: { "content-type": "application/merge-patch+json" },
      });
      assert.equal(patched.status, 200, patched.text);
      assert.equal(patched.json.id, WEB);
      assert.deepEqual(patched.json.metadata, { region: "local", role: "web" });
      const plain = await api.request("PATCH", METADATA, { json: { tier: "gold" } });
      assert.equal(plain.status, 200, "application/json is taken too");
      assert.deepEqual(plain.json.metadata, { region: "local", role: "web", tier: "gold" });
      const empty = await api.request("PATCH", METADATA, { json: {} });
      assert.equal(empty.status, 200);
      assert.deepEqual(empty.json.metadata, plain.json.metadata);
    });

    test("the operator's metadata outlives the agent: a new agent of the machine keeps it", async () => {
      api.registry.expireMachine(WEB);
      await api.settle();
      await api.announceMachine(WEB, {
        publicIP: "127.0.0.11",
        metadata: { region: "local", disk: "ssd", role: "db" },
      });
      const list = await api.request("GET", "/v1/machines");
      assert.deepEqual(list.json.machines[0].metadata, {
        region: "local",
        role: "web",
        tier: "gold",
      });
    });

    test("a patch that keeps losing to concurrent writers: 409, and nothing is written", async () => {
      const before = await api.registry.getMetadataOverrides(WEB);
      api.loseEveryRace(true);
      try {
        assertProblem(
          await api.request("PATCH", METADATA, { json: { contested: "yes" } }),
          409,
          "write-conflict",
          { instance: METADATA, detail: "the machine's metadata kept changing; retry" },
        );
      } finally {
        api.loseEveryRace(false);
      }
      assert.deepEqual(await api.registry.getMetadataOverrides(WEB), before);
    });

    test("an absent machine is a 404, and nothing is written for it", async () => {
      assertProblem(
        await api.request("PATCH", `/v1/machines/${DB}/metadata`, { json: { role: "web" } }),
        404,
        "machine-not-found",
        { instance: `/v1/machines/${DB}/metadata`, detail: `machine ${DB} is not present` },
      );
      assert.equal(await api.registry.getMetadataOverrides(DB), undefined);
    });

    test("bad keys, values, bodies and ids are 400 problems that name them", async () => {
      const invalid = async (json: unknown, errors: { message: string; path: string }[]) =>
        assertProblem(await api.request("PATCH", METADATA, { json }), 400, "invalid-request", {
          instance: METADATA,
          detail: errors.map((error) => error.message).join(", "),
          errors,
        });
      await invalid({ "bad key!": "x" }, [
        { message: KEY_PATTERN, path: "body" },
        { message: "body property name must be valid", path: "body" },
      ]);
      const notString = ["body/role must be null", "body/role must match a schema in anyOf"];
      await invalid({ role: 3 }, [
        { message: "body/role must be string", path: "body/role" },
        ...notString.map((message) => ({ message, path: "body/role" })),
      ]);
      await invalid({ role: "x".repeat(1025) }, [
        { message: "body/role must NOT have more than 1024 characters", path: "body/role" },
        ...notString.map((message) => ({ message, path: "body/role" })),
      ]);
      await invalid(["role"], [{ message: "body must be object", path: "body" }]);
      const tooMany = Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`k${i}`, "v"]));
      await invalid(tooMany, [
        { message: "body must NOT have more than 256 properties", path: "body" },
      ]);
      assertProblem(
        await api.request("PATCH", METADATA, {
          body: "{",
          headers: { "content-type": "application/merge-patch+json" },
        }),
        400,
        "invalid-request",
        {
          instance: METADATA,
          detail: "Body is not valid JSON but content-type is set to 'application/json'",
        },
      );
      const longId = "m".repeat(257);
      const idTooLong = "params/id must NOT have more than 256 characters";
      assertProblem(
        await api.request("PATCH", `/v1/machines/${longId}/metadata`, { json: { role: "x" } }),
        400,
        "invalid-request",
        {
          instance: `/v1/machines/${longId}/metadata`,
          detail: idTooLong,
          errors: [{ message: idTooLong, path: "params/id" }],
        },
      );
      const shown = await api.request("GET", "/v1/machines");
      assert.deepEqual(shown.json.machines[0].metadata, {
        region: "local",
        role: "web",
        tier: "gold",
      });
    });

    test("a body that is not JSON is a 415", async () => {
      assertProblem(
        await api.request("PATCH", METADATA, {
          body: "role=web",
          headers: { "content-type": "text/plain" },
        }),
        415,
        "unsupported-media-type",
        { instance: METADATA, detail: "this resource takes application/json, not text/plain" },
      );
    });
  });
});

test("every operation and status route-coverage.ts gives this file was answered", () =>
  assertRouteCoverage("machines"));
