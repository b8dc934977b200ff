import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { freshPrefix, rawEtcd, testEtcdEndpoint } from "../support/etcd.ts";
import { http } from "../support/http.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { TcpProxy } from "../support/tcp-proxy.ts";
import { waitUntil } from "../support/wait.ts";

const unitText = {
  body: "[Service]\nExecStart=/bin/true\n",
  headers: { "content-type": "text/plain" },
};

describe("when etcd is unreachable", () => {
  let proxy: TcpProxy;
  let server: TestServer;
  const prefix = freshPrefix();
  before(async () => {
    proxy = TcpProxy.forUrl(testEtcdEndpoint());
    await proxy.start();
    server = await startServer({ prefix, etcd: [proxy.url] });
  });
  after(async () => {
    await server.close();
    await proxy.stop();
  });

  test("writes fail with 503 and leave nothing behind; reads are served from memory", async () => {
    const before = await http("PUT", `${server.url}/v1/unit-files/before.service`, unitText);
    assert.equal(before.status, 201);

    proxy.cut();
    const refused = await http("PUT", `${server.url}/v1/unit-files/during.service`, unitText);
    assert.equal(refused.status, 503, refused.text);
    assert.equal(refused.headers["retry-after"], "2", "a 503 says when to retry");
    assert.equal(refused.json.type, "urn:flotilla:problem:registry-unavailable");
    const fleetRefused = await http("PUT", `${server.url}/fleet/v1/units/during.service`, {
      json: {
        name: "during.service",
        options: [{ section: "Service", name: "ExecStart", value: "/bin/true" }],
      },
    });
    assert.equal(fleetRefused.status, 503);
    assert.equal(fleetRefused.headers["retry-after"], "2");
    assert.deepEqual(fleetRefused.json, {
      error: { code: 503, message: "fleet server unable to communicate with etcd" },
    });
    const ready = await http("GET", `${server.url}/readyz`);
    assert.equal(ready.status, 503);
    const healthy = await http("GET", `${server.url}/healthz`);
    assert.equal(healthy.status, 200, "liveness does not depend on etcd");
    const stillListed = await http("GET", `${server.url}/v1/units/before.service`);
    assert.equal(stillListed.status, 200);

    proxy.restore();
    await waitUntil(
      "readiness after etcd returns",
      async () => (await http("GET", `${server.url}/readyz`)).status === 200,
    );
    const etcd = rawEtcd();
    try {
      assert.equal(
        await etcd.get(`${prefix}units/during.service`).string(),
        null,
        "the refused write left no key",
      );
    } finally {
      etcd.close();
    }
    const afterwards = await waitUntil("a write after etcd returns", async () => {
      const response = await http("PUT", `${server.url}/v1/unit-files/after.service`, unitText);
      return response.status === 201 ? response : undefined;
    });
    assert.equal(afterwards.json.created, true);
  });

  test("the view catches up after its watch history was compacted away", async () => {
    proxy.cut();
    const etcd = rawEtcd();
    try {
      const now = new Date().toISOString();
      const text = "[Service]\nExecStart=/bin/sleep 5\n";
      const submitted = await http("PUT", `${server.url}/v1/unit-files/probe.service`, unitText);
      assert.equal(submitted.status, 503);
      // Another control plane wrote meanwhile; the history is then compacted.
      await etcd.put(`${prefix}unit-files/c0ffee`).value(text);
      const put = await etcd
        .put(`${prefix}units/written-elsewhere.service`)
        .value(
          JSON.stringify({
            name: "written-elsewhere.service",
            hash: "c0ffee",
            desiredState: "loaded",
            createdAt: now,
            updatedAt: now,
          }),
        )
        .exec();
      await etcd.delete().key(`${prefix}units/before.service`).exec();
      const latest = await etcd.put(`${prefix}compaction-marker`).value("x").exec();
      await etcd.kv.compact({ revision: latest.header.revision, physical: true });
      assert.ok(Number(put.header.revision) > 0);
    } finally {
      etcd.close();
    }
    proxy.restore();
    const unit = await waitUntil("the unit written while cut off", async () => {
      const response = await http("GET", `${server.url}/v1/units/written-elsewhere.service`);
      return response.status === 200 ? response : undefined;
    });
    assert.equal(unit.json.desiredState, "loaded");
    await waitUntil("the deletion made while cut off", async () => {
      return (await http("GET", `${server.url}/v1/units/before.service`)).status === 404;
    });
  });
});
