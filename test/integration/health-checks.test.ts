// Health checks on a real cluster: a server, an agent on 127.0.5.11 and the local Docker
// engine. Units turn healthy, unhealthy and healthy again as what they serve comes and goes;
// RestartAfter= restarts a unit; a process unit is checked by a command on the machine; an
// image's own HEALTHCHECK is followed. Then the probes themselves, against servers here.
import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { MachineProbes } from "../../src/agent/health-probes.ts";
import { docker } from "../support/agents.ts";
import { TestCluster } from "../support/cluster.ts";
import { http } from "../support/http.ts";
import { buildImage, removeImage } from "../support/images.ts";
import { typeLine, userShell } from "../support/shell.ts";
import { waitUntil } from "../support/wait.ts";

const IP = "127.0.5.11";
/** An image with a HEALTHCHECK of its own, built from flotilla/busybox in the set-up. */
const CHECKED_IMAGE = "flotilla-test/healthcheck:local";

/** `${NAME}` as a unit file writes it. */
function braced(name: string): string {
  return ["$", "{", name, "}"].join("");
}

/**
 * httpd serves for a few seconds, then stops while the container runs on: its check fails
 * until RestartAfter= restarts it. No --name: the restarted container must not wait for the
 * engine to remove the first one's.
 */
const FLAKY = `[Service]
ExecStart=/usr/bin/docker run --rm flotilla/busybox sh -c 'mkdir -p /www && echo ok > /www/ok.html && httpd -p 80 -h /www && sleep 4 && killall httpd && sleep 100000'
[X-Health]
ContainerExecCheck=wget -q -O /dev/null http://127.0.0.1/ok.html
IntervalSec=1s
UnhealthyThreshold=2
RestartAfter=3
`;

