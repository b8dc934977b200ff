import { ControlPlane, type ControlPlaneOptions } from "../../src/server/control-plane.ts";
import { freshPrefix, testEtcdEndpoint } from "./etcd.ts";

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
  });
  const app = await controlPlane.build();
  await app.listen({ host: "127.0.0.1", port: 0 });
  await controlPlane.sync();
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("server has no TCP address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    prefix,
    controlPlane,
    close: () => controlPlane.close(),
  };
}
