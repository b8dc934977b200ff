// Rolling updates on a real cluster: three agents on 127.0.6.11-13, the local Docker engine,
// two versions of a web image built here, and six instances of web@.service, each announced
// by a health-gated sidekick. A client polls the announced addresses every 100 ms throughout
// and asks each for its page: what it sees is what a load balancer reading etcd would see.
// The engine's leader is a `flotilla server` process of its own, so that it can be killed.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Etcd3 } from "etcd3";
import { TestCluster } from "../support/cluster.ts";
import { rawEtcd } from "../support/etcd.ts";
import { http } from "../support/http.ts";
import { buildImage, removeImage } from "../support/images.ts";
import { startLeaderProcess } from "../support/server.ts";
import { waitUntil } from "../support/wait.ts";

const IPS = ["127.0.6.11", "127.0.6.12", "127.0.6.13"];
const PORTS = [18101, 18102, 18103, 18104, 18105, 18106];
/**
 * The canary the first rollout starts beside the six: the port after the highest. A later one
 * takes the next while a machine still reports the last (its container may still be stopping).
 */
const CANARY = "web@18107.service";
const CANARY_SIDEKICK = "web-announce@18107.service";
const ANY_CANARY = /^web@181(0[7-9]|[1-9]\d)\.service$/;
const ANNOUNCED = "/flotilla-test/rollout-web/";

/** `${NAME}` as a unit file writes it. */
function braced(name: string): string {
  return ["$", "{", name, "}"].join("");
}

function webUnit(image: string, checkedPage = "index.html"): string {
  return `[Unit]
Description=web %i
[Service]
ExecStart=/usr/bin/docker run --rm -p ${braced("COREOS_PUBLIC_IPV4")}:%i:80 ${image}
[X-Health]
HTTPGet=http://${braced("COREOS_PUBLIC_IPV4")}:%i/${checkedPage}
IntervalSec=1s
UnhealthyThreshold=3
`;
}

const ANNOUNCER = `[Unit]
BindsTo=web@%i.service
After=web@%i.service
[Service]
ExecStart=/bin/sh -c "while true; do etcdctl set ${ANNOUNCED}%i ${braced("COREOS_PUBLIC_IPV4")}:%i --ttl 60; sleep 45; done"
[X-Fleet]
MachineOf=web@%i.service
`;

const V1 = "flotilla-test/rollout-web:v1";
const V2 = "flotilla-test/rollout-web:v2";

/** What one sample saw: the pages of the addresses announced then, and any request that failed. */
interface Sample {
  announced: number;
  answered: string[];
  failures: string[];
}

/**
 * Every 100 ms: reads the announced addresses from etcd, then asks each for its page. Stops
 * when told; the samples are then checked against the invariant.
 */
