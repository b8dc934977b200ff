import { UnitManager } from "../src/agent/unit-manager.ts";
import type { Registry } from "../src/registry/registry.ts";
import { ClusterView } from "../src/registry/view.ts";
import type { ServerContext } from "../src/server/context.ts";
import { EventHub } from "../src/server/event-hub.ts";
import { Metrics } from "../src/server/metrics.ts";
import { RolloutWrites } from "../src/server/writes/rollouts.ts";
import { UnitWrites } from "../src/server/writes/units.ts";

/** A server context with no etcd behind it: enough to build the app and read its schemas. */
export function offlineContext(): ServerContext {
  const registry = new Proxy({} as Registry, {
    get: () => () => Promise.reject(new Error("no registry when generating the OpenAPI document")),
  });
  const view = new ClusterView();
  return {
    registry,
    view,
    unitWrites: new UnitWrites(registry),
    rolloutWrites: new RolloutWrites(registry, view),
    events: new EventHub(view),
    metrics: new Metrics(),
    isSynced: () => false,
  };
}

/** A unit manager that runs nothing: enough to build the agent's API and read its schemas. */
export function offlineAgentManager(): UnitManager {
  const unavailable = () =>
    Promise.reject(new Error("no runtime when generating the OpenAPI document"));
  return new UnitManager({
    machine: {
      id: "offline",
      publicIP: "127.0.0.1",
      privateIP: "127.0.0.1",
      hostname: "offline",
      bootId: "",
    },
    commands: { run: unavailable, start: unavailable } as never,
    baseEnv: {},
    fetchText: async () => undefined,
    report: () => {},
    withdraw: () => {},
    timerElapses: { last: unavailable, claim: unavailable },
  });
}
