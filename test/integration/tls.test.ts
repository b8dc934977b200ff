import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { Agent, request } from "undici";
import { startAgent, stopAgent } from "../support/agents.ts";
import { makePki, type TestPki } from "../support/certs.ts";
import { freshPrefix, testEtcdEndpoint } from "../support/etcd.ts";
import { EtcdProcess } from "../support/etcd-process.ts";
import { startServer } from "../support/server.ts";
import { waitUntil } from "../support/wait.ts";

const run = promisify(execFile);

describe("TLS", () => {
  let pki: TestPki;
  before(() => {
    pki = makePki();
  });
  after(() => rm(pki.dir, { recursive: true, force: true }));

  test("the API serves HTTPS with the configured certificate", async () => {
    const server = await startServer({
      app: { tls: { cert: pki.read(pki.serverCertFile), key: pki.read(pki.serverKeyFile) } },
    });
    try {
      const url = server.url.replace("http://", "https://");
      const trusting = new Agent({ connect: { ca: pki.ca } });
      const response = await request(`${url}/healthz`, { dispatcher: trusting });
      assert.equal(response.statusCode, 200);
      await response.body.dump();
      await assert.rejects(
        request(`${url}/healthz`),
        "a client that does not trust the CA is refused",
      );
      await trusting.close();
    } finally {
      await server.close();
    }
  });

  test("the control plane and an agent reach etcd over TLS with a client certificate and a password", async () => {
    const etcd = new EtcdProcess({
      certFile: pki.serverCertFile,
      keyFile: pki.serverKeyFile,
      caFile: pki.caFile,
    });
    await etcd.start();
    try {
      const etcdctl = (...args: string[]) =>
        run(
          "etcdctl",
          [
            "--endpoints",
            etcd.endpoint,
            "--cacert",
            pki.caFile,
            "--cert",
            pki.clientCertFile,
            "--key",
            pki.clientKeyFile,
            ...args,
          ],
          { env: { ...process.env, ETCDCTL_API: "3" } },
        );
      await etcdctl("user", "add", "root:root-password");
      await etcdctl("auth", "enable");
      const prefix = freshPrefix();
      const server = await startServer({
        prefix,
        etcd: [etcd.endpoint],
        etcdSecurity: {
          tls: { ca: pki.ca, cert: pki.read(pki.clientCertFile), key: pki.read(pki.clientKeyFile) },
          auth: { username: "root", password: "root-password" },
        },
      });
      try {
        await waitUntil("ready over TLS", async () => {
          const response = await request(`${server.url}/readyz`);
          await response.body.dump();
          return response.statusCode === 200;
        });
        const submitted = await request(`${server.url}/v1/unit-files/secure.service`, {
          method: "PUT",
          headers: { "content-type": "text/plain" },
          body: "[Service]\nExecStart=/bin/true\n",
        });
        assert.equal(submitted.statusCode, 201, await submitted.body.text());
        const agent = await startAgent({
          ip: "127.0.1.71",
          etcd: etcd.endpoint,
          prefix,
          extraArgs: [
            "--etcd-ca",
            pki.caFile,
            "--etcd-cert",
            pki.clientCertFile,
            "--etcd-key",
            pki.clientKeyFile,
            "--etcd-username",
            "root",
          ],
          env: { FLOTILLA_ETCD_PASSWORD: "root-password" },
        });
        try {
          await waitUntil("the agent present through TLS etcd", async () => {
            const response = await request(`${server.url}/v1/machines`);
            const body = (await response.body.json()) as { machines: { id: string }[] };
            return body.machines.some((machine) => machine.id === agent.machineId);
          });
        } finally {
          await stopAgent(agent);
        }
      } finally {
        await server.close();
      }
    } finally {
      await etcd.destroy();
    }
  });

  test("an https etcd endpoint without a CA is a usage error", async () => {
    const { runFlotilla } = await import("../support/process.ts");
    const result = await runFlotilla(["server", "--etcd", "https://127.0.0.1:2379"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /https:\/\/ etcd endpoints need --etcd-ca/);
    assert.ok(testEtcdEndpoint());
  });
});
