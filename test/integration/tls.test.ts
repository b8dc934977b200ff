import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type ConnectionOptions, connect } from "node:tls";
import { promisify } from "node:util";
import { Agent, request } from "undici";
import {
  AGENT_TOKEN,
  startAgent,
  stopAgent,
  type TestAgent,
  unitContent,
} from "../support/agents.ts";
import { makePki, type TestPki } from "../support/certs.ts";
import { freshPrefix, testEtcdEndpoint } from "../support/etcd.ts";
import { EtcdProcess } from "../support/etcd-process.ts";
import { http } from "../support/http.ts";
import { type Daemon, runFlotilla } from "../support/process.ts";
import { startServer, startServerProcess } from "../support/server.ts";
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

      // The CLI trusts a private CA through Node's NODE_EXTRA_CA_CERTS, as the README says.
      const listed = await runFlotilla(["list-machines", `--endpoint=${url}`], {
        NODE_EXTRA_CA_CERTS: pki.caFile,
      });
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /^MACHINE\tIP\tMETADATA\n$/);
      const untrusted = await runFlotilla(["list-machines", `--endpoint=${url}`]);
      assert.equal(untrusted.code, 1);
      assert.match(untrusted.stderr, /cannot reach the API at https:.*certificate/);
    } finally {
      await server.close();
    }
  });

  describe("etcd with TLS, client certificates and a password", () => {
    let etcd: EtcdProcess;
    /** The flags and environment that give a Flotilla process etcd's CA, a certificate and a password. */
    const secureEtcd = (certFile = pki.clientCertFile, keyFile = pki.clientKeyFile) => ({
      extraArgs: [
        "--etcd-ca",
        pki.caFile,
        "--etcd-cert",
        certFile,
        "--etcd-key",
        keyFile,
        "--etcd-username",
        "root",
      ],
      env: { FLOTILLA_ETCD_PASSWORD: "root-password" },
    });
    /** The real etcdctl (v3), as an administrator with the client certificate. */
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

    before(async () => {
      etcd = new EtcdProcess({
        certFile: pki.serverCertFile,
        keyFile: pki.serverKeyFile,
        caFile: pki.caFile,
      });
      await etcd.start();
      await etcdctl("user", "add", "root:root-password");
      await etcdctl("auth", "enable");
    });
    after(() => etcd.destroy());

    test("the control plane and an agent reach etcd over TLS with a client certificate and a password", async () => {
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
          ...secureEtcd(),
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
    });

    test("a unit's script calls etcdctl, which reaches etcd as the agent does; the password is in no script", async () => {
      const agent = await startAgent({
        ip: "127.0.1.72",
        etcd: etcd.endpoint,
        prefix: freshPrefix(),
        // etcd takes a client certificate's CN for the user when a request has no password; this
        // certificate's CN is no user, so only the password lets the script write.
        ...secureEtcd(pki.serverCertFile, pki.serverKeyFile),
      });
      try {
        const key = `/flotilla-test-shim/${agent.machineId}`;
        await agent.client.applyUnit("shim.service", {
          desiredState: "launched",
          ...unitContent(
            `[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c 'etcdctl set ${key} through-the-shim'\n`,
          ),
        });
        const settled = await waitUntil("shim.service to settle", async () => {
          const found = await agent.client.getUnit("shim.service");
          return found && found.activeState !== "activating" ? found : undefined;
        });
        const log = await (await agent.client.logs("shim.service")).text();
        assert.equal(settled.activeState, "active", `${JSON.stringify(settled)}\n${log}`);
        const { stdout } = await etcdctl("get", key, "--print-value-only");
        assert.equal(stdout.trim(), "through-the-shim");

        const shim = await readFile(join(agent.stateDir, "bin", "etcdctl"), "utf8");
        assert.ok(!shim.includes("root-password"), shim);
        const settings = join(agent.stateDir, "etcdctl.json");
        assert.ok(shim.includes(settings), "the shim names the settings file");
        assert.equal((await stat(settings)).mode & 0o777, 0o600);
      } finally {
        await stopAgent(agent);
      }
    });
  });

  describe("mutual TLS between the control plane and an agent", () => {
    const ip = "127.0.1.81";
    const serverUrl = "http://127.0.1.82:7600";
    const prefix = freshPrefix();
    let otherPki: TestPki;
    let controlPlaneCert: Agent;
    let agent: TestAgent;
    let server: Daemon;

    before(async () => {
      otherPki = makePki();
      controlPlaneCert = new Agent({
        connect: {
          ca: pki.ca,
          cert: pki.read(pki.clientCertFile),
          key: pki.read(pki.clientKeyFile),
        },
      });
      agent = await startAgent({
        ip,
        etcd: testEtcdEndpoint(),
        prefix,
        extraArgs: [
          "--tls-cert",
          pki.serverCertFile,
          "--tls-key",
          pki.serverKeyFile,
          "--tls-client-ca",
          pki.caFile,
        ],
        https: controlPlaneCert,
      });
      ({ daemon: server } = await startServerProcess({
        prefix,
        listen: "127.0.1.82:7600",
        env: {
          FLOTILLA_AGENT_CERT: pki.clientCertFile,
          FLOTILLA_AGENT_KEY: pki.clientKeyFile,
          FLOTILLA_AGENT_CA: pki.caFile,
        },
      }));
    });
    after(async () => {
      await server?.stop();
      if (agent) await stopAgent(agent);
      await controlPlaneCert?.close();
      if (otherPki) await rm(otherPki.dir, { recursive: true, force: true });
    });

    test("the agent's TLS handshake admits only a client with a certificate its CA signed", async () => {
      const probe = (certificate: { cert?: Buffer; key?: Buffer } = {}) =>
        firstAnswer({ host: ip, port: 7601, ca: pki.ca, ...certificate });
      assert.match(await probe(), /^refused: /, "a client without a certificate");
      assert.match(
        await probe({
          cert: otherPki.read(otherPki.clientCertFile),
          key: otherPki.read(otherPki.clientKeyFile),
        }),
        /^refused: /,
        "a client with a certificate from another CA",
      );
      assert.equal(
        await probe({ cert: pki.read(pki.clientCertFile), key: pki.read(pki.clientKeyFile) }),
        "HTTP/1.1 200 OK",
        "the control plane's certificate",
      );
      const units = await request(`${agent.url}/v1/units`, {
        dispatcher: controlPlaneCert,
        headers: { authorization: `Bearer ${AGENT_TOKEN}` },
      });
      assert.equal(units.statusCode, 200, await units.body.text());
    });

    test("a server process drives a unit onto the agent and reads its log, over mutual TLS", async () => {
      const machines = await http("GET", `${serverUrl}/v1/machines`);
      assert.deepEqual(
        machines.json.machines.map((machine: { agentURL: string }) => machine.agentURL),
        [`https://${ip}:7601`],
      );
      const submitted = await http("PUT", `${serverUrl}/v1/unit-files/mtls.service`, {
        body: '[Service]\nExecStart=/bin/sh -c "echo serving over mutual TLS; exec sleep 1000"\n',
        headers: { "content-type": "text/plain" },
      });
      assert.equal(submitted.status, 201, submitted.text);
      const launched = await http("PUT", `${serverUrl}/v1/units/mtls.service`, {
        json: { desiredState: "launched" },
      });
      assert.ok(launched.status === 200 || launched.status === 201, launched.text);
      const active = await waitUntil("mtls.service launched and active", async () => {
        const { json } = await http("GET", `${serverUrl}/v1/units/mtls.service`);
        return json?.currentState === "launched" && json.activeState === "active"
          ? json
          : undefined;
      });
      assert.equal(active.machineId, agent.machineId);
      const onAgent = await agent.client.getUnit("mtls.service");
      assert.equal(onAgent?.activeState, "active");

      const log = await waitUntil("the unit's log through the control plane", async () => {
        const response = await http("GET", `${serverUrl}/v1/units/mtls.service/logs`);
        assert.equal(response.status, 200, response.text);
        return response.text.includes("serving over mutual TLS") ? response.text : undefined;
      });
      assert.match(log, /serving over mutual TLS/);
    });
  });

  test("an https etcd endpoint without a CA is a usage error", async () => {
    const result = await runFlotilla(["server", "--etcd", "https://127.0.0.1:2379"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /https:\/\/ etcd endpoints need --etcd-ca/);
    assert.ok(testEtcdEndpoint());
  });

  test("half-configured TLS between servers and agents is a usage error", async () => {
    const cases: [string[], RegExp][] = [
      [["server", "--agent-cert", pki.clientCertFile], /--agent-cert and --agent-key go together/],
      [["server", "--agent-key", pki.clientKeyFile], /--agent-cert and --agent-key go together/],
      [
        ["server", "--agent-cert", pki.clientCertFile, "--agent-key", pki.clientKeyFile],
        /--agent-cert needs --agent-ca/,
      ],
      [["server", "--agent-ca", join(pki.dir, "missing.pem")], /--agent-ca .*ENOENT/],
      [["agent", "--tls-cert", pki.serverCertFile], /--tls-cert and --tls-key go together/],
      [["agent", "--tls-client-ca", pki.caFile], /--tls-client-ca needs --tls-cert and --tls-key/],
    ];
    for (const [args, message] of cases) {
      const machine = args[0] === "agent" ? ["--machine-id", "tls-usage"] : [];
      const result = await runFlotilla([...args, ...machine]);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /, "a message, not a stack trace");
    }
  });
});

/**
 * What a raw TLS client gets for one request: the HTTP status line, or why it got none. With
 * TLS 1.3 the client's side of the handshake completes before the server has checked the
 * client's certificate, so a refusal shows as an alert or a closed connection, never an answer.
 */
function firstAnswer(options: ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(options, () =>
      socket.write("GET /healthz HTTP/1.1\r\nhost: agent\r\nconnection: close\r\n\r\n"),
    );
    socket.once("data", (chunk) => {
      resolve(String(chunk).split("\r\n")[0] ?? "");
      socket.destroy();
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(`refused: ${error.code}`));
    socket.once("close", () => resolve("refused: closed"));
  });
}
