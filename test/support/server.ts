import assert from "node:assert/strict";
import { ControlPlane, type ControlPlaneOptions } from "../../src/server/control-plane.ts";
import { AGENT_TOKEN } from "./agents.ts";
import { watchContract } from "./contract.ts";
import { freshPrefix, testEtcdEndpoint } from "./etcd.ts";
import { http } from "./http.ts";
import { type Daemon, freePort, startDaemon } from "./process.ts";
import { waitUntil } from "./wait.ts";

export interface TestServer {
  url: string;
  prefix: string;
  controlPlane: ControlPlane;
  close(): Promise<void>;
}

/** A real control-plane server on a free loopback port, in sync with the test etcd. */
export async function startServer(
  options: {
    prefix?: string;
    etcd?: string[];
    agentToken?: string;
    engine?: boolean;
    app?: ControlPlaneOptions["app"];
    etcdSecurity?: ControlPlaneOptions["etcdSecurity"];
  } = {},
): Promise<TestServer> {
  const prefix = options.prefix ?? freshPrefix();
  const controlPlane = new ControlPlane({
    etcdEndpoints: options.etcd ?? [testEtcdEndpoint()],
    prefix,
    candidate: `test-${process.pid}-${Math.random().toString(16).slice(2)}`,
    agentToken: options.agentToken,
    leaderTtlSeconds: 3,
    // API tests announce machines that have no agent behind them: no engine unless asked.
    runEngine: options.engine ?? false,
    app: options.app,
    etcdSecurity: options.etcdSecurity,
    // Every engine pass in the suite checks the placement invariant; close() fails on a break.
    checkPlacements: true,
  });
  const app = await controlPlane.build();
  const deviations = watchContract(app);
  await app.listen({ host: "127.0.0.1", port: 0 });
  await controlPlane.sync();
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("server has no TCP address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    prefix,
    controlPlane,
    close: async () => {
      await controlPlane.close();
      assert.deepEqual(
        controlPlane.placementViolations,
        [],
        "an engine pass left placements that break their units' requirements",
      );
      assert.deepEqual(deviations(), [], "responses deviated from openapi/openapi.json");
    },
  };
}

/**
 * A real `flotilla server` process on the test etcd, with the agents' token and the short
 * leader lease of the in-process servers, once it answers /readyz.
 */
export async function startServerProcess(options: {
  prefix: string;
  /** Default: a free port on 127.0.0.1. */
  listen?: string;
  env?: NodeJS.ProcessEnv;
  /** Another release's bin/flotilla.js (see release.ts); this checkout's without. */
  bin?: string;
}): Promise<{ url: string; daemon: Daemon }> {
  const listen = options.listen ?? `127.0.0.1:${await freePort()}`;
  const url = `http://${listen}`;
  const daemon = await startDaemon(
    [
      "server",
      "--listen",
      listen,
      "--etcd",
      testEtcdEndpoint(),
      "--prefix",
      options.prefix,
      "--agent-token",
      AGENT_TOKEN,
      "--leader-ttl",
      "3",
      "--check-placements",
    ],
    { FLOTILLA_LOG_LEVEL: "warn", ...options.env },
    async () => (await http("GET", `${url}/readyz`)).status === 200,
    options.bin,
  );
  return { url, daemon };
}

/** A real `flotilla server` process, once it leads the engine of its key prefix. */
export async function startLeaderProcess(prefix: string): Promise<{ url: string; daemon: Daemon }> {
  const server = await startServerProcess({ prefix });
  try {
    await waitUntil("the server process to lead the engine", async () =>
      /^flotilla_engine_leader 1$/m.test((await http("GET", `${server.url}/metrics`)).text),
    );
  } catch (error) {
    await server.daemon.stop("SIGKILL");
    throw error;
  }
  return server;
}
