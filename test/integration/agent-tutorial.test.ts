import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import {
  removeContainersOf,
  startAgent,
  stopAgent,
  type TestAgent,
  unitContent,
} from "../support/agents.ts";
import { freshPrefix, testEtcdEndpoint } from "../support/etcd.ts";
import { http } from "../support/http.ts";
import { startServer } from "../support/server.ts";
import { specUnit } from "../support/spec.ts";
import { waitUntil } from "../support/wait.ts";

const run = promisify(execFile);

/** The real etcdctl, as the tutorial's user runs it. */
async function etcdctl(...args: string[]): Promise<string> {
  const { stdout } = await run("etcdctl", ["--endpoints", testEtcdEndpoint(), ...args], {
    env: { ...process.env, ETCDCTL_API: "3" },
  });
  return stdout.trim();
}

describe("an agent runs the tutorial's units unmodified", () => {
  let agent: TestAgent;
  const prefix = freshPrefix();
  const web = unitContent(specUnit("apache@.service"));
  const sidekick = unitContent(specUnit("apache-discovery@.service"));

  before(async () => {
    agent = await startAgent({ ip: "127.0.1.11", etcd: testEtcdEndpoint(), prefix });
  });
  after(async () => {
    await stopAgent(agent);
    await removeContainersOf(agent.machineId);
  });

  test("apache@80 serves the page and its sidekick announces it with a 60 s lease", async () => {
    await agent.client.applyUnit("apache@80.service", { desiredState: "loaded", ...web });
    await agent.client.applyUnit("apache-discovery@80.service", {
      desiredState: "loaded",
      ...sidekick,
    });
    const launched = await agent.client.applyUnit("apache@80.service", {
      desiredState: "launched",
      hash: web.hash,
    });
    assert.equal(launched.desiredState, "launched");

    for (const name of ["apache@80.service", "apache-discovery@80.service"]) {
      await waitUntil(
        `${name} running`,
        async () => {
          const unit = await agent.client.getUnit(name);
          if (unit?.activeState === "failed") throw new Error(`${name} failed: ${unit.error}`);
          return unit?.activeState === "active" && unit.subState === "running";
        },
        120_000,
      );
    }
    const sidekickUnit = await agent.client.getUnit("apache-discovery@80.service");
    assert.equal(
      sidekickUnit?.desiredState,
      "loaded",
      "Requires= started it; nobody asked to launch it",
    );

    const page = await waitUntil("the page on 127.0.1.11:80", async () => {
      const response = await http("GET", "http://127.0.1.11:80/").catch(() => undefined);
      return response?.status === 200 ? response : undefined;
    });
    assert.equal(page.text.trim(), "<h1>Running from Docker on CoreOS</h1>");

    // The sidekick announces once apache@80 runs: its key follows the unit's state.
    const announced = await waitUntil("the announcement", async () => {
      const value = await etcdctl("get", "/announce/services/apache80", "--print-value-only");
      return value === "" ? undefined : value;
    });
    assert.equal(announced, "127.0.1.11:80");
    const withLease = await etcdctl("get", "/announce/services/apache80", "-w", "json");
    const leaseId = BigInt(/"lease":(\d+)/.exec(withLease)?.[1] ?? "0").toString(16);
    const lease = await etcdctl("lease", "timetolive", leaseId);
    assert.match(lease, /granted with TTL\(60s\)/);

    const units = await agent.client.listUnits();
    assert.deepEqual(
      units.map((unit) => unit.name),
      ["apache-discovery@80.service", "apache@80.service"],
    );

    const server = await startServer({ prefix });
    try {
      const listed = await http("GET", `${server.url}/v1/announcements`);
      assert.equal(listed.status, 200);
      const [announcement] = listed.json.announcements;
      assert.equal(announcement.key, "/announce/services/apache80");
      assert.equal(announcement.value, "127.0.1.11:80");
      assert.equal(announcement.unit, "apache-discovery@80.service");
      assert.equal(announcement.machineId, agent.machineId);
      assert.equal(announcement.ttlSeconds, 60);
      assert.ok(announcement.remainingSeconds > 0 && announcement.remainingSeconds <= 60);
    } finally {
      await server.close();
    }
  });

  test("stopping apache@80 stops the sidekick through BindsTo and deletes the key", async () => {
    await agent.client.applyUnit("apache@80.service", { desiredState: "loaded", hash: web.hash });
    for (const name of ["apache@80.service", "apache-discovery@80.service"]) {
      await waitUntil(`${name} stopped`, async () => {
        const unit = await agent.client.getUnit(name);
        return unit?.activeState === "inactive" && unit.subState === "dead";
      }).catch(async (error) => {
        const log = await (await agent.client.logs(name, { lines: 100 })).text();
        throw new Error(
          `${error.message}; state ${JSON.stringify(await agent.client.getUnit(name))}; log:\n${log}`,
        );
      });
    }
    assert.equal(await etcdctl("get", "/announce/services/apache80", "--print-value-only"), "");
    const logs = await agent.client.logs("apache@80.service", { lines: 200 });
    const text = await logs.text();
    assert.match(text, /Stopping Apache web server service\.\.\./);
  });
});
