import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  docker,
  removeContainersOf,
  startAgent,
  stopAgent,
  type TestAgent,
  unitContent,
} from "../support/agents.ts";
import { freshPrefix, rawEtcd, testEtcdEndpoint } from "../support/etcd.ts";
import { waitUntil } from "../support/wait.ts";

/** `${NAME}` as a unit file writes it. */
function braced(name: string): string {
  return ["$", "{", name, "}"].join("");
}

describe("the agent's executor", () => {
  let agent: TestAgent;
  let workDir: string;
  const prefix = freshPrefix();

  before(async () => {
    agent = await startAgent({
      ip: "127.0.1.12",
      etcd: testEtcdEndpoint(),
      prefix,
      extraArgs: ["--state-check-interval", "2"],
    });
    workDir = await mkdtemp(join(tmpdir(), "flotilla-executor-"));
  });
  after(async () => {
    await stopAgent(agent);
    await removeContainersOf(agent.machineId);
    await rm(workDir, { recursive: true, force: true });
  });

  async function launch(name: string, text: string) {
    return agent.client.applyUnit(name, { desiredState: "launched", ...unitContent(text) });
  }

  async function settled(
    name: string,
    accept: (state: { activeState: string; subState: string; error?: string }) => boolean,
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

  test("a container the engine cannot start fails the unit with the engine's reason", async () => {
    // The port the container would publish is taken: the engine creates it but cannot start it.
    const taken = createServer().listen(0, "127.0.1.12");
    await once(taken, "listening");
    try {
      const { port } = taken.address() as AddressInfo;
      // Without --rm, the engine never reports such a container's exit; with --rm, only 128.
      for (const remove of ["", "--rm "]) {
        const name = `unstartable${remove ? "-rm" : ""}.service`;
        await launch(
          name,
          `[Service]\nExecStart=/usr/bin/docker run ${remove}-p 127.0.1.12:${port}:80 flotilla/busybox sleep 1000\n`,
        );
        const failed = await settled(name, (state) => state.activeState === "failed");
        assert.match(
          failed.error ?? "",
          /^ExecStart=\/usr\/bin\/docker run .* exited with Error response from daemon: .*127\.0\.1\.12/,
        );
      }
    } finally {
      taken.close();
    }
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

  test("the start limit fails a unit restarted too often; a start asked for begins afresh", async () => {
    const { text, hash } = unitContent(
      "[Unit]\nStartLimitBurst=3\nStartLimitIntervalSec=1min\n[Service]\nExecStart=/bin/false\nRestart=always\n",
    );
    await agent.client.applyUnit("looping.service", { desiredState: "launched", text, hash });
    const limited = await settled(
      "looping.service",
      (state) => state.activeState === "failed" && /too quickly/.test(state.error ?? ""),
    );
    assert.equal(limited.restarts, 3, "three starts, then the fourth is refused");
    assert.match(limited.error ?? "", /more than 3 starts within 60 s/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await agent.client.getUnit("looping.service"))?.restarts, 3, "no restart after");

    await agent.client.applyUnit("looping.service", { desiredState: "loaded", hash });
    await agent.client.applyUnit("looping.service", { desiredState: "launched", hash });
    await waitUntil("a new start, refused again after three", async () => {
      const state = await agent.client.getUnit("looping.service");
      return (
        state &&
        state.restarts > 3 &&
        state.activeState === "failed" &&
        /too quickly/.test(state.error ?? "")
      );
    });
    await agent.client.applyUnit("looping.service", { desiredState: "inactive", hash });
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
    assert.equal((await readFile(out, "utf8")).trim(), "hello from a file, flotilla x 127.0.1.12");

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

  test("TimeoutStartSec fails a start that takes too long; TimeoutStopSec ends in SIGKILL", async () => {
    await launch(
      "slow-start.service",
      "[Service]\nTimeoutStartSec=1\nExecStartPre=/bin/sleep 30\nExecStart=/bin/sleep 100\n",
    );
    const failed = await settled("slow-start.service", (state) => state.activeState === "failed");
    assert.match(failed.error ?? "", /ExecStartPre=\/bin\/sleep 30 timed out/);

    await launch(
      "stubborn.service",
      "[Service]\nTimeoutStopSec=1\nExecStart=/bin/sh -c 'trap \"\" TERM; echo ignoring TERM; while :; do sleep 0.1; done'\n",
    );
    const running = await settled("stubborn.service", (state) => state.activeState === "active");
    // A SIGTERM that came before the shell set its trap would end it at once.
    await waitUntil("the unit ignores SIGTERM", async () =>
      (await (await agent.client.logs("stubborn.service")).text()).includes("ignoring TERM"),
    );
    await agent.client.applyUnit("stubborn.service", {
      desiredState: "loaded",
      hash: running.hash,
    });
    await settled("stubborn.service", (state) => state.activeState === "inactive");
    const log = await (await agent.client.logs("stubborn.service")).text();
    assert.match(log, /did not stop in time; sending SIGKILL/);
  });

  test("Requires= with After= starts the dependency first; Wants= pulls a unit in", async () => {
    const ready = join(workDir, "db-ready");
    const db = unitContent(
      `[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c 'sleep 0.3; touch ${ready}'\n`,
    );
    const helper = unitContent("[Service]\nExecStart=/bin/sleep 1000\n");
    await agent.client.applyUnit("db.service", { desiredState: "loaded", ...db });
    await agent.client.applyUnit("helper.service", { desiredState: "loaded", ...helper });
    await launch(
      "app.service",
      `[Unit]\nRequires=db.service\nAfter=db.service\nWants=helper.service\n[Service]\nExecStart=/bin/sh -c 'test -e ${ready} && exec sleep 1000'\n`,
    );
    await settled(
      "app.service",
      (state) => state.activeState === "active" && state.subState === "running",
    );
    await settled(
      "db.service",
      (state) => state.activeState === "active" && state.subState === "exited",
    );
    await settled("helper.service", (state) => state.activeState === "active");
    const app = await agent.client.getUnit("app.service");
    await agent.client.applyUnit("app.service", { desiredState: "inactive", hash: app!.hash });
  });

  test("docker run flags reach the container; docker verbs run through the engine", async () => {
    const name = `flotilla-flags-${agent.machineId.slice(0, 8)}`;
    const envFile = join(workDir, "docker.env");
    await writeFile(envFile, "FROM_FILE=yes\n");
    await launch(
      "flags.service",
      [
        "[Service]",
        "Environment=LEVEL=debug",
        `ExecStartPre=-/usr/bin/docker rm -f ${name}`,
        `ExecStart=/usr/bin/docker run --name ${name} -p 127.0.1.12:18080:80 -p 127.0.1.12::81/udp -e MODE=test -e LEVEL --env-file ${envFile} -v ${workDir}:/data:ro --label team=web -w /data --hostname flagged --add-host db:127.0.1.1 --memory 64m --cpus 0.5 -u 0 --restart no flotilla/busybox sleep 1000`,
        `ExecStop=/usr/bin/docker stop -t 1 ${name}`,
        "",
      ].join("\n"),
    );
    await settled(
      "flags.service",
      (state) => state.activeState === "active" && state.subState === "running",
    );
    const info = await waitUntil("the container", () =>
      docker
        .getContainer(name)
        .inspect()
        .catch(() => undefined),
    );
    assert.deepEqual(info.Config.Cmd, ["sleep", "1000"]);
    assert.ok(info.Config.Env.includes("MODE=test"));
    assert.ok(info.Config.Env.includes("LEVEL=debug"), "-e NAME takes the unit's value");
    assert.ok(info.Config.Env.includes("FROM_FILE=yes"));
    assert.equal(info.Config.Labels.team, "web");
    assert.equal(info.Config.Labels["flotilla.unit"], "flags.service");
    assert.equal(info.Config.WorkingDir, "/data");
    assert.equal(info.Config.Hostname, "flagged");
    assert.equal(info.Config.User, "0");
    assert.deepEqual(info.HostConfig.PortBindings["80/tcp"], [
      { HostIp: "127.0.1.12", HostPort: "18080" },
    ]);
    assert.deepEqual(info.HostConfig.PortBindings["81/udp"], [
      { HostIp: "127.0.1.12", HostPort: "" },
    ]);
    assert.deepEqual(info.HostConfig.Binds, [`${workDir}:/data:ro`]);
    assert.deepEqual(info.HostConfig.ExtraHosts, ["db:127.0.1.1"]);
    assert.equal(info.HostConfig.Memory, 64 * 1024 * 1024);
    assert.equal(info.HostConfig.NanoCpus, 500_000_000);

    const running = await agent.client.getUnit("flags.service");
    await agent.client.applyUnit("flags.service", { desiredState: "loaded", hash: running!.hash });
    await settled("flags.service", (state) => state.activeState === "inactive");

    await launch(
      "verbs.service",
      [
        "[Service]",
        "Type=oneshot",
        `ExecStart=/usr/bin/docker create --name ${name}-v flotilla/busybox sleep 1000`,
        `ExecStart=/usr/bin/docker start ${name}-v`,
        `ExecStart=/usr/bin/docker restart -t 1 ${name}-v`,
        `ExecStart=/usr/bin/docker kill ${name}-v`,
        `ExecStart=/usr/bin/docker rm ${name}-v`,
        "",
      ].join("\n"),
    );
    const done = await settled("verbs.service", (state) => state.activeState !== "activating");
    assert.equal(done.activeState, "inactive", done.error);
    await assert.rejects(docker.getContainer(`${name}-v`).inspect(), /no such container/i);
  });

  test("logs can be followed as they are written", async () => {
    await launch(
      "ticker.service",
      "[Service]\nExecStart=/bin/sh -c 'i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.2; done'\n",
    );
    const controller = new AbortController();
    const body = await agent.client.logs("ticker.service", {
      lines: 0,
      follow: true,
      signal: controller.signal,
    });
    let seen = "";
    try {
      for await (const chunk of body) {
        seen += chunk.toString();
        if (/tick 3\b/.test(seen)) break;
      }
    } finally {
      controller.abort();
    }
    assert.match(seen, /tick \d+\n/);
    const ticker = await agent.client.getUnit("ticker.service");
    await agent.client.applyUnit("ticker.service", {
      desiredState: "inactive",
      hash: ticker!.hash,
    });
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

  test("a state etcd lost or changed is written again; a stale one of an absent unit is withdrawn", async () => {
    const key = (name: string) => `${prefix}states/${name}/${agent.machineId}`;
    const { text, hash } = unitContent("[Service]\nExecStart=/bin/sleep 100000\n");
    await agent.client.applyUnit("kept.service", { desiredState: "launched", text, hash });
    await settled("kept.service", (state) => state.activeState === "active");
    const etcd = rawEtcd();
    try {
      const written = await waitUntil(
        "the state written",
        async () => (await etcd.get(key("kept.service")).string()) ?? undefined,
      );
      await etcd.delete().key(key("kept.service")).exec();
      await waitUntil(
        "the deleted state written again",
        async () => (await etcd.get(key("kept.service")).string()) === written,
      );
      await etcd
        .put(key("kept.service"))
        .value(JSON.stringify({ activeState: "failed" }))
        .exec();
      await waitUntil(
        "the changed state corrected",
        async () => (await etcd.get(key("kept.service")).string()) === written,
      );

      // A report that outlived its unit: asked to make it inactive, the agent withdraws it.
      await etcd.put(key("ghost.service")).value(written.replace(/kept/g, "ghost")).exec();
      await agent.client.applyUnit("ghost.service", { desiredState: "inactive", hash });
      await waitUntil(
        "the stale state withdrawn",
        async () => (await etcd.get(key("ghost.service")).string()) === null,
      );
    } finally {
      etcd.close();
      await agent.client.applyUnit("kept.service", { desiredState: "inactive", hash });
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
        ...unitContent("[Service]\nExecStart=/bin/true\n"),
      }),
      /template/,
    );
  });
});
