import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { unitHash } from "../../src/unit/hash.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { serializeUnitFile } from "../../src/unit/serialize.ts";
import { removeContainersOf, startAgent, stopAgent, type TestAgent } from "../support/agents.ts";
import { freshPrefix, rawEtcd, testEtcdEndpoint } from "../support/etcd.ts";
import { waitUntil } from "../support/wait.ts";

/** `${NAME}` as a unit file writes it. */
function braced(name: string): string {
  return ["$", "{", name, "}"].join("");
}

function unit(text: string): { text: string; hash: string } {
  const parsed = parseUnitFile(text);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return { text: serializeUnitFile(parsed.file), hash: unitHash(parsed.file) };
}

describe("the agent's executor", () => {
  let agent: TestAgent;
  let workDir: string;
  const prefix = freshPrefix();

  before(async () => {
    agent = await startAgent({ ip: "127.0.0.12", etcd: testEtcdEndpoint(), prefix });
    workDir = await mkdtemp(join(tmpdir(), "flotilla-executor-"));
  });
  after(async () => {
    await stopAgent(agent);
    await removeContainersOf(agent.machineId);
    await rm(workDir, { recursive: true, force: true });
  });

  async function launch(name: string, text: string) {
    return agent.client.applyUnit(name, { desiredState: "launched", ...unit(text) });
  }

  async function settled(
    name: string,
    accept: (state: { activeState: string; subState: string }) => boolean,
  ) {
    return waitUntil(
      `${name} to settle`,
      async () => {
        const found = await agent.client.getUnit(name);
        return found && accept(found) ? found : undefined;
      },
      60_000,
    );
  }

  test("a failing ExecStartPre without '-' fails the unit and names the command", async () => {
    await launch(
      "pre-fails.service",
      "[Service]\nExecStartPre=-/bin/false\nExecStartPre=/bin/sh -c 'exit 7'\nExecStart=/bin/sleep 100\n",
    );
    const failed = await settled("pre-fails.service", (state) => state.activeState === "failed");
    assert.equal(failed.subState, "failed");
    assert.match(failed.error ?? "", /ExecStartPre=\/bin\/sh -c 'exit 7' failed: exit status 7/);
  });

  test("an image that cannot be pulled fails with the registry's message", async () => {
    await launch(
      "no-image.service",
      "[Service]\nExecStartPre=/usr/bin/docker pull flotilla-test/does-not-exist\nExecStart=/bin/sleep 100\n",
    );
    const failed = await settled("no-image.service", (state) => state.activeState === "failed");
    assert.match(
      failed.error ?? "",
      /ExecStartPre=\/usr\/bin\/docker pull flotilla-test\/does-not-exist failed: Error response from daemon/,
    );
    const log = await (await agent.client.logs("no-image.service")).text();
    assert.match(log, /pulling flotilla-test\/does-not-exist:latest/);
  });

  test("Restart=on-failure restarts a failing main process", async () => {
    await launch(
      "flaky.service",
      "[Service]\nExecStart=/bin/sh -c 'sleep 0.2; exit 3'\nRestart=on-failure\nRestartSec=200ms\n",
    );
    const restarted = await waitUntil("two restarts", async () => {
      const found = await agent.client.getUnit("flaky.service");
      return found && found.restarts >= 2 ? found : undefined;
    });
    assert.ok(restarted.restarts >= 2);
    await agent.client.applyUnit("flaky.service", {
      desiredState: "inactive",
      hash: restarted.hash,
    });
  });

  test("a oneshot runs its commands in turn and completes", async () => {
    const marker = join(workDir, "oneshot");
    await launch(
      "once.service",
      `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo one >> ${marker}'\nExecStart=/bin/sh -c 'echo two >> ${marker}'\n`,
    );
    await settled(
      "once.service",
      (state) => state.activeState === "inactive" && state.subState === "dead",
    );
    const { readFile } = await import("node:fs/promises");
    assert.equal(await readFile(marker, "utf8"), "one\ntwo\n");
    await launch(
      "kept.service",
      "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n",
    );
    await settled(
      "kept.service",
      (state) => state.activeState === "active" && state.subState === "exited",
    );
  });

  test("EnvironmentFile= must exist unless written with '-'; Environment= and $VAR expand", async () => {
    const file = join(workDir, "env");
    await writeFile(file, "GREETING=hello from a file\n");
    const out = join(workDir, "env-out");
    await launch(
      "env.service",
      `[Service]\nType=oneshot\nEnvironment="NAME=flotilla" OTHER=x\nEnvironmentFile=${file}\nEnvironmentFile=-${join(workDir, "absent")}\nExecStart=/bin/sh -c 'echo "$GREETING, $NAME ${braced("OTHER")} $COREOS_PUBLIC_IPV4" > ${out}'\n`,
    );
    await settled("env.service", (state) => state.activeState === "inactive");
    const { readFile } = await import("node:fs/promises");
    assert.equal((await readFile(out, "utf8")).trim(), "hello from a file, flotilla x 127.0.0.12");

    await launch(
      "env-missing.service",
      `[Service]\nEnvironmentFile=${join(workDir, "absent")}\nExecStart=/bin/sleep 100\n`,
    );
    const failed = await settled("env-missing.service", (state) => state.activeState === "failed");
    assert.match(failed.error ?? "", /EnvironmentFile=.*absent cannot be read: ENOENT/);
  });

  test("a plain process unit runs until stopped, and its output is its log", async () => {
    await launch(
      "talker.service",
      "[Service]\nExecStart=/bin/sh -c 'echo hello from talker; exec sleep 1000'\n",
    );
    await settled(
      "talker.service",
      (state) => state.activeState === "active" && state.subState === "running",
    );
    await waitUntil("the output in the log", async () =>
      (await (await agent.client.logs("talker.service")).text()).includes("hello from talker"),
    );
    const current = await agent.client.getUnit("talker.service");
    assert.ok(current);
    await agent.client.applyUnit("talker.service", { desiredState: "loaded", hash: current.hash });
    await settled(
      "talker.service",
      (state) => state.activeState === "inactive" && state.subState === "dead",
    );
  });

  test("etcdctl v2 command lines run natively, in units and in their scripts", async () => {
    const key = `/flotilla-test-etcdctl/${agent.machineId}`;
    await launch(
      "etcdctl.service",
      [
        "[Service]",
        "Type=oneshot",
        `ExecStart=/usr/bin/etcdctl set ${key}/a first`,
        `ExecStart=/usr/bin/etcdctl mk ${key}/b second --ttl 60`,
        `ExecStart=/usr/bin/etcdctl update ${key}/a changed`,
        `ExecStart=-/usr/bin/etcdctl mk ${key}/a refused`,
        `ExecStart=/bin/sh -c 'etcdctl get ${key}/a && etcdctl ls ${key}'`,
        `ExecStart=/usr/bin/etcdctl rm ${key}/b`,
        "",
      ].join("\n"),
    );
    const done = await settled("etcdctl.service", (state) => state.activeState !== "activating");
    assert.equal(done.activeState, "inactive", done.error);
    const etcd = rawEtcd();
    try {
      assert.equal(await etcd.get(`${key}/a`).string(), "changed");
      assert.equal(await etcd.get(`${key}/b`).string(), null);
    } finally {
      etcd.close();
    }
    const log = await (await agent.client.logs("etcdctl.service", { lines: 50 })).text();
    assert.match(log, /Error: {2}105: Key already exists/);
    assert.match(log, /changed\n.*\/a\n.*\/b/);
  });

  test("unit states are in etcd under the agent's lease", async () => {
    const etcd = rawEtcd();
    try {
      const state = await etcd.get(`${prefix}states/talker.service/${agent.machineId}`).json();
      assert.equal((state as any).activeState, "inactive");
      await agent.client.applyUnit("talker.service", {
        desiredState: "inactive",
        hash: (state as any).hash,
      });
      await waitUntil(
        "the state withdrawn",
        async () =>
          (await etcd.get(`${prefix}states/talker.service/${agent.machineId}`).string()) === null,
      );
    } finally {
      etcd.close();
    }
  });

  test("bad requests to the agent are refused", async () => {
    await assert.rejects(
      agent.client.applyUnit("x.service", { desiredState: "launched", hash: "0".repeat(40) }),
      /no unit content/,
    );
    await assert.rejects(
      agent.client.applyUnit("x.service", {
        desiredState: "launched",
        hash: "0".repeat(40),
        text: "[Service]\nExecStart=/bin/true\n",
      }),
      /does not have hash/,
    );
    await assert.rejects(
      agent.client.applyUnit("t@.service", {
        desiredState: "launched",
        ...unit("[Service]\nExecStart=/bin/true\n"),
      }),
      /template/,
    );
  });
});
