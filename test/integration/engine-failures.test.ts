import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TestCluster } from "../support/cluster.ts";
import { testEtcdEndpoint } from "../support/etcd.ts";
import { EtcdProcess } from "../support/etcd-process.ts";
import { unitProcessesOf } from "../support/process.ts";
import { TcpProxy } from "../support/tcp-proxy.ts";
import { waitUntil } from "../support/wait.ts";

const sleeper = "[Service]\nExecStart=/bin/sleep 100000\n";

/** How long, past the presence TTL, a lost machine's units may take to run elsewhere. */
const RESCHEDULE_SLACK_MS = 20_000;

describe("the engine when things fail", () => {
  test("a killed agent's units run elsewhere; units on other machines are untouched", async () => {
    const cluster = await new TestCluster({
      ips: ["127.0.1.31", "127.0.1.32", "127.0.1.33"],
    }).start();
    try {
      await cluster.submit("pair@.service", `${sleeper}[X-Fleet]\nConflicts=pair@*.service\n`);
      await cluster.submit("side@.service", `${sleeper}[X-Fleet]\nMachineOf=pair@%i.service\n`);
      for (const i of [1, 2]) {
        await cluster.setState(`pair@${i}.service`, "launched");
        await cluster.setState(`side@${i}.service`, "launched");
      }
      const before = await Promise.all([1, 2].map((i) => cluster.launched(`pair@${i}.service`)));
      for (const i of [1, 2]) {
        const side = await cluster.launched(`side@${i}.service`);
        assert.equal(side.machineId, before[i - 1].machineId, "MachineOf keeps the pair together");
      }
      const survivorBefore = await cluster
        .agentOn(before[1].machineId)
        .client.getUnit("pair@2.service");
      const victim = cluster.agentOn(before[0].machineId);
      await victim.daemon.stop("SIGKILL");
      const moved = await cluster.waitFor(
        "pair@1.service",
        (unit) => unit.currentState === "launched" && unit.machineId !== victim.machineId,
        "running on another machine",
        3_000 + RESCHEDULE_SLACK_MS,
      );
      assert.notEqual(moved.machineId, before[1].machineId, "the conflict still holds");
      const side = await cluster.waitFor(
        "side@1.service",
        (unit) => unit.currentState === "launched" && unit.machineId === moved.machineId,
      );
      assert.equal(side.machineId, moved.machineId, "the pair moved together");
      const untouched = await cluster.unit("pair@2.service");
      assert.equal(untouched.machineId, before[1].machineId);
      const survivor = await cluster.agentOn(before[1].machineId).client.getUnit("pair@2.service");
      assert.equal(survivor?.restarts, 0);
      assert.equal(survivor?.since, survivorBefore?.since, "pair@2.service was not restarted");
    } finally {
      await cluster.stop();
    }
  });

  test("3 conflicting units on 4 machines: stopping one machine moves only its unit", async () => {
    const cluster = await new TestCluster({
      ips: ["127.0.1.31", "127.0.1.32", "127.0.1.33", "127.0.1.34"],
    }).start();
    try {
      await cluster.submit("spread@.service", `${sleeper}[X-Fleet]\nConflicts=spread@*.service\n`);
      for (const i of [1, 2, 3]) await cluster.setState(`spread@${i}.service`, "launched");
      const placed = await Promise.all(
        [1, 2, 3].map((i) => cluster.launched(`spread@${i}.service`)),
      );
      const sinceBefore = new Map<string, string>();
      for (const unit of placed) {
        const report = await cluster.agentOn(unit.machineId).client.getUnit(unit.name);
        sinceBefore.set(unit.name, report?.since ?? "");
      }
      const stopped = cluster.agentOn(placed[2].machineId);
      await stopped.daemon.stop("SIGTERM");
      const moved = await cluster.waitFor(
        placed[2].name,
        (unit) => unit.currentState === "launched" && unit.machineId !== stopped.machineId,
      );
      const used = new Set(placed.map((unit) => unit.machineId));
      assert.ok(!used.has(moved.machineId), "it went to the free machine");
      for (const unit of placed.slice(0, 2)) {
        const report = await cluster.agentOn(unit.machineId).client.getUnit(unit.name);
        assert.equal(report?.since, sinceBefore.get(unit.name), `${unit.name} was not restarted`);
      }
    } finally {
      await cluster.stop();
    }
  });

  test("an agent that restarts is given its units again, and stops the copies its predecessor left", async () => {
    const cluster = await new TestCluster({ ips: ["127.0.1.31"], presenceTtl: 30 }).start();
    try {
      await cluster.submit("again.service", sleeper);
      await cluster.setState("again.service", "launched");
      const running = await cluster.launched("again.service");
      const [agent] = cluster.agents;
      assert.ok(agent);
      await agent.daemon.stop("SIGKILL");
      // The same machine, restarted well within its 30 s presence TTL: it takes over its id.
      const restarted = await cluster.startAgentOn("127.0.1.31", [], agent.machineId);
      cluster.agents = [restarted];
      await waitUntil(
        "the unit running on the restarted agent",
        async () => (await restarted.client.getUnit("again.service"))?.activeState === "active",
      );
      assert.equal((await cluster.unit("again.service")).machineId, running.machineId);
      assert.equal(
        (await unitProcessesOf(agent.machineId)).length,
        1,
        "the killed agent's copy was stopped; only the restarted agent's runs",
      );
    } finally {
      await cluster.stop();
    }
  });

  test("an agent cut off from etcd keeps its units running and rejoins without duplicates", async () => {
    const proxies = [TcpProxy.forUrl(testEtcdEndpoint()), TcpProxy.forUrl(testEtcdEndpoint())];
    await Promise.all(proxies.map((proxy) => proxy.start()));
    const cluster = await new TestCluster({
      ips: ["127.0.1.35", "127.0.1.36"],
      agentEtcd: proxies.map((proxy) => proxy.url),
    }).start();
    try {
      await cluster.submit("isolated.service", sleeper);
      await cluster.setState("isolated.service", "launched");
      const first = await cluster.launched("isolated.service");
      const cutIndex = cluster.agents.findIndex((agent) => agent.machineId === first.machineId);
      const cutAgent = cluster.agents[cutIndex];
      const proxy = proxies[cutIndex];
      assert.ok(cutAgent && proxy);
      proxy.cut();
      const moved = await cluster.waitFor(
        "isolated.service",
        (unit) => unit.currentState === "launched" && unit.machineId !== cutAgent.machineId,
        "running on the other machine",
        3_000 + RESCHEDULE_SLACK_MS,
      );
      assert.equal(
        (await cutAgent.client.getUnit("isolated.service"))?.activeState,
        "active",
        "kept running while cut off",
      );
      proxy.restore();
      await waitUntil(
        "the cut-off machine back and its copy stopped",
        async () => {
          const machines = await cluster.machines();
          const copy = await cutAgent.client.getUnit("isolated.service");
          return machines.length === 2 && (copy === undefined || copy.activeState === "inactive");
        },
        30_000,
      );
      const unit = await cluster.unit("isolated.service");
      assert.equal(unit.machineId, moved.machineId, "it stays where it moved");
      assert.equal(unit.currentState, "launched");
    } finally {
      await cluster.stop();
      await Promise.all(proxies.map((proxy) => proxy.stop()));
    }
  });

  test("the leader stopping in the middle of a batch of starts: no unit lost or started twice", async () => {
    const cluster = await new TestCluster({
      ips: ["127.0.1.31", "127.0.1.32", "127.0.1.33"],
      servers: 2,
    }).start();
    try {
      await cluster.submit("batch@.service", sleeper);
      const names = Array.from({ length: 24 }, (_, i) => `batch@${i}.service`);
      const leaderIndex = await waitUntil("a leader", () => {
        const index = cluster.servers.findIndex((server) => server.controlPlane.engine.isLeader);
        return index >= 0 ? index : undefined;
      });
      const follower = cluster.servers[1 - leaderIndex];
      assert.ok(follower);
      await Promise.all(names.map((name) => cluster.setState(name, "launched")));
      const [leader] = cluster.servers.splice(leaderIndex, 1);
      await leader?.close();
      for (const name of names) await cluster.launched(name);
      for (const name of names) {
        const unit = await cluster.unit(name);
        const holders = await Promise.all(
          cluster.agents.map((agent) => agent.client.getUnit(name)),
        );
        const running = holders.filter((report) => report?.activeState === "active");
        assert.equal(running.length, 1, `${name} runs exactly once`);
        assert.equal(running[0]?.restarts, 0);
        assert.equal(
          holders.findIndex((report) => report?.activeState === "active"),
          cluster.agents.findIndex((agent) => agent.machineId === unit.machineId),
        );
      }
    } finally {
      await cluster.stop();
    }
  });

  test("a three-member etcd losing one member while units start", async () => {
    const etcd = new EtcdProcess(undefined, 3);
    await etcd.start();
    const cluster = await new TestCluster({
      ips: ["127.0.1.37", "127.0.1.38"],
      etcd: etcd.endpoints.join(","),
    }).start();
    try {
      await cluster.submit("quorum@.service", sleeper);
      const names = Array.from({ length: 10 }, (_, i) => `quorum@${i}.service`);
      for (const name of names.slice(0, 5)) await cluster.setState(name, "launched");
      await etcd.stopMember("member0");
      for (const name of names.slice(5)) {
        await waitUntil(`${name} accepted with one member down`, async () => {
          const response = await cluster.setState(name, "launched").catch(() => undefined);
          return response !== undefined;
        });
      }
      for (const name of names) await cluster.launched(name);
      await etcd.startMember("member0");
    } finally {
      await cluster.stop();
      await etcd.destroy();
    }
  });

  test("leader failover: another server leads, no unit is stopped", async () => {
    const cluster = await new TestCluster({
      ips: ["127.0.1.31", "127.0.1.32"],
      servers: 2,
    }).start();
    try {
      await cluster.submit("steady.service", sleeper);
      await cluster.setState("steady.service", "launched");
      const running = await cluster.launched("steady.service");
      const agent = cluster.agentOn(running.machineId);
      const since = (await agent.client.getUnit("steady.service"))?.since;
      const leaderIndex = await waitUntil("a leader", () => {
        const index = cluster.servers.findIndex((server) => server.controlPlane.engine.isLeader);
        return index >= 0 ? index : undefined;
      });
      const [leader] = cluster.servers.splice(leaderIndex, 1);
      await leader?.close();
      const follower = cluster.servers[0];
      await waitUntil(
        "the other server leads",
        () => follower?.controlPlane.engine.isLeader === true,
        30_000,
      );
      await cluster.submit("after-failover.service", sleeper);
      await cluster.setState("after-failover.service", "launched");
      await cluster.launched("after-failover.service");
      assert.equal(
        (await agent.client.getUnit("steady.service"))?.since,
        since,
        "steady.service kept running",
      );
    } finally {
      await cluster.stop();
    }
  });

  test("etcd down for 60 s: containers keep running and nothing is stopped after it returns", async () => {
    const etcd = new EtcdProcess();
    await etcd.start();
    const cluster = await new TestCluster({
      ips: ["127.0.1.31", "127.0.1.32"],
      etcd: etcd.endpoint,
      presenceTtl: 5,
    }).start();
    try {
      await cluster.submit(
        "durable.service",
        "[Service]\nExecStart=/usr/bin/docker run --rm --name flotilla-durable-%m flotilla/busybox sleep 100000\n",
      );
      await cluster.setState("durable.service", "launched");
      const running = await cluster.launched("durable.service", 120_000);
      const agent = cluster.agentOn(running.machineId);
      const since = (await agent.client.getUnit("durable.service"))?.since;
      await etcd.stop();
      await new Promise((resolve) => setTimeout(resolve, 60_000));
      const during = await agent.client.getUnit("durable.service");
      assert.equal(during?.activeState, "active", "the unit kept running without etcd");
      await etcd.start();
      await waitUntil(
        "the server in sync again",
        async () => {
          const unit = await cluster.unit("durable.service").catch(() => undefined);
          return unit?.currentState === "launched";
        },
        60_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      const after = await agent.client.getUnit("durable.service");
      assert.equal(after?.activeState, "active");
      assert.equal(after?.since, since, "never stopped or restarted");
      assert.equal(
        (await cluster.unit("durable.service")).machineId,
        running.machineId,
        "not moved",
      );
    } finally {
      await cluster.stop();
      await etcd.destroy();
    }
  });
});
