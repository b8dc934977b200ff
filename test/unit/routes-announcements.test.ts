// GET /v1/announcements in process: the keys units announce, read from the registry with
// the seconds left on their leases.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { AnnouncementRecord } from "../../src/registry/records.ts";
import { AT, type InjectApp, injectApp } from "../support/inject-app.ts";
import { assertRouteCoverage } from "../support/route-coverage.ts";

function announced(key: string, value: string, unit: string): AnnouncementRecord {
  return { key, value, unit, machineId: "a1b2c3d4", ttlSeconds: 60, since: AT };
}

describe("GET /v1/announcements", () => {
  let api: InjectApp;
  before(async () => {
    api = await injectApp();
  });
  after(() => api.close());

  test("nothing announced: an empty list", async () => {
    const list = await api.request("GET", "/v1/announcements");
    assert.equal(list.status, 200);
    assert.deepEqual(list.json, { announcements: [] });
  });

  test("announced keys by key, with their unit, machine and the seconds left", async () => {
    const web = await api.registry.announce(
      announced("/announce/services/web80", "127.0.0.13:80", "web-discovery@80.service"),
    );
    await api.registry.announce(
      announced("/announce/services/api", "127.0.0.12:8080", "api-discovery.service"),
    );
    const list = await api.request("GET", "/v1/announcements");
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(
      list.json.announcements.map(({ remainingSeconds, ...rest }: any) => {
        assert.ok(remainingSeconds >= 0 && remainingSeconds <= 60, `${remainingSeconds}`);
        return rest;
      }),
      [
        announced("/announce/services/api", "127.0.0.12:8080", "api-discovery.service"),
        announced("/announce/services/web80", "127.0.0.13:80", "web-discovery@80.service"),
      ],
    );
    await web.withdraw();
    const after = await api.request("GET", "/v1/announcements");
    assert.deepEqual(
      after.json.announcements.map((announcement: any) => announcement.key),
      ["/announce/services/api"],
    );
  });
});

test("every operation and status route-coverage.ts gives this file was answered", () =>
  assertRouteCoverage("announcements"));
