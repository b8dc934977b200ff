// ContainerExecCheck's probe against a fake Docker Engine: an abandoned command in a container
// is never joined by another, and an abort while the engine answers is not missed.
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, test } from "node:test";
import type Dockerode from "dockerode";
import { MachineProbes } from "../../src/agent/health-probes.ts";
import type { ResolvedProbe } from "../../src/unit/health-probe.ts";

/** An exec whose stream the test ends, and whose Running it sets. */
class FakeExec {
  running = true;
  readonly stream = new PassThrough();
  /** Resolves start(); the test may hold it back. */
  release: () => void = () => {};
  constructor(private readonly held: boolean) {}

  start(): Promise<PassThrough> {
    if (!this.held) return Promise.resolve(this.stream);
    return new Promise((resolve) => {
      this.release = () => resolve(this.stream);
    });
  }

  async inspect() {
    return { Running: this.running, ExitCode: this.running ? null : 0 };
  }
}

function fakeDocker(options: { holdStart?: boolean } = {}) {
  const execs: FakeExec[] = [];
  let releaseCreate: (() => void) | undefined;
  const state = { holdCreate: false };
  const docker = {
    getContainer: () => ({
      exec: () => {
        const exec = new FakeExec(options.holdStart ?? false);
        execs.push(exec);
        if (!state.holdCreate) return Promise.resolve(exec);
        return new Promise<FakeExec>((resolve) => {
          releaseCreate = () => resolve(exec);
        });
      },
    }),
    modem: {
      demuxStream: (stream: PassThrough, out: PassThrough) => stream.pipe(out),
    },
  } as unknown as Dockerode;
  return { docker, execs, state, releaseCreate: () => releaseCreate?.() };
}

const CHECK: ResolvedProbe = { kind: "container-exec", argv: ["pgrep", "httpd"] };
const TARGET = { env: {}, containerId: "c0ffee" };

describe("ContainerExecCheck's probe", () => {
  test("no new command starts while the abandoned one of that container still runs", async () => {
    const { docker, execs } = fakeDocker();
    const probes = new MachineProbes(docker, "m1");
    const first = new AbortController();
    const running = probes.run(CHECK, TARGET, first.signal);
    await new Promise((resolve) => setImmediate(resolve));
    first.abort();
    assert.deepEqual(await running, { ok: false, output: "abandoned" });
    assert.equal(execs[0]?.stream.destroyed, true);

    const second = await probes.run(CHECK, TARGET, new AbortController().signal);
    assert.equal(second.ok, false);
    assert.match(second.output, /^previous check still running/);
    assert.equal(execs.length, 1, "no second exec");

    execs[0]!.running = false;
    const third = probes.run(CHECK, TARGET, new AbortController().signal);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(execs.length, 2, "the old one ended: a new check runs");
    execs[1]!.running = false;
    execs[1]!.stream.end("up\n");
    assert.deepEqual(await third, { ok: true, output: "up" });
  });

  test("an abort while the engine creates the exec starts nothing", async () => {
    const { docker, execs, state, releaseCreate } = fakeDocker();
    state.holdCreate = true;
    const abort = new AbortController();
    const running = new MachineProbes(docker, "m1").run(CHECK, TARGET, abort.signal);
    await new Promise((resolve) => setImmediate(resolve));
    abort.abort();
    releaseCreate();
    assert.deepEqual(await running, { ok: false, output: "abandoned" });
    assert.equal(execs.length, 1);
    assert.equal(execs[0]?.stream.listenerCount("data"), 0, "never started, never read");
  });

  test("an abort while the exec starts destroys its stream and is not missed", async () => {
    const { docker, execs } = fakeDocker({ holdStart: true });
    const probes = new MachineProbes(docker, "m1");
    const abort = new AbortController();
    const running = probes.run(CHECK, TARGET, abort.signal);
    await new Promise((resolve) => setImmediate(resolve));
    abort.abort();
    execs[0]!.release();
    assert.deepEqual(await running, { ok: false, output: "abandoned" });
    assert.equal(execs[0]?.stream.destroyed, true);
    const next = await probes.run(CHECK, TARGET, new AbortController().signal);
    assert.match(
      next.output,
      /^previous check still running/,
      "it may still run: it is waited for",
    );
  });
});
