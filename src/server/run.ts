import { hostname } from "node:os";
import { serverConfig } from "./config.ts";
import { ControlPlane } from "./control-plane.ts";

/** `flotilla server`: serves the API until SIGINT or SIGTERM. */
export async function runServer(argv: string[]): Promise<void> {
  const config = serverConfig(argv, process.env);
  const controlPlane = new ControlPlane({
    etcdEndpoints: config.etcd.endpoints,
    etcdSecurity: { tls: config.etcd.tls, auth: config.etcd.auth },
    prefix: config.prefix,
    logger: { level: config.logLevel },
    candidate: `${hostname()}/${process.pid}/${config.host}:${config.port}`,
    agentToken: config.agentToken,
    agentTls: config.agentTls,
    leaderTtlSeconds: config.leaderTtlSeconds,
    checkPlacements: config.checkPlacements,
    app: {
      tokens: config.tokens,
      rateLimit: config.rateLimit,
      maxEventStreams: config.maxEventStreams,
      tls: config.tls,
      fleetStopHoldMs: config.fleetStopHoldSeconds * 1000,
    },
  });
  const app = await controlPlane.build();
  await app.listen({ host: config.host, port: config.port });
  app.log.info({ etcd: config.etcd.endpoints, prefix: config.prefix }, "flotilla server started");
  void controlPlane
    .sync()
    .then(() => app.log.info({ revision: controlPlane.view.revision }, "in sync with etcd"));

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    controlPlane.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}
