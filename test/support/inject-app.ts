/**
 * The control plane's Fastify app in this process, on the in-memory registry, answered with
 * `app.inject`: no etcd, no engine, no agents and no listening socket. The context is put
 * together as src/server/control-plane.ts puts it; every answer is held to the committed
 * OpenAPI document (test/support/contract.ts) and recorded for route-coverage.ts.
 */
import assert from "node:assert/strict";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import type { DesiredState, MachineRecord, UnitStateRecord } from "../../src/registry/records.ts";
import type { Presence } from "../../src/registry/registry.ts";
import { ClusterView } from "../../src/registry/view.ts";
import { type AppOptions, buildApp } from "../../src/server/app.ts";
import type { ServerContext } from "../../src/server/context.ts";
import { EventHub } from "../../src/server/event-hub.ts";
import { registerHealthGauge } from "../../src/server/health-metrics.ts";
import { Metrics } from "../../src/server/metrics.ts";
import { RolloutWrites } from "../../src/server/writes/rollouts.ts";
import { UnitWrites } from "../../src/server/writes/units.ts";
import { watchContract } from "./contract.ts";
import { failable } from "./failable-registry.ts";
import { MemoryRegistry } from "./memory-registry.ts";
import { recordHit } from "./route-hits.ts";

export type InjectAppOptions = Pick<
  AppOptions,
  "tokens" | "rateLimit" | "bodyLimit" | "maxEventStreams" | "fleetStopHoldMs"
> & {
  /** Leave the view unsynchronised, so that the API answers 503 until sync(). */
  unsynced?: boolean;
  /** The bearer token the routes that proxy to an agent present. */
  agentToken?: string;
};

export interface RequestOptions {
  /** Sent as JSON, with Content-Type application/json unless `headers` names another. */
  json?: unknown;
  body?: string;
  /** An array sends the header once per value. */
  headers?: Record<string, string | string[]>;
  /** The client's address (default 127.0.0.1): rate limits count per address. */
  remoteAddress?: string;
}

/** An answer, shaped as test/support/http.ts shapes a real one. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

export interface MachineOptions {
  publicIP?: string;
  metadata?: Record<string, string>;
  agentURL?: string;
}

export interface InjectApp {
  app: FastifyInstance;
  context: ServerContext;
  /** The store behind the routes' registry, for what only an agent or the engine writes. */
  registry: MemoryRegistry;
  view: ClusterView;
  request(method: string, url: string, options?: RequestOptions): Promise<Answer>;
  /** Fastify's inject itself, for streams; the answer is recorded all the same. */
  inject(options: InjectOptions & { url: string }): Promise<LightMyRequestResponse>;
  /** Starts the view that `unsynced` held back; the API answers from then on. */
  sync(): Promise<void>;
  /** Resolves once the view has seen every write made so far. */
  settle(): Promise<void>;
  /** Submits (or replaces) a unit file, optionally with a desired state, as the API would. */
  submit(name: string, text: string, desiredState?: DesiredState): Promise<void>;
  setDesiredState(name: string, desiredState: DesiredState): Promise<void>;
  /** Announces a machine as its agent would, under a presence lease this app keeps. */
  announceMachine(id: string, options?: MachineOptions): Promise<MachineRecord>;
  /** Places a unit on a machine, or moves it there, as the engine would. */
  place(name: string, machineId: string): Promise<void>;
  /** Reports a unit's state from an announced machine, as its agent would. */
  report(
    machineId: string,
    name: string,
    state?: Partial<Omit<UnitStateRecord, "name" | "machineId">>,
  ): Promise<void>;
  /** Withdraws a unit's state from an announced machine, as its agent does once it stopped it. */
  withdrawReport(machineId: string, name: string): Promise<void>;
  /** The routes' registry calls fail with `error` from now on; undefined ends it. */
  failRegistry(error: Error | undefined): void;
  /** The routes' compare-and-swap writes all lose from now on (true), or no longer (false). */
  loseEveryRace(losing: boolean): void;
  /** Closes everything, then fails if any answer deviated from the OpenAPI document. */
  close(): Promise<void>;
}

export const AT = "2026-01-01T00:00:00.000Z";

