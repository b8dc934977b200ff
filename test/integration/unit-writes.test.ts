// UnitWrites read through a watch-fed cache first: whatever the cache says, etcd decides.
// Here the cache is frozen at a moment and etcd moves on behind it.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { connectEtcd } from "../../src/registry/etcd-client.ts";
import { EtcdRegistry } from "../../src/registry/etcd-registry.ts";
import type { UnitRecord } from "../../src/registry/records.ts";
import type { Versioned } from "../../src/registry/registry.ts";
import { ProblemError } from "../../src/server/problems.ts";
import { type UnitCache, UnitWrites } from "../../src/server/writes/units.ts";
import { freshPrefix, testEtcdEndpoint } from "../support/etcd.ts";

const OLD = "[Service]\nExecStart=/bin/sleep 1\n";
const NEW = "[Service]\nExecStart=/bin/sleep 2\n";

/** A cache that holds what etcd had when `freeze` was called, and nothing after. */
class FrozenCache implements UnitCache {
  private units = new Map<string, Versioned<UnitRecord>>();
  private texts = new Map<string, string>();

  constructor(private readonly registry: EtcdRegistry) {}

  async freeze(...names: string[]): Promise<void> {
    this.units = new Map();
    for (const name of names) {
      const unit = await this.registry.getUnit(name);
      if (!unit) continue;
      this.units.set(name, unit);
      const text = await this.registry.getUnitText(unit.value.hash);
      if (text !== undefined) this.texts.set(unit.value.hash, text);
    }
  }

  versionedUnit(name: string) {
    return this.units.get(name);
  }

  unitText(hash: string) {
    return this.texts.get(hash);
  }
}

describe("unit writes over a stale cache", () => {
  let registry: EtcdRegistry;
  let cache: FrozenCache;
  let stale: UnitWrites;
  let direct: UnitWrites;
  before(() => {
    registry = new EtcdRegistry(connectEtcd({ endpoints: [testEtcdEndpoint()] }), {
      prefix: freshPrefix(),
    });
    cache = new FrozenCache(registry);
    stale = new UnitWrites(registry, cache);
    direct = new UnitWrites(registry);
  });
  after(() => registry.close());

  test("an instance takes its template's current content, not the cached one", async () => {
    await direct.submit("web@.service", OLD, { replace: false });
    await cache.freeze("web@.service");
    const replaced = await direct.submit("web@.service", NEW, { replace: true });
    const outcome = await stale.setDesiredState("web@1.service", "launched");
    assert.equal(outcome.created, true);
    assert.equal((await registry.getUnit("web@1.service"))?.value.hash, replaced.hash);
  });

  test("a unit the cache does not know yet is changed, not created twice", async () => {
    await direct.submit("late.service", OLD, { replace: false });
    await cache.freeze();
    const outcome = await stale.setDesiredState("late.service", "loaded");
    assert.deepEqual([outcome.created, outcome.changed], [false, true]);
    assert.equal((await registry.getUnit("late.service"))?.value.desiredState, "loaded");
  });

  test("a no-op by the cache's reading is checked against etcd", async () => {
    await direct.submit("moved.service", OLD, { replace: false });
    await direct.setDesiredState("moved.service", "launched");
    await cache.freeze("moved.service");
    await direct.setDesiredState("moved.service", "inactive");
    const outcome = await stale.setDesiredState("moved.service", "launched");
    assert.equal(outcome.changed, true);
    assert.equal((await registry.getUnit("moved.service"))?.value.desiredState, "launched");
  });

  test("a unit destroyed behind the cache is a 404, and one created behind it is no 404", async () => {
    await direct.submit("gone.service", OLD, { replace: false });
    await cache.freeze("gone.service");
    await direct.destroyUnit("gone.service");
    await assert.rejects(
      stale.setDesiredState("gone.service", "launched"),
      (error: unknown) => error instanceof ProblemError && error.kind === "unit-not-found",
    );
    await cache.freeze();
    await direct.submit("born.service", OLD, { replace: false });
    await stale.destroyUnit("born.service");
    assert.equal(await registry.getUnit("born.service"), undefined);
  });

  test("a conflicting submission by the cache's reading is checked against etcd", async () => {
    await direct.submit("same.service", OLD, { replace: false });
    await cache.freeze("same.service");
    await direct.submit("same.service", NEW, { replace: true });
    const outcome = await stale.submit("same.service", NEW, { replace: false });
    assert.deepEqual([outcome.created, outcome.replaced], [false, false]);
  });
});
