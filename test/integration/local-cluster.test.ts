// `flotilla up` and `flotilla down`: a local cluster of real processes, started in the
// background, scaled, shown and stopped, all from its state directory. Agents on 127.0.4.x.
import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { testEtcdEndpoint } from "../support/etcd.ts";
import { http } from "../support/http.ts";
import { freePort, runFlotilla } from "../support/process.ts";
import { waitUntil } from "../support/wait.ts";

interface Shown {
  name: string;
  kind: string;
  running: boolean;
  pid?: number;
  address: string;
}

describe("flotilla up and down", () => {
  let stateDir: string;
  let api: string;
  const up = (...args: string[]) => runFlotilla(["up", `--state-dir=${stateDir}`, ...args]);
  const down = (...args: string[]) => runFlotilla(["down", `--state-dir=${stateDir}`, ...args]);
  async function status(): Promise<Shown[]> {
    const shown = await up("--status", "-o", "json");
    assert.equal(shown.code, 0, shown.stderr);
    return JSON.parse(shown.stdout);
  }
  const running = async () =>
    (await status()).filter((component) => component.running).map((component) => component.name);

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "flotilla-up-"));
    api = `127.0.0.1:${await freePort()}`;
  });
  after(async () => {
    await down();
    await rm(stateDir, { recursive: true, force: true });
  });

  test("up starts servers and agents in the background, and the cluster works", async () => {
    const started = await up(
      "--machines=2",
      "--servers=1",
      `--api=${api}`,
      "--machine-ip=127.0.4.11",
      `--etcd=${testEtcdEndpoint()}`,
    );
    assert.equal(started.code, 0, started.stderr);
    assert.match(
      started.stdout,
      /^started server-1 at http:\/\/127\.0\.0\.1:\d+\/ \(log .*server-1\.log\)$/m,
    );
    assert.match(started.stdout, /^started coreos-2 at 127\.0\.4\.12 /m);
    assert.match(started.stdout, /Flotilla is up\. State and logs: /);
    assert.match(started.stdout, new RegExp(`fleetctl --endpoint=http://${api} submit`));
    assert.deepEqual(await running(), ["server-1", "coreos-1", "coreos-2"]);
    await waitUntil("both machines present", async () => {
      const machines = (await http("GET", `http://${api}/v1/machines`)).json.machines;
      return machines.length === 2;
    });
    const { machines } = (await http("GET", `http://${api}/v1/machines`)).json;
    for (const machine of machines as { capacity: { cpus: number; memoryBytes: number } }[]) {
      assert.ok(machine.capacity.cpus >= 1, "each agent reports its machine's CPUs");
      assert.ok(machine.capacity.memoryBytes > 0, "and its memory");
    }
    const listed = await runFlotilla([
      "list-machines",
      `--endpoint=http://${api}`,
      "--fields=ip,metadata",
      "--no-legend",
    ]);
    // Listed by machine id, which is random.
    assert.deepEqual(listed.stdout.split("\n").sort(), [
      "",
      "127.0.4.11\tname=coreos-1",
      "127.0.4.12\tname=coreos-2",
    ]);
  });

  test("up again leaves what runs alone, and --machines scales the agents up and down", async () => {
    const again = await up();
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^server-1 already running \(pid \d+\)$/m);
    assert.doesNotMatch(again.stdout, /^started/m);

    const more = await up("--machines=3");
    assert.equal(more.code, 0, more.stderr);
    assert.match(more.stdout, /^started coreos-3 at 127\.0\.4\.13 /m);
    assert.deepEqual(await running(), ["server-1", "coreos-1", "coreos-2", "coreos-3"]);

    const fewer = await up("--machines=2");
    assert.equal(fewer.code, 0, fewer.stderr);
    assert.match(fewer.stdout, /^stopped coreos-3$/m);
    assert.deepEqual(await running(), ["server-1", "coreos-1", "coreos-2"]);
  });

  test("up refuses what it cannot do, in one line, changing nothing", async () => {
    const moved = await up("--api=127.0.0.1:1");
    assert.equal(moved.code, 2);
    assert.match(moved.stderr, /runs with other api: take it down first/);
    const tooMany = await up("--machines=101");
    assert.equal(tooMany.code, 2);
    assert.match(tooMany.stderr, /--machines 101: expected a whole number from 1 to 100/);
    assert.deepEqual(await running(), ["server-1", "coreos-1", "coreos-2"]);
  });

  test("up refuses an address where something else answers, and a state it cannot read", async () => {
    const other = createServer((_request, response) => response.end("ok")).listen(0, "127.0.0.1");
    await once(other, "listening");
    const elsewhere = await mkdtemp(join(tmpdir(), "flotilla-up-"));
    try {
      const taken = await runFlotilla([
        "up",
        `--state-dir=${elsewhere}`,
        "--servers=1",
        "--machines=1",
        `--api=127.0.0.1:${(other.address() as AddressInfo).port}`,
        "--machine-ip=127.0.4.21",
        `--etcd=${testEtcdEndpoint()}`,
      ]);
      assert.equal(taken.code, 1);
      assert.match(taken.stderr, /already answers .*\/readyz, but not as this cluster's server-1/);
      await writeFile(join(elsewhere, "cluster.json"), "{ not json");
      const unreadable = await runFlotilla(["down", `--state-dir=${elsewhere}`]);
      assert.equal(unreadable.code, 1);
      assert.match(unreadable.stderr, /cluster\.json is not JSON .*: remove it, or fix it/);
    } finally {
      other.close();
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  test("down stops every process and keeps the state unless --purge", async () => {
    const before = await status();
    const stopped = await down();
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, /^stopped coreos-1$/m);
    assert.match(stopped.stdout, /^stopped server-1$/m);
    assert.deepEqual(await running(), []);
    for (const { pid } of before) {
      assert.throws(() => process.kill(pid as number, 0), "the process is gone");
    }
    assert.ok((await readdir(stateDir)).includes("cluster.json"));
    const purged = await down("--purge");
    assert.equal(purged.code, 0, purged.stderr);
    await assert.rejects(readdir(stateDir));
  });
});
