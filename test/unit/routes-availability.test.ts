// When the registry cannot answer, in process: every API operation is a 503 until the view
// holds a snapshot; with etcd unreachable, writes are 503 and reads are served from memory;
// an unexpected failure is a 500 that tells nothing of its cause. Each in its API's format.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GRPCUnavailableError } from "etcd3";
import { assertApiError } from "../support/api-error.ts";
import { documentedOperations } from "../support/documented-operations.ts";
import { type InjectApp, injectApp } from "../support/inject-app.ts";
import { assertRouteCoverage, OWN_STATUSES } from "../support/route-coverage.ts";
import {
  requestFor,
  SAMPLE_MACHINE,
  SAMPLE_ROLLOUTS,
  SAMPLE_UNIT,
  SAMPLE_UNIT_TEXT,
  writeSampleRollouts,
} from "../support/sample-requests.ts";

const isApi = (path: string) => path.startsWith("/v1/") || path.startsWith("/fleet/v1/");
const FLEET_UNAVAILABLE = "fleet server unable to communicate with etcd";

describe("before the view holds a snapshot", () => {
  let api: InjectApp;
  before(async () => {
    api = await injectApp({ unsynced: true });
    await api.submit(SAMPLE_UNIT, SAMPLE_UNIT_TEXT);
  });
  after(() => api.close());

  test("every API operation is a 503, and health is not", async () => {
    const apiOperations = documentedOperations.filter((operation) => isApi(operation.path));
    assert.ok(apiOperations.every((operation) => operation.statuses.includes(503)));
    for (const operation of apiOperations) {
      const { method, url, options } = requestFor(operation);
      const answer = await api.request(method, url, options);
      const detail = url.startsWith("/fleet/v1")
        ? FLEET_UNAVAILABLE
        : "not yet synchronised with etcd; retry shortly";
      assertApiError(answer, url, 503, "registry-unavailable", detail);
    }
    assert.equal((await api.request("GET", "/healthz")).status, 200);
  });

  test("once in sync, the same requests are served", async () => {
    await api.sync();
    const unit = await api.request("GET", `/v1/units/${SAMPLE_UNIT}`);
    assert.equal(unit.status, 200, unit.text);
    assert.equal((await api.request("GET", "/fleet/v1/units")).status, 200);
  });
});

describe("with etcd unreachable or failing", () => {
  let api: InjectApp;
  before(async () => {
    api = await injectApp();
    await api.submit(SAMPLE_UNIT, SAMPLE_UNIT_TEXT);
    await api.announceMachine(SAMPLE_MACHINE);
    // Each action on a rollout reaches etcd only if it applies to the rollout it addresses.
    await writeSampleRollouts(api);
  });
  after(() => api.close());

  /** The operations that go to the registry, rather than answer from memory. */
  const reachingEtcd = documentedOperations.filter(
    (operation) => OWN_STATUSES[operation.key]?.[500] === "availability",
  );

  test("what reaches etcd is a 503 and writes nothing; reads are served from memory", async () => {
    assert.ok(reachingEtcd.length >= 9);
    const revision = await api.registry.ping();
    api.failRegistry(new GRPCUnavailableError("14 UNAVAILABLE: No connection established"));
    try {
      for (const operation of reachingEtcd) {
        const { method, url, options } = requestFor(operation);
        const answer = await api.request(method, url, options);
        const detail = url.startsWith("/fleet/v1")
          ? FLEET_UNAVAILABLE
          : "etcd did not answer; the request was not carried out";
        assertApiError(answer, url, 503, "registry-unavailable", detail);
      }
      const unit = await api.request("GET", `/v1/units/${SAMPLE_UNIT}`);
      assert.equal(unit.status, 200, "a read is served from memory");
      assert.equal((await api.request("GET", "/fleet/v1/machines")).status, 200);
      const rollout = await api.request("GET", `/v1/rollouts/${SAMPLE_ROLLOUTS.running}`);
      assert.equal(rollout.status, 200, rollout.text);
    } finally {
      api.failRegistry(undefined);
    }
    assert.equal(await api.registry.ping(), revision, "nothing was written");
  });

  test("an unexpected failure is a 500 that says nothing of its cause", async () => {
    api.failRegistry(new Error("the disk caught fire at /var/lib/etcd"));
    try {
      for (const operation of reachingEtcd) {
        const { method, url, options } = requestFor(operation);
        const answer = await api.request(method, url, options);
        if (url.startsWith("/fleet/v1")) {
          assertApiError(answer, url, 500, "internal", "");
        } else {
          assertApiError(
            answer,
            url,
            500,
            "internal",
            "an internal error occurred; the server log has the details",
          );
        }
        assert.ok(!answer.text.includes("fire"), `${url} keeps the cause to the log`);
      }
    } finally {
      api.failRegistry(undefined);
    }
  });
});

test("every operation and status route-coverage.ts gives this file was answered", () =>
  assertRouteCoverage("availability"));
