// /v1/backup and /v1/restore in process: a backup holds the desired state and nothing an agent
// writes; a restore brings it back into an empty cluster, again and again, and refuses a
// cluster that holds other units or a backup that is not one.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type InjectApp, injectApp } from "../support/inject-app.ts";
import { assertProblem } from "../support/problem.ts";
import { assertRouteCoverage } from "../support/route-coverage.ts";

const MACHINE = "2c2a7f0e9d7b4f9a8e4c4d1f0a6b5c3d";
const WEB_V1 = "[Service]\nExecStart=/bin/sleep 1\n";
const WEB_V2 = "[Service]\nExecStart=/bin/sleep 2\n";

describe("backup and restore", () => {
  let source: InjectApp;
  let target: InjectApp;
  let backup: any;

  before(async () => {
    source = await injectApp();
    target = await injectApp();
    await source.announceMachine(MACHINE);
    await source.submit("web.service", WEB_V1, "launched");
    await source.submit("web.service", WEB_V2);
    await source.place("web.service", MACHINE);
    await source.report(MACHINE, "web.service");
    await source.submit("db.service", WEB_V1, "loaded");
  });
  after(async () => {
    await source.close();
    await target.close();
  });

  test("GET /v1/backup: units, their history's contents and placements, not what agents write", async () => {
    const answer = await source.request("GET", "/v1/backup");
    assert.equal(answer.status, 200, answer.text);
    backup = answer.json;
    assert.equal(backup.format, "flotilla-backup");
    assert.equal(backup.version, 1);
    assert.equal(backup.revision, source.view.revision);
    const keys: string[] = backup.keys.map((entry: any) => entry.key);
    for (const key of ["units/web.service", "units/db.service", "placements/web.service"])
      assert.ok(keys.includes(key), key);
    assert.equal(keys.filter((key) => key.startsWith("unit-files/")).length, 2, "both versions");
    assert.ok(keys.includes("cluster/record"));
    assert.ok(!keys.some((key) => /^(machines|states|announcements|election)\//.test(key)));
  });

  test("POST /v1/restore: the cluster comes back, history and all; again, nothing changes", async () => {
    const restored = await target.request("POST", "/v1/restore", { json: backup });
    assert.equal(restored.status, 200, restored.text);
    assert.deepEqual(restored.json, { written: backup.keys.length, unchanged: 0, units: 2 });
    const unit = await target.request("GET", "/v1/units/web.service");
    assert.equal(unit.json.desiredState, "launched");
    assert.equal(unit.json.machineId, MACHINE);
    const history = await target.request("GET", "/v1/unit-files/web.service/history");
    assert.equal(history.status, 200, history.text);
    assert.deepEqual(
      history.json,
      (await source.request("GET", "/v1/unit-files/web.service/history")).json,
    );
    assert.equal(history.json.history.length, 2);
    const again = await target.request("POST", "/v1/restore", { json: backup });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.json, { written: 0, unchanged: backup.keys.length, units: 2 });
  });

  test("a cluster with a unit the backup does not have is refused: 409, nothing written", async () => {
    const other = await injectApp();
    try {
      await other.submit("other.service", WEB_V1);
      const revision = other.view.revision;
      const refused = await other.request("POST", "/v1/restore", { json: backup });
      assertProblem(refused, 409, "restore-conflict", {
        instance: "/v1/restore",
        detail: /^the cluster holds other values for units\/other\.service: /,
      });
      await other.settle();
      assert.equal(other.view.revision, revision, "nothing written");
      assert.equal(other.view.units.size, 1);
    } finally {
      await other.close();
    }
  });

  test("what is not a backup is refused: 400 naming the key; not JSON: 415", async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...backup, format: "other" }, /format/],
      [
        { ...backup, keys: [{ key: "states/web.service/m", value: "{}" }] },
        /states\/web\.service\/m is not a key a backup holds/,
      ],
      [
        { ...backup, keys: [{ key: "units/x.service", value: "[1" }] },
        /units\/x\.service does not hold JSON/,
      ],
      [
        { ...backup, keys: [{ key: `unit-files/${"0".repeat(40)}`, value: WEB_V1 }] },
        /does not have the hash it is named after/,
      ],
      [{ ...backup, keys: [backup.keys[0], backup.keys[0]] }, /is in the backup twice/],
    ];
    for (const [body, detail] of cases) {
      const answer = await target.request("POST", "/v1/restore", { json: body });
      assert.equal(answer.status, 400, answer.text);
      assert.match(answer.json.detail, detail);
    }
    const text = await target.request("POST", "/v1/restore", {
      body: "{}",
      headers: { "content-type": "text/plain" },
    });
    assert.equal(text.status, 415, text.text);
  });
});

test("every operation and status route-coverage.ts gives this file was answered", () =>
  assertRouteCoverage("backup"));
