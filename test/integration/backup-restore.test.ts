// Backup and restore on a real cluster: a server, an agent on 127.0.8.21, a container unit and
// a process unit. `flotilla backup` saves the cluster; etcd then loses everything under the
// cluster's prefix, leases included, as a replaced etcd would. The agent announces itself
// again and reports its units, which run on: with no cluster record, the engine stops nothing.
// `flotilla restore` brings the units, desired states and history back, and the agent's units
// are the ones the backup describes, so nothing restarts.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { docker, type TestAgent } from "../support/agents.ts";
import { TestCluster } from "../support/cluster.ts";
import { rawEtcd } from "../support/etcd.ts";
import { http } from "../support/http.ts";
import { runFlotilla, unitProcessesOf } from "../support/process.ts";
import { waitUntil } from "../support/wait.ts";

const IP = "127.0.8.21";
const TAG = randomBytes(4).toString("hex");
const CONTAINER = `flotilla-restore-${TAG}`;

const WEB = `[Service]
ExecStartPre=-/usr/bin/docker rm -f ${CONTAINER}
ExecStart=/usr/bin/docker run --rm --name ${CONTAINER} flotilla/busybox sleep 100000
ExecStop=/usr/bin/docker stop -t 2 ${CONTAINER}
`;
const WORKER = "[Service]\nExecStart=/bin/sleep 100001\n";
const IDLE = "[Service]\nExecStart=/bin/sleep 100002\n";

describe("backup and restore", () => {
  let cluster: TestCluster;
  let agent: TestAgent;
  let workDir: string;
  const etcd = rawEtcd();

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), "flotilla-backup-"));
    cluster = await new TestCluster({ ips: [IP], presenceTtl: 5 }).start();
    agent = cluster.agents[0] as TestAgent;
    await cluster.submit("web.service", WEB);
    await cluster.submit("worker.service", WORKER);
    await cluster.submit("idle.service", IDLE);
    await cluster.setState("web.service", "launched");
    await cluster.setState("worker.service", "launched");
    await cluster.launched("web.service", 120_000);
    await cluster.launched("worker.service");
  });

  after(async () => {
    await cluster?.stop();
    etcd.close();
    await rm(workDir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => runFlotilla(args, { FLOTILLA_ENDPOINT: cluster.url });

  async function running() {
    const container = await docker.getContainer(CONTAINER).inspect();
    assert.ok(container.State.Running);
    return {
      container: container.Id,
      startedAt: container.State.StartedAt,
      processes: (await unitProcessesOf(agent.machineId)).sort(),
    };
  }

  test("etcd loses everything: the units run on, and a restore brings the cluster back untouched", async () => {
    const file = join(workDir, "backup.json");
    const saved = await cli("backup", file);
    assert.equal(saved.code, 0, saved.stderr);
    assert.match(saved.stderr + saved.stdout, /Backed up 3 units \(\d+ keys, etcd revision \d+\)/);
    const backup = JSON.parse(await readFile(file, "utf8"));
    assert.equal(backup.format, "flotilla-backup");
    const history = (await http("GET", `${cluster.url}/v1/unit-files/web.service/history`)).json;
    const before = await running();

    // As a replaced etcd: every key of the cluster's gone, and the leases they were under.
    const kvs = (await etcd.getAll().prefix(cluster.prefix).exec()).kvs;
    const leases = new Set(kvs.map((kv) => kv.lease).filter((lease) => lease !== "0"));
    for (const lease of leases) await etcd.leaseClient.leaseRevoke({ ID: lease }).catch(() => {});
    await etcd.delete().prefix(cluster.prefix).exec();

    await waitUntil(
      "the agent announced again, reporting its units",
      async () => {
        const machines = await cluster.machines();
        const units = await agent.client.listUnits();
        return machines.length === 1 && units.length === 2;
      },
      30_000,
    );
    const list = await http("GET", `${cluster.url}/v1/units`);
    assert.deepEqual(list.json.units, [], "etcd holds no unit");
    // Several engine passes: nothing is stopped while etcd holds no cluster.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    assert.deepEqual(await running(), before, "the units ran on");

    const restored = await cli("restore", file);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stderr + restored.stdout, /the cluster holds 3 units/);
    for (const name of ["web.service", "worker.service"]) {
      const unit = await cluster.launched(name);
      assert.equal(unit.machineId, agent.machineId, `${name} placed where it runs`);
    }
    assert.equal((await cluster.unit("idle.service")).desiredState, "inactive");
    assert.deepEqual(
      (await http("GET", `${cluster.url}/v1/unit-files/web.service/history`)).json,
      history,
      "its history is back",
    );
    // A few passes more: the restored units are the agent's, so none restarts.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.deepEqual(await running(), before, "nothing restarted");

    const again = await cli("restore", file);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr + again.stdout, /Restored 0 keys/);
  });

  test("a restore into a cluster with other units is refused, and writes nothing", async () => {
    const file = join(workDir, "other.json");
    await writeBackup(file, cluster, "units/other.service");
    const refused = await cli("restore", file);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /units\/web\.service/);
    assert.deepEqual(
      (await http("GET", `${cluster.url}/v1/units`)).json.units.map((unit: any) => unit.name),
      ["idle.service", "web.service", "worker.service"],
    );
  });
});

/** A backup of this cluster with one unit renamed: the cluster's own units are not in it. */
async function writeBackup(file: string, cluster: TestCluster, renamed: string): Promise<void> {
  const backup = (await http("GET", `${cluster.url}/v1/backup`)).json;
  const keys = backup.keys.filter((entry: any) => !entry.key.startsWith("units/"));
  const web = backup.keys.find((entry: any) => entry.key === "units/web.service");
  keys.push({ key: renamed, value: web.value.replace("web.service", "other.service") });
  await writeFile(file, JSON.stringify({ ...backup, keys }));
}
