// fleet's /fleet/v1/machines in process: the machine list as fleet showed it, and metadata
// changed with fleet's JSON-patch-like operations, with fleet's messages for bad ones.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertFleetError } from "../support/fleet-answers.ts";
import { fleetctl, fleetUrl } from "../support/fleet-client.ts";
import { type InjectApp, injectApp } from "../support/inject-app.ts";
import { assertRouteCoverage } from "../support/route-coverage.ts";

const M1 = "1111111111111111111111111111111a";
const M3 = "3333333333333333333333333333333c";
const ROLE = `/${M3}/metadata/role`;

describe("fleet's /fleet/v1/machines", () => {
  let api: InjectApp;
  before(async () => {
    api = await injectApp();
    await api.announceMachine(M1, { publicIP: "192.0.2.1" });
    await api.announceMachine(M3, {
      publicIP: "198.51.100.3",
      metadata: { region: "eu", disk: "ssd" },
    });
  });
  after(() => api.close());

  const patch = (body: unknown) => api.request("PATCH", fleetUrl("/machines"), { json: body });
  const metadataOf = async (id: string) =>
    (await fleetctl(api, "GET", "/machines")).json.machines.find((m: any) => m.id === id).metadata;

  test("GET lists machines by id: primaryIP is the public IP, empty metadata left out", async () => {
    const response = await fleetctl(api, "GET", "/machines");
    assert.equal(response.status, 200);
    assert.equal(response.headers["content-type"], "application/json");
    assert.equal(
      response.text,
      JSON.stringify({
        machines: [
          { id: M1, primaryIP: "192.0.2.1" },
          { id: M3, metadata: { region: "eu", disk: "ssd" }, primaryIP: "198.51.100.3" },
        ],
      }),
    );
  });

  test("PATCH with fleet's {value: {value}} operations: 204, no body", async () => {
    const response = await patch([
      { op: "add", path: ROLE, value: { value: "web" } },
      { op: "replace", path: `/${M3}/metadata/region`, value: { value: "us" } },
      { op: "remove", path: `/${M3}/metadata/disk` },
    ]);
    assert.equal(response.status, 204, response.text);
    assert.equal(response.text, "");
    assert.equal(response.headers["content-type"], "application/json");
    assert.deepEqual(await metadataOf(M3), { region: "us", role: "web" });
  });

  test("PATCH keys match case-insensitively, and any Content-Type is taken", async () => {
    const cased = await api.request("PATCH", fleetUrl("/machines"), {
      body: JSON.stringify([{ Op: "add", Path: `/${M3}/metadata/tier`, Value: { VALUE: "gold" } }]),
      headers: { "content-type": "application/json" },
    });
    assert.equal(cased.status, 204, cased.text);
    assert.equal((await metadataOf(M3)).tier, "gold");
    const types: Record<string, string>[] = [
      { "content-type": "application/x-www-form-urlencoded" },
      { "content-type": "text/plain" },
      {},
    ];
    for (const [index, headers] of types.entries()) {
      const response = await api.request("PATCH", fleetUrl("/machines"), {
        body: JSON.stringify([
          { op: "replace", path: `/${M3}/metadata/tier`, value: { value: `silver-${index}` } },
        ]),
        headers,
      });
      assert.equal(response.status, 204, `${JSON.stringify(headers)}: ${response.text}`);
      assert.equal((await metadataOf(M3)).tier, `silver-${index}`);
    }
    assert.equal((await patch([])).status, 204);
  });

  test("PATCH of a machine that has not joined is kept for when it does", async () => {
    const absent = "5555555555555555555555555555555e";
    const response = await patch([
      { op: "add", path: `/${absent}/metadata/role`, value: { value: "db" } },
    ]);
    assert.equal(response.status, 204, response.text);
    await api.announceMachine(absent);
    assert.deepEqual(await metadataOf(absent), { role: "db" });
  });

  test("PATCH that keeps losing to concurrent writers: 409, and nothing applied", async () => {
    const before = await metadataOf(M3);
    api.loseEveryRace(true);
    try {
      assertFleetError(
        await patch([{ op: "add", path: ROLE, value: { value: "contested" } }]),
        409,
        "the machine's metadata kept changing; retry",
      );
    } finally {
      api.loseEveryRace(false);
    }
    assert.deepEqual(await metadataOf(M3), before);
  });

  test("PATCH errors: 400 with fleet's messages, and nothing applied", async () => {
    const before = await metadataOf(M3);
    const invalidOp = "invalid op: expect add, remove, or replace";
    const invalidPath = "machine metadata path invalid";
    const noValue = "invalid value: add and replace require a value";
    const notAList = "json: cannot unmarshal request body into a list of patch operations";
    const cases: [unknown, string][] = [
      [[{ op: "move", path: ROLE, value: { value: "x" } }], invalidOp],
      [[{ path: ROLE, value: { value: "x" } }], invalidOp],
      [[{ op: "add", path: `/${M3}/role`, value: { value: "x" } }], invalidPath],
      [[{ op: "add", path: `/${M3}/metadata/bad key`, value: { value: "x" } }], invalidPath],
      [[{ op: "add", path: `${M3}/metadata/role`, value: { value: "x" } }], invalidPath],
      [[{ op: "add", path: ROLE }], noValue],
      [[{ op: "replace", path: ROLE, value: { value: "" } }], noValue],
      [[{ op: "add", path: ROLE, value: "x" }], noValue],
      [
        [
          { op: "add", path: ROLE, value: { value: "changed" } },
          { op: "bogus", path: ROLE, value: { value: "x" } },
        ],
        invalidOp,
      ],
      [{ op: "add", path: ROLE, value: { value: "x" } }, notAList],
      [["add"], notAList],
    ];
    for (const [body, message] of cases) {
      assertFleetError(await patch(body), 400, message);
    }
    assertFleetError(
      await api.request("PATCH", fleetUrl("/machines"), {
        body: "[{",
        headers: { "content-type": "application/json" },
      }),
      400,
      "Expected property name or '}' in JSON at position 2",
    );
    assertFleetError(
      await api.request("PATCH", fleetUrl("/machines"), {
        body: "",
        headers: { "content-type": "application/json" },
      }),
      400,
      "EOF",
    );
    // JSON null is an empty list of operations.
    const nothing = await api.request("PATCH", fleetUrl("/machines"), { body: "null" });
    assert.equal(nothing.status, 204);
    assert.deepEqual(await metadataOf(M3), before);
  });

  const set = (machineId: string, key: string, value = "x") => ({
    op: "add",
    path: `/${machineId}/metadata/${key}`,
    value: { value },
  });
  const keys = (count: number) => Array.from({ length: count }, (_, i) => `k${i}`);

  test("PATCH takes what PATCH /v1/machines/{id}/metadata takes, to the edge of its limits", async () => {
    const before = await metadataOf(M3);
    const cases: [string, [string, string][], boolean][] = [
      // Characters as JSON Schema counts them: code points, not UTF-16 units.
      ["a value of 1024 characters", [["note", "\u{1F600}".repeat(1024)]], true],
      ["a value of 1025 characters", [["note", "x".repeat(1025)]], false],
      ["a key of 128 characters", [["k".repeat(128), "x"]], true],
      ["a key of 129 characters", [["k".repeat(129), "x"]], false],
      ["256 keys", keys(256).map((key) => [key, "x"]), true],
      ["257 keys", keys(257).map((key) => [key, "x"]), false],
    ];
    for (const [label, entries, accepted] of cases) {
      const v1 = await api.request("PATCH", `/v1/machines/${M3}/metadata`, {
        json: Object.fromEntries(entries),
      });
      assert.equal(v1.status, accepted ? 200 : 400, `/v1: ${label}: ${v1.text}`);
      const fleet = await patch(entries.map(([key, value]) => set(M3, key, value)));
      assert.equal(fleet.status, accepted ? 204 : 400, `fleet: ${label}: ${fleet.text}`);
      if (!accepted) continue;
      const removed = await patch(
        entries.map(([key]) => ({ op: "remove", path: `/${M3}/metadata/${key}` })),
      );
      assert.equal(removed.status, 204, removed.text);
    }
    assert.deepEqual(await metadataOf(M3), before, "each accepted case was undone");
  });

  test("PATCH over those limits: 400 naming the key or machine, and nothing applied", async () => {
    const before = await metadataOf(M3);
    const absent = "6666666666666666666666666666666f";
    const longKey = "k".repeat(129);
    const badKey = `invalid metadata key "${longKey}": a key is 1 to 128 of [A-Za-z0-9_.-]`;
    const fine = set(M3, "role", "changed");
    const cases: [unknown[], string][] = [
      [
        [fine, set(absent, "role", "x".repeat(1025))],
        'metadata value of key "role" is longer than 1024 characters',
      ],
      [[fine, set(absent, longKey)], badKey],
      [[fine, { op: "remove", path: `/${absent}/metadata/${longKey}` }], badKey],
      [
        [fine, ...keys(257).map((key) => set(absent, key))],
        `more than 256 metadata keys of machine "${absent}" in one request`,
      ],
    ];
    for (const [body, message] of cases) {
      assertFleetError(await patch(body), 400, message);
    }
    assert.deepEqual(await metadataOf(M3), before);
    assert.equal(await api.registry.getMetadataOverrides(absent), undefined);
    // Keys are counted once however many operations change them, as a merge patch has them.
    const again = keys(256).flatMap((key) => [set(absent, key), set(absent, key, "y")]);
    assert.equal((await patch(again)).status, 204);
    assert.equal(
      Object.keys((await api.registry.getMetadataOverrides(absent))?.value ?? {}).length,
      256,
    );
  });
});

test("every operation and status route-coverage.ts gives this file was answered", () =>
  assertRouteCoverage("fleet-machines"));
