// A closed watch leaves nothing running: a process whose registry closed its watch and its
// client exits by itself, even when the watch was being re-established at that moment.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, test } from "node:test";
import { testEtcdEndpoint } from "../support/etcd.ts";

/**
 * Runs in a process of its own: watches through a proxy, cuts it while etcd compacts away the
 * watch's history, restores it (etcd then cancels the watch, which re-lists and watches
 * again), and closes everything from inside that re-list or just after it, while the new
 * watch connects.
 */
const SCENARIO = `
import { connectEtcd } from "./src/registry/etcd-client.ts";
import { EtcdRegistry } from "./src/registry/etcd-registry.ts";
import { freshPrefix, rawEtcd } from "./test/support/etcd.ts";
import { TcpProxy } from "./test/support/tcp-proxy.ts";

const proxy = TcpProxy.forUrl(process.env.FLOTILLA_TEST_ETCD);
await proxy.start();
const prefix = freshPrefix();
const registry = new EtcdRegistry(connectEtcd({ endpoints: [proxy.url] }), { prefix, onError: () => {} });
let resets = 0;
let watch;
const closed = new Promise((resolve) => {
  registry.watch({
    reset: () => {
      resets += 1;
      if (resets !== 2) return;
      const close = () => void watch.close().then(() => registry.close()).then(resolve);
      // In the handler itself, or just after it, while the new watch connects.
      if (process.env.CLOSE_WHEN === "reset") close();
      else queueMicrotask(close);
    },
    changes: () => {},
  }).then((handle) => { watch = handle; });
});
while (!watch) await new Promise((resolve) => setTimeout(resolve, 20));
proxy.cut();
const etcd = rawEtcd();
await etcd.put(prefix + "units/x.service").value("{}").exec();
const latest = await etcd.put(prefix + "marker").value("x").exec();
await etcd.kv.compact({ revision: latest.header.revision, physical: true });
etcd.close();
proxy.restore();
await closed;
await proxy.stop();
console.log("closed");
`;

async function runScenario(closeWhen: "reset" | "connecting") {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "--eval", SCENARIO],
    {
      env: { ...process.env, FLOTILLA_TEST_ETCD: testEtcdEndpoint(), CLOSE_WHEN: closeWhen },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  // The deadline only bounds a hung process; how fast it exits is not the point.
  const deadline = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on("close", (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  clearTimeout(deadline);
  assert.match(output, /closed/, output);
  assert.deepEqual([code, signal], [0, null], `the process did not exit by itself:\n${output}`);
}

describe("closing a watch leaves nothing that keeps the process alive", () => {
  test("closed by its handler while it re-lists", () => runScenario("reset"));
  test("closed while its new watch connects to etcd", () => runScenario("connecting"));
});