function poll(etcd: Etcd3): { stop: () => Promise<Sample[]> } {
  const samples: Sample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const addresses = Object.values(await etcd.getAll().prefix(ANNOUNCED).strings());
      const answers = await Promise.all(
        addresses.map(async (address) => {
          try {
            const response = await fetch(`http://${address}/index.html`, {
              signal: AbortSignal.timeout(5000),
            });
            const body = (await response.text()).trim();
            return response.ok ? { body } : { failure: `${address}: HTTP ${response.status}` };
          } catch (error) {
            return { failure: `${address}: ${(error as Error).message}` };
          }
        }),
      );
      samples.push({
        announced: addresses.length,
        answered: answers.flatMap((answer) => (answer.body === undefined ? [] : [answer.body])),
        failures: answers.flatMap((answer) =>
          answer.failure === undefined ? [] : [answer.failure],
        ),
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

describe("rolling updates on a cluster", () => {
  let cluster: TestCluster;
  let leader: Awaited<ReturnType<typeof startLeaderProcess>>;
  let etcd: Etcd3;
  let workDir: string;
  const instances = PORTS.map((port) => `web@${port}.service`);

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), "flotilla-rollout-"));
    for (const [tag, page] of [
      [V1, "v1"],
      [V2, "v2"],
    ] as const)
      await buildImage(
        tag,
        {
          Dockerfile: `FROM flotilla/busybox\nCOPY index.html /www/index.html\nCMD ["httpd", "-f", "-p", "80", "-h", "/www"]\n`,
          "index.html": `${page}\n`,
        },
        workDir,
      );
    etcd = rawEtcd();
    cluster = new TestCluster({ ips: IPS });
    // Started before the cluster's own server, so that it leads: the last test kills it.
    leader = await startLeaderProcess(cluster.prefix);
    await cluster.start();
    await cluster.submit("web@.service", webUnit(V1));
    await cluster.submit("web-announce@.service", ANNOUNCER);
    for (const port of PORTS) {
      await cluster.setState(`web@${port}.service`, "launched");
      await cluster.setState(`web-announce@${port}.service`, "launched");
    }
    await allServing("v1");
  });
  after(async () => {
    await leader?.daemon.stop("SIGKILL");
    await cluster?.stop();
    etcd?.close();
    await removeImage(V1);
    await removeImage(V2);
    await rm(workDir, { recursive: true, force: true });
  });

  /** Every instance healthy, announced, and serving `page`. */
  async function allServing(page: string): Promise<void> {
    for (const name of instances)
      await cluster.waitFor(name, (unit) => unit.health?.status === "healthy", "healthy", 120_000);
    await waitUntil(
      `six instances announced, serving ${page}`,
      async () => {
        const addresses = Object.values(await etcd.getAll().prefix(ANNOUNCED).strings());
        if (addresses.length !== PORTS.length) return false;
        const pages = await Promise.all(
          addresses.map(async (address) =>
            (
              await fetch(`http://${address}/index.html`).then((response) => response.text())
            ).trim(),
          ),
        );
        return pages.every((served) => served === page);
      },
      60_000,
    );
  }

  async function rollout(id: string): Promise<any> {
    return (await http("GET", `${cluster.url}/v1/rollouts/${id}`)).json;
  }

  async function ended(id: string, deadlineMs = 240_000): Promise<any> {
    return explained(
      id,
      waitUntil(
        `rollout ${id} to end`,
        async () => {
          const current = await rollout(id);
          return ["succeeded", "failed", "reverted", "aborted"].includes(current.phase) && current;
        },
        deadlineMs,
      ),
    );
  }

  /** A wait on a rollout that, timed out, says where the rollout and its units were. */
  async function explained<T>(id: string, wait: Promise<T>): Promise<T> {
    try {
      return await wait;
    } catch (error) {
      const units = (await http("GET", `${cluster.url}/v1/units`)).json.units.map(
        (unit: any) =>
          `${unit.name} ${unit.hash?.slice(0, 7)} ${unit.machineId?.slice(0, 8)} ${unit.activeState}/${unit.subState} ${unit.health?.status ?? "-"} ${unit.reason ?? ""}`,
      );
      const current = await rollout(id);
      const inFlight = current.instances.filter((instance: any) =>
        ["replacing", "draining", "failed"].includes(instance.step),
      );
      const logs = await Promise.all(
        inFlight.map(
          async (instance: any) =>
            `${instance.name}:\n${(await http("GET", `${cluster.url}/v1/units/${instance.name}/logs?lines=20`)).text}`,
        ),
      );
      const leaderLog = leader.daemon.output().split("\n").slice(-40).join("\n");
      throw new Error(
        `${(error as Error).message}\nrollout: ${JSON.stringify(current, null, 1)}\nunits:\n${units.join("\n")}\nlogs:\n${logs.join("\n")}\nleader:\n${leaderLog}`,
      );
    }
  }

  /** A rollout's canary never outlives it: its units and its sidekicks are destroyed. */
  async function assertCanaryGone(): Promise<void> {
    const { json } = await http("GET", `${cluster.url}/v1/units`);
    assert.deepEqual(
      json.units.map((unit: any) => unit.name).filter((name: string) => !/@1810[1-6]\./.test(name)),
      [],
      "only the six and their sidekicks are left",
    );
  }

  const templateHash = async () =>
    (await http("GET", `${cluster.url}/v1/unit-files/web@.service`)).json.hash as string;

  let firstRollout: any;

  test("6 instances, 2 at a time: at least 4 healthy and announced answer at every sample, and no announced address fails", async () => {
    const poller = poll(etcd);
    const started = await http("POST", `${cluster.url}/v1/rollouts`, {
      json: {
        target: "web@.service",
        text: webUnit(V2),
        options: { maxParallel: 2, canaries: 1, minHealthySeconds: 2, drainSeconds: 2 },
      },
    });
    assert.equal(started.status, 201, started.text);
    assert.equal(started.json.phase, "canary");
    assert.deepEqual(
      started.json.instances.map((instance: any) => instance.name),
      [CANARY, ...instances],
    );
    assert.deepEqual(started.json.instances[0].companions, [
      { name: CANARY_SIDEKICK, hash: (await cluster.unit("web-announce@18101.service")).hash },
    ]);
    firstRollout = await ended(started.json.id);
    const samples = await poller.stop();
    assert.equal(firstRollout.phase, "succeeded", firstRollout.reason);
    const [canary, ...replaced] = firstRollout.instances;
    assert.deepEqual([canary.step, canary.detail], ["removed", "replaced"]);
    assert.ok(replaced.every((instance: any) => instance.step === "done"));
    const most = Math.max(...samples.map((sample) => sample.answered.length));
    assert.equal(most, 7, "the canary served beside the six, announced by its own sidekick");

    const failures = samples.flatMap((sample) => sample.failures);
    assert.deepEqual(failures, [], "no request to an announced address failed");
    const fewest = Math.min(...samples.map((sample) => sample.answered.length));
    assert.ok(fewest >= 4, `at least 4 answered at every sample; once only ${fewest}`);
    assert.ok(samples.length > 20, `sampled throughout (${samples.length} samples)`);
    const pages = new Set(samples.flatMap((sample) => sample.answered));
    assert.deepEqual([...pages].sort(), ["v1", "v2"], "both versions served along the way");

    await allServing("v2");
    await assertCanaryGone();
    assert.equal(await templateHash(), firstRollout.toHash, "the template has the new content");
    for (const name of instances)
      assert.equal((await cluster.unit(name)).hash, firstRollout.toHash, `${name} replaced`);
  });

  test("a version whose check never passes halts at its canary and reverts; the old one serves throughout", async () => {
    const before = await templateHash();
    const poller = poll(etcd);
    const started = await http("POST", `${cluster.url}/v1/rollouts`, {
      json: {
        target: "web@.service",
        text: webUnit(V2, "missing.html"),
        options: {
          maxParallel: 2,
          canaries: 1,
          minHealthySeconds: 2,
          healthyDeadlineSeconds: 60,
          drainSeconds: 1,
        },
      },
    });
    assert.equal(started.status, 201, started.text);
    const overlapping = await http("POST", `${cluster.url}/v1/rollouts`, {
      json: { target: "web@.service", text: webUnit(V1) },
    });
    assert.equal(overlapping.status, 409);
    assert.match(overlapping.json.detail, new RegExp(`rollout ${started.json.id}`));

    const result = await ended(started.json.id);
    const samples = await poller.stop();
    assert.equal(result.phase, "reverted", JSON.stringify(result));
    assert.match(result.reason, /^web@181\d\d\.service: unhealthy/);
    const [canary, ...old] = result.instances;
    assert.match(canary.name, ANY_CANARY);
    assert.deepEqual([canary.step, canary.detail], ["removed", "reverted"]);
    assert.ok(
      old.every((instance: any) => instance.step === "pending"),
      "no old instance was touched",
    );

    assert.deepEqual(
      samples.flatMap((sample) => sample.failures),
      [],
    );
    const fewest = Math.min(...samples.map((sample) => sample.answered.length));
    assert.ok(fewest >= 6, `the six served throughout; once only ${fewest}`);
    assert.deepEqual(
      [...new Set(samples.flatMap((sample) => sample.answered))],
      ["v2"],
      "only the old version served",
    );

    // Nothing lost: the template, every instance and every sidekick as they were.
    assert.equal(await templateHash(), before);
    const { json } = await http("GET", `${cluster.url}/v1/units`);
    assert.equal(json.units.length, PORTS.length * 2);
    for (const name of instances) assert.equal((await cluster.unit(name)).hash, before);
    await assertCanaryGone();
    await allServing("v2");
  });

  test("the leader killed mid-rollout: the other server carries the revert on to the end", async () => {
    const reverting = await http("POST", `${cluster.url}/v1/rollouts/${firstRollout.id}/revert`);
    assert.equal(reverting.status, 201, reverting.text);
    assert.equal(reverting.json.revertOf, firstRollout.id);
    const { id } = reverting.json;
    const poller = poll(etcd);
    await explained(
      id,
      waitUntil(
        "an instance put back",
        async () => (await rollout(id)).instances.some((instance: any) => instance.step === "done"),
        120_000,
      ),
    );
    assert.equal(await leader.daemon.stop("SIGKILL"), null, "killed, not exited");
    const [follower] = cluster.servers;
    await waitUntil(
      "the other server to lead",
      () => follower?.controlPlane.engine.isLeader,
      30_000,
    );
    const result = await ended(id);
    const samples = await poller.stop();
    assert.equal(result.phase, "succeeded", result.reason);
    assert.deepEqual(
      samples.flatMap((sample) => sample.failures),
      [],
    );
    const fewest = Math.min(...samples.map((sample) => sample.answered.length));
    assert.ok(fewest >= 4, `two at a time (the options it reverts): once only ${fewest}`);
    await allServing("v1");
    await assertCanaryGone();
    for (const name of instances)
      assert.equal((await cluster.unit(name)).hash, result.toHash, `${name} back on v1`);
  });
});
