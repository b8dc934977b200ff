import type { Dispatcher } from "undici";
import type { Registry } from "../registry/registry.ts";
import type { ClusterView } from "../registry/view.ts";
import type { EventHub } from "./event-hub.ts";
import type { Metrics } from "./metrics.ts";
import type { RolloutWrites } from "./writes/rollouts.ts";
import type { UnitWrites } from "./writes/units.ts";

/** What every route plugin is given: the registry for writes, the view for reads. */
export interface ServerContext {
  registry: Registry;
  view: ClusterView;
  unitWrites: UnitWrites;
  rolloutWrites: RolloutWrites;
  events: EventHub;
  metrics: Metrics;
  /** The bearer token agents expect; routes that proxy to an agent present it. */
  agentToken?: string;
  /** Connections to agents that serve HTTPS; undefined for plain HTTP. */
  agentDispatcher?: Dispatcher;
  /** True once the view holds a full snapshot; until then the API answers 503. */
  isSynced(): boolean;
}