export async function injectApp(options: InjectAppOptions = {}): Promise<InjectApp> {
  const registry = new MemoryRegistry();
  const routesRegistry = failable(registry);
  const view = new ClusterView();
  let synced = false;
  const metrics = new Metrics();
  // Rollout ids in creation order: tests can name them, and rollouts created in the same
  // millisecond list newest first by id as they would by time (random ids would not).
  let rollouts = 0;
  const rolloutId = () => (++rollouts).toString(16).padStart(8, "0");
  const context: ServerContext = {
    registry: routesRegistry.registry,
    view,
    unitWrites: new UnitWrites(routesRegistry.registry, view),
    rolloutWrites: new RolloutWrites(routesRegistry.registry, view, Date.now, rolloutId),
    events: new EventHub(view),
    metrics,
    agentToken: options.agentToken,
    isSynced: () => synced,
  };
  metrics.gauge("flotilla_view_revision", () => view.revision);
  metrics.gauge("flotilla_units", () => view.units.size);
  metrics.gauge("flotilla_machines", () => view.machines.size);
  metrics.gauge("flotilla_etcd_connected", () => (synced && view.connected ? 1 : 0));
  metrics.gauge("flotilla_event_subscribers", () => context.events.subscribers);
  registerHealthGauge(metrics, view);
  const app = await buildApp(context, {
    tokens: options.tokens,
    rateLimit: options.rateLimit,
    bodyLimit: options.bodyLimit,
    maxEventStreams: options.maxEventStreams,
    fleetStopHoldMs: options.fleetStopHoldMs,
  });
  const deviations = watchContract(app);
  const presences = new Map<string, Presence>();

  const sync = async () => {
    await view.start(registry);
    synced = true;
  };
  if (!options.unsynced) await sync();
  // Before sync() nothing feeds the view, so seeding goes straight to the registry.
  const caughtUp = async (revision: number) => {
    if (synced) await view.waitFor(revision);
  };
  const settle = async () => caughtUp(await registry.ping());

  const inject = async (injected: InjectOptions & { url: string }) => {
    const response = await app.inject(injected);
    recordHit({
      method: (injected.method ?? "GET").toUpperCase(),
      path: injected.url.split("?")[0] as string,
      status: response.statusCode,
    });
    return response;
  };

  return {
    app,
    context,
    registry,
    view,
    inject,
    sync,
    settle,
    async request(method, url, { json, body, headers = {}, remoteAddress } = {}) {
      const sent = json === undefined ? body : JSON.stringify(json);
      const contentType = json === undefined ? {} : { "content-type": "application/json" };
      // An empty body is still a body: a client sends Content-Length: 0 with it.
      const length = sent === "" ? { "content-length": "0" } : {};
      const response = await inject({
        method: method as InjectOptions["method"],
        url,
        headers: { ...contentType, ...length, ...headers },
        ...(remoteAddress === undefined ? {} : { remoteAddress }),
        ...(sent === undefined || sent === "" ? {} : { payload: sent }),
      });
      let parsed: unknown;
      try {
        parsed = response.body === "" ? undefined : JSON.parse(response.body);
      } catch {
        parsed = undefined;
      }
      return {
        status: response.statusCode,
        headers: response.headers,
        text: response.body,
        json: parsed,
      };
    },
    async submit(name, text, desiredState) {
      const outcome = await context.unitWrites.submit(name, text, { replace: true, desiredState });
      await caughtUp(outcome.revision);
    },
    async setDesiredState(name, desiredState) {
      const outcome = await context.unitWrites.setDesiredState(name, desiredState);
      await caughtUp(outcome.revision);
    },
    async announceMachine(id, { publicIP = "192.0.2.1", metadata = {}, agentURL } = {}) {
      const machine: MachineRecord = {
        id,
        publicIP,
        privateIP: "10.0.0.1",
        metadata,
        agentURL: agentURL ?? `http://${publicIP}:7601`,
        version: "test",
        startedAt: AT,
        heartbeatAt: AT,
      };
      presences.set(id, await registry.announceMachine(machine, 30));
      await settle();
      return machine;
    },
    async place(name, machineId) {
      const placed = view.placements.get(name);
      const version = view.placementVersions.get(name);
      const from =
        placed && version !== undefined ? { from: { machineId: placed.machineId, version } } : {};
      const [result] = await registry.writePlacements([[{ name, machineId, ...from }]]);
      assert.ok(result?.ok, `${name} could not be placed on ${machineId}`);
      await settle();
    },
    async report(machineId, name, state = {}) {
      const presence = presences.get(machineId);
      assert.ok(presence, `machine ${machineId} was not announced by this app`);
      await registry.reportUnitState(presence, {
        name,
        machineId,
        hash: "0".repeat(40),
        desiredState: "launched",
        loadState: "loaded",
        activeState: "active",
        subState: "running",
        since: AT,
        ...state,
      });
      await settle();
    },
    async withdrawReport(machineId, name) {
      const presence = presences.get(machineId);
      assert.ok(presence, `machine ${machineId} was not announced by this app`);
      await registry.reportUnitStates(presence, machineId, [], [name]);
      await settle();
    },
    failRegistry: (error) => routesRegistry.fail(error),
    loseEveryRace: (losing) => routesRegistry.loseEveryRace(losing),
    async close() {
      await app.close();
      await view.stop();
      await registry.close();
      assert.deepEqual(deviations(), [], "answers deviated from openapi/openapi.json");
    },
  };
}
