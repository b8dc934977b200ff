// A server of a benchmark, in its own process so that its CPU and memory are its own:
//   server-main.ts flotilla <etcd endpoint> <prefix> [agent token]
//   server-main.ts trivial                    (the baseline: one Fastify route, GET /ping)
import Fastify from "fastify";
import { ControlPlane } from "../../src/server/control-plane.ts";
import { ready } from "./processes.ts";

// SIGUSR2 prints the process's memory by kind, for the benchmark to read: before and after a
// full garbage collection when node runs with --expose-gc.
process.on("SIGUSR2", () => {
  const before = process.memoryUsage().heapUsed;
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
  process.stdout.write(
    `MEMORY ${JSON.stringify({ rss: mib(usage.rss), heapUsedBeforeGc: mib(before), heapUsed: mib(usage.heapUsed), heapTotal: mib(usage.heapTotal), external: mib(usage.external), arrayBuffers: mib(usage.arrayBuffers) })}\n`,
  );
});

const [mode, etcd, prefix, agentToken] = process.argv.slice(2);

if (mode === "trivial") {
  const app = Fastify({ logger: false });
  app.get("/ping", async () => ({ ok: true }));
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  ready({ url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}` });
  process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
} else if (mode === "flotilla" && etcd && prefix) {
  const controlPlane = new ControlPlane({
    etcdEndpoints: [etcd],
    prefix,
    logger: { level: process.env.FLOTILLA_LOG_LEVEL ?? "warn" },
    candidate: `bench-${process.pid}`,
    agentToken,
    leaderTtlSeconds: 5,
  });
  const app = await controlPlane.build();
  await app.listen({ host: "127.0.0.1", port: 0 });
  await controlPlane.sync();
  const address = app.server.address();
  ready({ url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}` });
  process.on("SIGTERM", () => {
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void controlPlane.close().then(() => process.exit(0));
  });
} else {
  console.error("usage: server-main.ts flotilla <etcd> <prefix> [agent token] | trivial");
  process.exit(2);
}
