import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  AGENT_TOKEN,
  docker,
  removeContainersOf,
  startAgent,
  stopAgent,
  unitContent,
} from "../support/agents.ts";
import { freshPrefix, rawEtcd, testEtcdEndpoint } from "../support/etcd.ts";
import { http } from "../support/http.ts";
import { runFlotilla } from "../support/process.ts";
import { waitUntil } from "../support/wait.ts";

describe("agent presence", () => {
  test("a SIGKILLed agent's machine and announcements vanish within their TTLs", async () => {
    const prefix = freshPrefix();
    const agent = await startAgent({
      ip: "127.0.1.13",
      etcd: testEtcdEndpoint(),
      prefix,
      presenceTtl: 3,
    });
    const etcd = rawEtcd();
    const key = `/flotilla-test-announce/${agent.machineId}`;
    try {
      const machine = await etcd.get(`${prefix}machines/${agent.machineId}`).json();
      assert.equal((machine as any).publicIP, "127.0.1.13");
      await agent.client.applyUnit("beacon.service", {
        desiredState: "launched",
        ...unitContent(
          `[Service]\nExecStart=/bin/sh -c "while true; do etcdctl set ${key} up --ttl 4; sleep 2; done"\n`,
        ),
      });
      await waitUntil("the announcement", async () => (await etcd.get(key).string()) === "up");
      const leaseOf = (await etcd.get(key).exec()).kvs[0]?.lease;
      const ttl = await etcd.leaseClient.leaseTimeToLive({ ID: String(leaseOf) });
      assert.equal(Number(ttl.grantedTTL), 4);

      await agent.daemon.stop("SIGKILL");
      await waitUntil(
        "the machine gone",
        async () => (await etcd.get(`${prefix}machines/${agent.machineId}`).string()) === null,
        15_000,
      );
      await waitUntil(
        "the announcement gone",
        async () => (await etcd.get(key).string()) === null,
        15_000,
      );
      assert.equal(
        await etcd.get(`${prefix}states/beacon.service/${agent.machineId}`).string(),
        null,
      );
    } finally {
      etcd.close();
      await stopAgent(agent);
    }
  });

  test("SIGTERM stops the units and withdraws the machine at once", async () => {
    const prefix = freshPrefix();
    const agent = await startAgent({
      ip: "127.0.1.13",
      etcd: testEtcdEndpoint(),
      prefix,
      presenceTtl: 60,
    });
    const etcd = rawEtcd();
    const key = `/flotilla-test-announce/${agent.machineId}`;
    try {
      await agent.client.applyUnit("beacon.service", {
        desiredState: "launched",
        ...unitContent(
          `[Service]\nExecStart=/bin/sh -c "while :; do etcdctl set ${key} up --ttl 60; sleep 30; done"\n`,
        ),
      });
      await waitUntil("the announcement", async () => (await etcd.get(key).string()) === "up");
      assert.equal(await agent.daemon.stop("SIGTERM"), 0);
      assert.equal(await etcd.get(key).string(), null, "the unit was stopped, its key deleted");
      assert.equal(
        await etcd.get(`${prefix}machines/${agent.machineId}`).string(),
        null,
        "withdrawn, not left to expire",
      );
    } finally {
      etcd.close();
      await stopAgent(agent);
    }
  });

  test("SIGTERM as soon as the API answers, while the agent may still be starting, ends it cleanly", async () => {
    const agent = await startAgent({
      ip: "127.0.1.13",
      etcd: testEtcdEndpoint(),
      prefix: freshPrefix(),
    });
    try {
      assert.equal(await agent.daemon.stop("SIGTERM"), 0, agent.daemon.output());
    } finally {
      await stopAgent(agent);
    }
  });

  test("with --leave-running, SIGTERM leaves the containers running", async () => {
    const prefix = freshPrefix();
    const agent = await startAgent({
      ip: "127.0.1.13",
      etcd: testEtcdEndpoint(),
      prefix,
      extraArgs: ["--leave-running"],
    });
    const name = `flotilla-test-left-${agent.machineId.slice(0, 8)}`;
    try {
      await agent.client.applyUnit("left.service", {
        desiredState: "launched",
        ...unitContent(
          `[Service]\nExecStart=/usr/bin/docker run --rm --name ${name} flotilla/busybox sleep 1000\n`,
        ),
      });
      await waitUntil(
        "the container running",
        async () => {
          const info = await docker
            .getContainer(name)
            .inspect()
            .catch(() => undefined);
          return info?.State.Running === true;
        },
        60_000,
      );
      assert.equal(await agent.daemon.stop("SIGTERM"), 0);
      const info = await docker.getContainer(name).inspect();
      assert.equal(info.State.Running, true);
      assert.equal(info.Config.Labels["flotilla.unit"], "left.service");
      assert.equal(info.Config.Labels["flotilla.machine"], agent.machineId);
    } finally {
      await removeContainersOf(agent.machineId);
      await stopAgent(agent);
    }
  });

  test("a second agent with the same machine id is refused", async () => {
    const prefix = freshPrefix();
    const agent = await startAgent({ ip: "127.0.1.13", etcd: testEtcdEndpoint(), prefix });
    try {
      const duplicate = await runFlotilla([
        "agent",
        "--machine-id",
        agent.machineId,
        "--listen",
        "127.0.1.14:7601",
        "--etcd",
        testEtcdEndpoint(),
        "--prefix",
        prefix,
        "--state-dir",
        agent.stateDir,
      ]);
      assert.equal(duplicate.code, 2);
      assert.match(
        duplicate.stderr,
        /already announced by another running agent; give each agent its own --machine-id/,
      );
    } finally {
      await stopAgent(agent);
    }
  });

  test("the agent's API requires the shared token", async () => {
    const prefix = freshPrefix();
    const agent = await startAgent({ ip: "127.0.1.13", etcd: testEtcdEndpoint(), prefix });
    try {
      assert.equal((await http("GET", `${agent.url}/v1/units`)).status, 401);
      assert.equal(
        (await http("GET", `${agent.url}/v1/units`, { headers: { authorization: "Bearer wrong" } }))
          .status,
        401,
      );
      const allowed = await http("GET", `${agent.url}/v1/units`, {
        headers: { authorization: `Bearer ${AGENT_TOKEN}` },
      });
      assert.equal(allowed.status, 200);
      assert.deepEqual(allowed.json, { units: [] });
    } finally {
      await stopAgent(agent);
    }
  });

  test("several units in one call: each gets its own outcome, content is sent once", async () => {
    const prefix = freshPrefix();
    const agent = await startAgent({ ip: "127.0.1.13", etcd: testEtcdEndpoint(), prefix });
    try {
      const sleeper = unitContent("[Service]\nExecStart=/bin/sleep 100000\n");
      const results = await agent.client.applyUnits([
        { name: "batch@1.service", desiredState: "launched", ...sleeper },
        { name: "batch@2.service", desiredState: "loaded", ...sleeper },
        { name: "batch@.service", desiredState: "launched", ...sleeper },
        { name: "unknown.service", desiredState: "loaded", hash: "0".repeat(40) },
      ]);
      assert.deepEqual(
        results.map(({ name, status }) => [name, status]),
        [
          ["batch@1.service", 200],
          ["batch@2.service", 200],
          ["batch@.service", 400],
          ["unknown.service", 422],
        ],
      );
      assert.equal(results[1]?.unit?.desiredState, "loaded");
      assert.match(results[2]?.detail ?? "", /template/);
      await waitUntil(
        "batch@1 running",
        async () => (await agent.client.getUnit("batch@1.service"))?.activeState === "active",
      );
      const tooMany = await http("POST", `${agent.url}/v1/units`, {
        headers: { authorization: `Bearer ${AGENT_TOKEN}` },
        json: {
          units: Array.from({ length: 101 }, (_, i) => ({
            name: `many@${i}.service`,
            desiredState: "loaded",
            hash: sleeper.hash,
          })),
        },
      });
      assert.equal(tooMany.status, 400);
      assert.deepEqual(
        (await agent.client.listUnits()).map((listed) => listed.name),
        ["batch@1.service", "batch@2.service"],
        "a refused call changes nothing",
      );
    } finally {
      await stopAgent(agent);
    }
  });
});
