import { computeActions } from "../../src/engine/actions.ts";
import { PlacementIndex } from "../../src/engine/placement-index.ts";
import { CLUSTER_RECORD } from "../../src/registry/records.ts";
import type { Change, Registry, Snapshot, WatchHandlers } from "../../src/registry/registry.ts";
import { ClusterView } from "../../src/registry/view.ts";
import { percentile } from "./cluster.ts";

const TEXT = `[Unit]
Description=benchmark unit %i

[Service]
ExecStart=/usr/bin/docker run --rm --name bench-%i flotilla/busybox sleep 1000

[X-Fleet]
Conflicts=bench@%i.service
`;

/**
 * The leader's pass (computeActions) over an in-memory view of `machines` machines and `units`
 * placed, running units: with the scheduler index rebuilt for the pass, as the engine did
 * before, and with the index the engine now keeps up to date from the view's changes.
 */
export async function enginePass(
  machines: number,
  units: number,
): Promise<{ units: number; rebuildMs: number; incrementalMs: number }> {
  const now = new Date().toISOString();
  const changes: Change[] = [
    { kind: "cluster", value: CLUSTER_RECORD },
    { kind: "unit-file", hash: "h", text: TEXT },
  ];
  const ids = Array.from({ length: machines }, (_, i) => `m${String(i).padStart(5, "0")}`);
  for (const id of ids) {
    changes.push({
      kind: "machine",
      id,
      value: {
        id,
        publicIP: "127.0.0.1",
        privateIP: "127.0.0.1",
        metadata: { rack: String(Number(id.slice(1)) % 20) },
        agentURL: "http://127.0.0.1:1",
        version: "bench",
        startedAt: now,
        heartbeatAt: now,
      },
    });
  }
  for (let i = 0; i < units; i++) {
    const name = `bench@${i}.service`;
    const machineId = ids[i % machines] as string;
    changes.push(
      {
        kind: "unit",
        name,
        value: { name, hash: "h", desiredState: "launched", createdAt: now, updatedAt: now },
      },
      { kind: "placement", name, value: { machineId, placedAt: now } },
      {
        kind: "state",
        name,
        machineId,
        value: {
          name,
          machineId,
          hash: "h",
          desiredState: "launched",
          loadState: "loaded",
          activeState: "active",
          subState: "running",
          since: now,
        },
      },
    );
  }
  const snapshot: Snapshot = { revision: 1, changes };
  const registry = {
    watch: async (handlers: WatchHandlers) => {
      handlers.reset(snapshot);
      return { close: async () => {} };
    },
  } as unknown as Registry;
  const view = new ClusterView();
  await view.start(registry);
  const time = (pass: () => unknown) => {
    const samples: number[] = [];
    for (let i = 0; i < 7; i++) {
      const started = performance.now();
      const actions = pass() as { place: unknown[]; agent: unknown[] };
      samples.push(performance.now() - started);
      if (actions.place.length > 0 || actions.agent.length > 0)
        throw new Error("the steady-state view should need no action");
    }
    return percentile(samples.slice(2), 50);
  };
  const rebuildMs = time(() => computeActions(view));
  const placements = new PlacementIndex(view);
  const stop = placements.follow();
  const incrementalMs = time(() => computeActions(view, { placements }));
  stop();
  await view.stop();
  return { units, rebuildMs, incrementalMs };
}
