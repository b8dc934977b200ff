import type { FastifyInstance, FastifyServerOptions } from "fastify";
import type { Dispatcher } from "undici";
import { agentDispatcher } from "../agent-client/client.ts";
import { type Backoff, retry } from "../backoff.ts";
import type { ClientTls } from "../config/tls.ts";
import { Engine } from "../engine/engine.ts";
import { connectEtcd, type EtcdOptions } from "../registry/etcd-client.ts";
import { EtcdRegistry } from "../registry/etcd-registry.ts";
import type { Registry } from "../registry/registry.ts";
import { ClusterView } from "../registry/view.ts";
import type { PlacementViolation } from "../scheduler/invariants.ts";
import { type AppOptions, buildApp } from "./app.ts";
import type { ServerContext } from "./context.ts";
import { EventHub } from "./event-hub.ts";
import { registerHealthGauge } from "./health-metrics.ts";
import { Metrics } from "./metrics.ts";
import { RolloutWrites } from "./writes/rollouts.ts";
import { UnitWrites } from "./writes/units.ts";

/** Reading cluster state at start: soon if etcd is only starting too, less often if it stays away. */
const SYNC_BACKOFF: Backoff = { firstMs: 200, maxMs: 5000 };

export interface ControlPlaneOptions {
  etcdEndpoints: string[];
  etcdSecurity?: Pick<EtcdOptions, "tls" | "auth">;
  prefix: string;
  logger?: FastifyServerOptions["logger"];
  /** Names this server in the engine's leader election. */
  candidate: string;
  agentToken?: string;
  /** For agents that serve HTTPS: their CA, and the client certificate that mutual TLS asks for. */
  agentTls?: ClientTls;
  leaderTtlSeconds?: number;
  /** false for a server that only serves the API and never leads the engine. */
  runEngine?: boolean;
  app?: Pick<AppOptions, "tokens" | "rateLimit" | "maxEventStreams" | "tls" | "fleetStopHoldMs">;
  /**
   * Check, after every engine pass, that every placement meets its unit's requirements;
   * what breaks it is logged, counted in /metrics and kept in `placementViolations`.
   */
  checkPlacements?: boolean;
}

/**
 * A control-plane server: the registry, the in-memory view it feeds, and the HTTP API.
 * The view synchronises in the background so that the server answers /healthz (and 503
 * elsewhere) even while etcd is down at start-up.
 */
export class ControlPlane {
  readonly view = new ClusterView();
  readonly registry: Registry;
  app!: FastifyInstance;
  engine!: Engine;
  /** The last violations the placement check found, when it is on (see ControlPlaneOptions). */
  readonly placementViolations: PlacementViolation[] = [];
  private placementViolationCount = 0;
  private readonly agentDispatcher: Dispatcher | undefined;
  private synced = false;
  private stopped = false;

  constructor(private readonly options: ControlPlaneOptions) {
    this.registry = new EtcdRegistry(
      connectEtcd({ endpoints: options.etcdEndpoints, ...options.etcdSecurity }),
      {
        prefix: options.prefix,
        onError: (error, context) => this.app?.log.warn({ err: error }, context),
      },
    );
    this.agentDispatcher = options.agentTls ? agentDispatcher(options.agentTls) : undefined;
  }

  async build(): Promise<FastifyInstance> {
    const metrics = new Metrics();
    const context: ServerContext = {
      registry: this.registry,
      view: this.view,
      unitWrites: new UnitWrites(this.registry, this.view),
      rolloutWrites: new RolloutWrites(this.registry, this.view),
      events: new EventHub(this.view),
      metrics,
      agentToken: this.options.agentToken,
      agentDispatcher: this.agentDispatcher,
      isSynced: () => this.synced,
    };
    metrics.gauge("flotilla_view_revision", () => this.view.revision);
    metrics.gauge("flotilla_units", () => this.view.units.size);
    metrics.gauge("flotilla_machines", () => this.view.machines.size);
    metrics.gauge("flotilla_etcd_connected", () => (this.synced && this.view.connected ? 1 : 0));
    metrics.gauge("flotilla_event_subscribers", () => context.events.subscribers);
    registerHealthGauge(metrics, this.view);
    this.app = await buildApp(context, { logger: this.options.logger, ...this.options.app });
    const log = this.app.log;
    this.engine = new Engine({
      registry: this.registry,
      view: this.view,
      isSynced: () => this.synced,
      candidate: this.options.candidate,
      agentToken: this.options.agentToken,
      agentDispatcher: this.agentDispatcher,
      leaderTtlSeconds: this.options.leaderTtlSeconds,
      log: {
        info: (message, details) => log.info(details ?? {}, message),
        warn: (message, details) => log.warn(details ?? {}, message),
      },
      ...(this.options.checkPlacements
        ? {
            onPlacementViolations: (found: PlacementViolation[]) => {
              this.placementViolationCount += found.length;
              this.placementViolations.push(...found);
              this.placementViolations.splice(0, this.placementViolations.length - 100);
            },
          }
        : {}),
    });
    if (this.options.checkPlacements)
      metrics.gauge("flotilla_placement_violations_total", () => this.placementViolationCount);
    metrics.gauge("flotilla_engine_leader", () => (this.engine.isLeader ? 1 : 0));
    return this.app;
  }

  /** Starts the view, retrying until etcd answers; resolves once it holds a snapshot. */
  async sync(): Promise<void> {
    await retry(
      async () => {
        // A cluster from before the cluster record gets it here, not at its next unit: without
        // it, the engine would hold its stops (see Keys.cluster).
        await this.registry.recordClusterIfUnits();
        await this.view.start(this.registry);
        this.synced = true;
        if (this.options.runEngine !== false) await this.engine.start();
      },
      {
        backoff: SYNC_BACKOFF,
        stopped: () => this.stopped,
        onRetry: (error) =>
          this.app?.log.warn({ err: error }, "cannot read cluster state from etcd yet; retrying"),
      },
    );
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.engine?.stop();
    await this.app?.close();
    await this.view.stop();
    await this.registry.close();
    await this.agentDispatcher?.close();
  }
}
