import type { Registry, WriteResult } from "../../src/registry/registry.ts";

export interface FailableRegistry {
  /** The registry to hand to the routes: it misbehaves as told below. */
  registry: Registry;
  /** From now on every call fails with `error` (undefined: calls go through again). */
  fail(error: Error | undefined): void;
  /**
   * From now on (true) every compare-and-swap write of a unit, of a machine's metadata or
   * drain, or of a rollout loses, as if another writer got there first each time.
   */
  loseEveryRace(losing: boolean): void;
}

/** The writes that compare what they read, each answering a WriteResult. */
const COMPARED_WRITES: ReadonlySet<PropertyKey> = new Set([
  "createUnit",
  "updateUnit",
  "writeUnits",
  "deleteUnit",
  "setMetadataOverrides",
  "setMachineDrain",
  "clearMachineDrain",
  "startRollout",
  "advanceRollout",
]);

const LOST: WriteResult = { ok: false, reason: "conflict" };

/**
 * Wraps a registry so that a test can make etcd unreachable (an etcd3 GRPCUnavailableError),
 * broken (any other error) or contended for the routes alone: the view keeps the registry it
 * was started on, so reads go on being served from memory, as they are during a real outage.
 */
export function failable(inner: Registry): FailableRegistry {
  let failure: Error | undefined;
  let losing = false;
  const registry = new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        // Closing must work whatever the test left failing.
        if (failure && property !== "close") return Promise.reject(failure);
        if (losing && COMPARED_WRITES.has(property)) return Promise.resolve(LOST);
        return value.apply(target, args);
      };
    },
  });
  return {
    registry,
    fail: (error) => {
      failure = error;
    },
    loseEveryRace: (on) => {
      losing = on;
    },
  };
}
