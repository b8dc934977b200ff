import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { TestCluster } from "../support/cluster.ts";
import { startLeaderProcess } from "../support/server.ts";
import { waitUntil } from "../support/wait.ts";

describe("the engine's leader killed", () => {
  test("SIGKILL in the middle of a batch of 24 starts: the other server takes over, every unit runs exactly once", async (t) => {
    // Each start of a unit's main process appends the machine it runs on to the unit's file.
    const starts = await mkdtemp(join(tmpdir(), "flotilla-starts-"));
    const cluster = new TestCluster({ ips: ["127.0.2.21", "127.0.2.22", "127.0.2.23"] });
    // Started before the cluster's own server, so that it wins the election.
    const leader = await startLeaderProcess(cluster.prefix);
    try {
      await cluster.start();
      const [follower] = cluster.servers;
      assert.ok(follower);
      assert.equal(follower.controlPlane.engine.isLeader, false, "the process leads");
      await cluster.submit(
        "batch@.service",
        `[Service]\nExecStart=/bin/sh -c "echo %m >> ${starts}/%i; exec sleep 100000"\n`,
      );
      const names = Array.from({ length: 24 }, (_, i) => `batch@${i}.service`);
      // Half the batch is asked for, the leader dies once it has started on it, and the rest
      // is asked for while no server leads: the kill falls in the middle of the batch whatever
      // the timing.
      await Promise.all(names.slice(0, 12).map((name) => cluster.setState(name, "launched")));
      const asked = await waitUntil("the leader placing the batch", async () => {
        const units = await Promise.all(names.slice(0, 12).map((name) => cluster.unit(name)));
        return units.some((unit) => unit.machineId !== undefined) && units;
      });
      assert.equal(await leader.daemon.stop("SIGKILL"), null, "killed, not exited");
      t.diagnostic(
        `when the leader was killed, ${asked.filter((unit) => unit.machineId).length} of the first 12 units were placed and ${asked.filter((unit) => unit.currentState === "launched").length} launched`,
      );
      await Promise.all(names.slice(12).map((name) => cluster.setState(name, "launched")));
      await waitUntil(
        "the other server to lead",
        () => follower.controlPlane.engine.isLeader,
        30_000,
      );

      for (const name of names) await cluster.launched(name);
      for (const [i, name] of names.entries()) {
        const unit = await cluster.unit(name);
        const lines = (await readFile(join(starts, String(i)), "utf8")).trim().split("\n");
        assert.deepEqual(lines, [unit.machineId], `${name} started once, where it is placed`);
        const reports = await Promise.all(
          cluster.agents.map((agent) => agent.client.getUnit(name)),
        );
        const holders = cluster.agents.filter((_, j) => reports[j] !== undefined);
        assert.deepEqual(
          holders.map((agent) => agent.machineId),
          [unit.machineId],
          `${name} is on one machine only`,
        );
        const report = reports.find((candidate) => candidate !== undefined);
        assert.equal(report?.activeState, "active");
        assert.equal(report?.restarts, 0);
      }
    } finally {
      await leader.daemon.stop("SIGKILL");
      await cluster.stop();
      await rm(starts, { recursive: true, force: true });
    }
  });
});