describe("health checks on a cluster", () => {
  let cluster: TestCluster;
  let workDir: string;
  let shell: { workDir: string; binDir: string };

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), "flotilla-health-"));
    shell = await userShell();
    await buildImage(
      CHECKED_IMAGE,
      {
        Dockerfile:
          "FROM flotilla/busybox\nHEALTHCHECK --interval=1s --timeout=1s --retries=1 CMD test -f /tmp/healthy\n",
      },
      workDir,
    );
    cluster = await new TestCluster({ ips: [IP] }).start();
  });
  after(async () => {
    await cluster?.stop();
    await removeImage(CHECKED_IMAGE);
    await rm(workDir, { recursive: true, force: true });
    await rm(shell.workDir, { recursive: true, force: true });
  });

  const health = (name: string, status: string, deadlineMs?: number) =>
    cluster.waitFor(name, (unit) => unit.health?.status === status, `health ${status}`, deadlineMs);

  test("an HTTP check follows what the unit serves, in the API, the CLI and /metrics", async () => {
    await writeFile(join(workDir, "ok.html"), "ok\n");
    await cluster.submit(
      "web@.service",
      `[Service]
ExecStart=/usr/bin/docker run --rm --name health-web-%i -p ${braced("COREOS_PUBLIC_IPV4")}:%i:80 -v ${workDir}:/www:ro flotilla/busybox httpd -f -p 80 -h /www
[X-Health]
HTTPGet=http://${braced("COREOS_PUBLIC_IPV4")}:%i/ok.html
IntervalSec=1s
UnhealthyThreshold=2
`,
    );
    await cluster.setState("web@18081.service", "launched");
    await cluster.launched("web@18081.service");
    const healthy = await health("web@18081.service", "healthy");
    assert.equal(healthy.health.probe, "http");
    assert.match(healthy.health.lastOutput, /^HTTP 200 OK/);

    const listed = await typeLine("fleetctl list-units --fields=unit,health --no-legend", shell, {
      FLEETCTL_ENDPOINT: cluster.url,
    });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^web@18081\.service\s+healthy$/m);
    const status = await typeLine("fleetctl status web@18081.service", shell, {
      FLEETCTL_ENDPOINT: cluster.url,
    });
    assert.match(status.stdout, /^ {3}Health: healthy \(http check\) since /m);
    assert.match(status.stdout, /^ {4}Check: \S+ HTTP 200 OK/m);
    const metrics = await http("GET", `${cluster.url}/metrics`);
    assert.match(metrics.text, /^flotilla_unit_health\{status="healthy"\} 1$/m);

    // What it serves is gone: a 404 is not an expected status.
    await unlink(join(workDir, "ok.html"));
    const unhealthy = await health("web@18081.service", "unhealthy");
    assert.equal(unhealthy.health.failures, 2);
    assert.match(unhealthy.health.lastOutput, /^HTTP 404/);
    assert.equal(unhealthy.activeState, "active", "no RestartAfter=: it keeps running");

    await writeFile(join(workDir, "ok.html"), "ok again\n");
    await health("web@18081.service", "healthy");
    const log = await (await cluster.agents[0]!.client.logs("web@18081.service")).text();
    assert.match(log, /Health: healthy -> unhealthy after 2 failed checks in a row: HTTP 404/);

    await cluster.setState("web@18081.service", "loaded");
    await cluster.waitFor(
      "web@18081.service",
      (unit) => unit.activeState === "inactive" && unit.health?.status === "none",
      "stopped, with no health",
    );
  });

  test("a sidekick's key exists only while the unit it announces is healthy", async () => {
    await writeFile(join(workDir, "gated.html"), "ok\n");
    await cluster.submit(
      "gated@.service",
      `[Service]
ExecStart=/usr/bin/docker run --rm --name health-gated-%i -p ${braced("COREOS_PUBLIC_IPV4")}:%i:80 -v ${workDir}:/www:ro flotilla/busybox httpd -f -p 80 -h /www
[X-Health]
HTTPGet=http://${braced("COREOS_PUBLIC_IPV4")}:%i/gated.html
IntervalSec=1s
UnhealthyThreshold=2
`,
    );
    await cluster.submit(
      "gated-announce@.service",
      `[Unit]
BindsTo=gated@%i.service
After=gated@%i.service
[Service]
ExecStart=/bin/sh -c "while true; do etcdctl set /flotilla-test/gated/%i ${braced("COREOS_PUBLIC_IPV4")}:%i --ttl 60; sleep 45; done"
[X-Fleet]
MachineOf=gated@%i.service
`,
    );
    const announced = async () => {
      const { json } = await http("GET", `${cluster.url}/v1/announcements`);
      return (json.announcements as { key: string; value: string }[]).find(
        (entry) => entry.key === "/flotilla-test/gated/18082",
      );
    };
    await cluster.setState("gated@18082.service", "launched");
    await cluster.setState("gated-announce@18082.service", "launched");
    await cluster.launched("gated-announce@18082.service");
    await health("gated@18082.service", "healthy");
    const entry = await waitUntil("the key announced once healthy", announced);
    assert.equal(entry.value, `${IP}:18082`);

    // The key refreshes every 45 s and lives 60: only the gate takes it away this soon.
    await unlink(join(workDir, "gated.html"));
    await health("gated@18082.service", "unhealthy");
    await waitUntil("the key withdrawn", async () => !(await announced()), 10_000);
    const log = await (await cluster.agents[0]!.client.logs("gated-announce@18082.service")).text();
    assert.match(log, /withdrew \/flotilla-test\/gated\/18082: gated@18082\.service is unhealthy/);
    assert.equal(
      (await cluster.unit("gated-announce@18082.service")).activeState,
      "active",
      "the sidekick runs on",
    );

    await writeFile(join(workDir, "gated.html"), "ok again\n");
    await health("gated@18082.service", "healthy");
    await waitUntil("the key announced again", announced, 10_000);
    await cluster.destroy("gated-announce@18082.service");
    await cluster.destroy("gated@18082.service");
  });

  test("RestartAfter= restarts a unit whose container check keeps failing", async () => {
    await cluster.submit("flaky.service", FLAKY);
    await cluster.setState("flaky.service", "launched");
    await health("flaky.service", "healthy");
    const unhealthy = await health("flaky.service", "unhealthy");
    assert.equal(unhealthy.health.probe, "container-exec");
    const agent = cluster.agents[0]!;
    const restarted = await waitUntil(
      "flaky.service restarted by its agent",
      async () => {
        const unit = await agent.client.getUnit("flaky.service");
        return unit && unit.restarts >= 1 && unit.activeState === "active" ? unit : undefined;
      },
      60_000,
    );
    assert.ok(restarted.restarts >= 1);
    const log = await (await agent.client.logs("flaky.service")).text();
    assert.match(log, /Restarting: 3 health checks failed in a row \(RestartAfter=3\)/);
    // The new container serves again.
    await health("flaky.service", "healthy");
    await cluster.destroy("flaky.service");
  });

  test("a sidekick bound to a unit that RestartAfter= restarts runs again afterwards", async () => {
    await cluster.submit("bound.service", FLAKY);
    await cluster.submit(
      "bound-announce.service",
      `[Unit]
BindsTo=bound.service
After=bound.service
[Service]
ExecStart=/bin/sleep 100000
[X-Fleet]
MachineOf=bound.service
`,
    );
    await cluster.setState("bound.service", "launched");
    await cluster.setState("bound-announce.service", "launched");
    await cluster.launched("bound-announce.service");
    await health("bound.service", "healthy");
    const agent = cluster.agents[0]!;
    await waitUntil(
      "bound.service restarted by its agent",
      async () => {
        const unit = await agent.client.getUnit("bound.service");
        return unit && unit.restarts >= 1 && unit.activeState === "active" ? unit : undefined;
      },
      60_000,
    );
    // The sidekick stopped with it (BindsTo=), and starts again once it runs.
    const sidekick = await waitUntil(
      "bound-announce.service running again",
      async () => {
        const unit = await agent.client.getUnit("bound-announce.service");
        return unit?.activeState === "active" ? unit : undefined;
      },
      30_000,
    );
    assert.equal(sidekick.desiredState, "launched");
    const log = await (await agent.client.logs("bound-announce.service")).text();
    assert.match(log, /Stopping because bound\.service stopped \(BindsTo=\)/);
    assert.match(log, /Starting again: bound\.service was restarted/);
    await cluster.launched("bound-announce.service");
    await cluster.destroy("bound-announce.service");
    await cluster.destroy("bound.service");
  });

  test("a process unit is checked by a command on the machine, with its environment", async () => {
    const marker = join(workDir, "ready");
    await cluster.submit(
      "worker.service",
      `[Service]
Environment=MARKER=${marker}
ExecStart=/bin/sleep 100000
[X-Health]
ExecCheck=/bin/sh -c 'test -f ${braced("MARKER")} && echo ready'
IntervalSec=1s
UnhealthyThreshold=1
`,
    );
    await cluster.setState("worker.service", "launched");
    const failing = await health("worker.service", "unhealthy");
    assert.equal(failing.health.probe, "exec");
    assert.equal(failing.health.lastOutput, "exit status 1");
    await writeFile(marker, "");
    const ready = await health("worker.service", "healthy");
    assert.equal(ready.health.lastOutput, "ready");
    await cluster.destroy("worker.service");
  });

  test("without [X-Health], an image's HEALTHCHECK gives the unit Docker's verdict", async () => {
    await cluster.submit(
      "imaged.service",
      `[Service]
ExecStart=/usr/bin/docker run --rm --name health-imaged ${CHECKED_IMAGE} sh -c 'touch /tmp/healthy && sleep 100000'
`,
    );
    await cluster.setState("imaged.service", "launched");
    const healthy = await health("imaged.service", "healthy");
    assert.equal(healthy.health.probe, "image");
    await dockerExec("health-imaged", ["rm", "/tmp/healthy"]);
    const unhealthy = await health("imaged.service", "unhealthy");
    assert.equal(unhealthy.health.probe, "image");
    await cluster.destroy("imaged.service");
  });

  test("a unit without a check, on an image without one, has health none", async () => {
    await cluster.submit(
      "unchecked.service",
      "[Service]\nExecStart=/usr/bin/docker run --rm --name health-unchecked flotilla/busybox sleep 100000\n",
    );
    await cluster.setState("unchecked.service", "launched");
    const unit = await cluster.launched("unchecked.service");
    assert.deepEqual(unit.health, { status: "none" });
    await cluster.destroy("unchecked.service");
  });
});

