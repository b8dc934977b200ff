import type { Actions } from "../../src/engine/actions.ts";
import { CLUSTER_RECORD, type UnitRecord } from "../../src/registry/records.ts";
import type { Change, Registry, WatchHandlers } from "../../src/registry/registry.ts";
import { ClusterView } from "../../src/registry/view.ts";

export const AT = "2026-01-01T00:00:00.000Z";

/**
 * A view fed by hand: `reset` gives its first snapshot (with the cluster record, as etcd holds
 * it once a unit was created, unless `cluster` is false), `push` applies changes at a new
 * revision.
 */
export async function fedView(initial: Change[] = [], options: { cluster?: boolean } = {}) {
  let handlers: WatchHandlers | undefined;
  let revision = 1;
  const registry = {
    watch: async (given: WatchHandlers) => {
      handlers = given;
      given.reset({
        revision,
        changes: [
          ...(options.cluster === false
            ? []
            : [{ kind: "cluster" as const, value: CLUSTER_RECORD }]),
          ...initial,
        ],
      });
      return { close: async () => {} };
    },
  } as unknown as Registry;
  const view = new ClusterView();
  await view.start(registry);
  return {
    view,
    push: (...changes: Change[]) => handlers?.changes(++revision, changes),
    stop: () => view.stop(),
  };
}

export function machineRecord(id: string, metadata: Record<string, string> = {}) {
  return {
    id,
    publicIP: "127.0.0.1",
    privateIP: "127.0.0.1",
    metadata,
    agentURL: "http://127.0.0.1:1",
    version: "test",
    startedAt: AT,
    heartbeatAt: AT,
  };
}

export function unitRecord(
  name: string,
  hash: string,
  desiredState: UnitRecord["desiredState"],
  createdAt = AT,
): UnitRecord {
  return { name, hash, desiredState, createdAt, updatedAt: createdAt };
}

/** The etcd writes an engine makes for these actions, as the watch delivers them. */
export function writesOf(actions: Actions, view: ClusterView): Change[] {
  return [
    ...actions.place.map(
      ({ unit, machineId }): Change => ({
        kind: "placement",
        name: unit,
        value: { machineId, placedAt: AT },
      }),
    ),
    ...actions.unplace
      .filter(({ unit, machineId }) => view.placements.get(unit)?.machineId === machineId)
      .map(({ unit }): Change => ({ kind: "placement", name: unit })),
    ...actions.status.map(
      ({ unit, reason }): Change => ({
        kind: "schedule",
        name: unit,
        value: reason === undefined ? undefined : { reason, since: AT },
      }),
    ),
  ];
}