describe("the machine's probes", () => {
  const probes = new MachineProbes(docker, "probe-test-machine");
  const signal = () => new AbortController().signal;

  test("HTTP: the status decides, with ExpectStatus's ranges; redirects are not followed", async () => {
    const server = createHttpServer((request, response) => {
      if (request.url === "/moved") {
        response.writeHead(302, { location: "/elsewhere" }).end();
      } else if (request.url === "/broken") {
        response.writeHead(503).end("down for maintenance\n");
      } else {
        response.end("fine\n");
      }
    }).listen(0, "127.0.0.1");
    await once(server, "listening");
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const get = (path: string, expectStatus = [{ from: 200, to: 399 }]) =>
        probes.run({ kind: "http", url: `${base}${path}`, expectStatus }, { env: {} }, signal());
      assert.deepEqual(await get("/"), { ok: true, output: "HTTP 200 OK: fine" });
      assert.deepEqual(await get("/moved"), { ok: true, output: "HTTP 302 Found" });
      assert.equal((await get("/moved", [{ from: 200, to: 200 }])).ok, false);
      assert.deepEqual(await get("/broken"), {
        ok: false,
        output: "HTTP 503 Service Unavailable: down for maintenance",
      });
    } finally {
      server.close();
    }
  });

  test("HTTP and TCP: a closed port fails, saying so", async () => {
    const closed = createTcpServer().listen(0, "127.0.0.1");
    await once(closed, "listening");
    const { port } = closed.address() as AddressInfo;
    closed.close();
    await once(closed, "close");
    const tcp = await probes.run({ kind: "tcp", host: "127.0.0.1", port }, { env: {} }, signal());
    assert.equal(tcp.ok, false);
    assert.match(tcp.output, /ECONNREFUSED/);
    const get = await probes.run(
      { kind: "http", url: `http://127.0.0.1:${port}/`, expectStatus: [{ from: 200, to: 399 }] },
      { env: {} },
      signal(),
    );
    assert.equal(get.ok, false);
    assert.match(get.output, /ECONNREFUSED/);
  });

  test("TCP: an open port passes", async () => {
    const open = createTcpServer((socket) => socket.end()).listen(0, "127.0.0.1");
    await once(open, "listening");
    const { port } = open.address() as AddressInfo;
    try {
      assert.deepEqual(
        await probes.run({ kind: "tcp", host: "127.0.0.1", port }, { env: {} }, signal()),
        { ok: true, output: `connected to 127.0.0.1:${port}` },
      );
    } finally {
      open.close();
    }
  });

  test("a command on the machine: its status and output, and an abort that ends all of it", async () => {
    const run = (argv: string[], env = {}, abort = signal()) =>
      probes.run({ kind: "exec", argv }, { env }, abort);
    assert.deepEqual(await run(["/bin/sh", "-c", "echo $GREETING"], { GREETING: "hello" }), {
      ok: true,
      output: "hello",
    });
    assert.deepEqual(await run(["/bin/sh", "-c", "echo nope >&2; exit 3"]), {
      ok: false,
      output: "exit status 3: nope",
    });
    const missing = await run(["/no/such/program"]);
    assert.equal(missing.ok, false);
    assert.match(missing.output, /cannot run \/no\/such\/program/);
    const controller = new AbortController();
    const hanging = run(["/bin/sh", "-c", "sleep 1000 & sleep 1000"], {}, controller.signal);
    setTimeout(() => controller.abort(), 200);
    assert.deepEqual(await hanging, { ok: false, output: "killed by signal SIGKILL" });
  });
});

/** An image whose HEALTHCHECK passes while /tmp/healthy exists, checked every second. */
/** Runs a command in a running container, to change what its checks find. */
async function dockerExec(container: string, argv: string[]): Promise<void> {
  const exec = await docker.getContainer(container).exec({ Cmd: argv });
  await exec.start({ Detach: true });
  await waitUntil(`${argv.join(" ")} in ${container}`, async () => {
    const info = await exec.inspect();
    return !info.Running && info.ExitCode !== null;
  });
}
