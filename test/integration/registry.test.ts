import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { connectEtcd } from "../../src/registry/etcd-client.ts";
import { EtcdRegistry } from "../../src/registry/etcd-registry.ts";
import { RECORD_LAYOUT } from "../../src/registry/layout.ts";
import type { UnitRecord } from "../../src/registry/records.ts";
import type { Change } from "../../src/registry/registry.ts";
import { freshPrefix, rawEtcd, testEtcdEndpoint } from "../support/etcd.ts";
import { waitUntil } from "../support/wait.ts";

function unit(
  name: string,
  hash: string,
  desiredState: UnitRecord["desiredState"] = "inactive",
): UnitRecord {
  const at = new Date().toISOString();
  return { name, hash, desiredState, createdAt: at, updatedAt: at };
}

describe("the etcd registry: what the contract cannot say", () => {
  const prefix = freshPrefix();
  let registry: EtcdRegistry;
  const errors: string[] = [];
  before(() => {
    registry = new EtcdRegistry(connectEtcd({ endpoints: [testEtcdEndpoint()] }), {
      prefix,
      onError: (error, context) => errors.push(`${context}: ${error}`),
    });
  });
  after(() => registry.close());

  test("content leaves no reference keys behind once its last user is deleted", async () => {
    await registry.createUnit(unit("one@1.service", "shared"), "shared text");
    await registry.createUnit(unit("one@2.service", "shared"), "shared text");
    const etcd = rawEtcd();
    try {
      assert.deepEqual(await etcd.getAll().prefix(`${prefix}unit-file-refs/shared/`).keys(), [
        `${prefix}unit-file-refs/shared/one@1.service`,
        `${prefix}unit-file-refs/shared/one@2.service`,
      ]);
      for (const name of ["one@1.service", "one@2.service"]) {
        const read = await registry.getUnit(name);
        assert.ok(read);
        assert.equal((await registry.deleteUnit(read)).ok, true);
      }
      assert.deepEqual(await etcd.getAll().prefix(`${prefix}unit-file-refs/shared/`).keys(), []);
      assert.equal(await etcd.get(`${prefix}unit-files/shared`).string(), null);
    } finally {
      etcd.close();
    }
  });

  test("a snapshot pages through more keys than one range returns", async () => {
    const bulkPrefix = freshPrefix();
    const etcd = rawEtcd();
    try {
      for (let start = 0; start < 4500; start += 100) {
        const ops = Array.from({ length: 100 }, (_, i) =>
          etcd
            .put(`${bulkPrefix}units/bulk-${String(start + i).padStart(5, "0")}.service`)
            .value(JSON.stringify(unit("x", "h"))),
        );
        await etcd
          .if(`${bulkPrefix}none`, "Create", "==", 0)
          .then(...ops)
          .commit();
      }
    } finally {
      etcd.close();
    }
    const bulk = new EtcdRegistry(connectEtcd({ endpoints: [testEtcdEndpoint()] }), {
      prefix: bulkPrefix,
    });
    try {
      const snapshot = await bulk.snapshot();
      assert.equal(snapshot.changes.length, 4500);
      assert.equal(
        new Set(snapshot.changes.map((change) => (change as { name: string }).name)).size,
        4500,
      );
    } finally {
      await bulk.close();
    }
  });

  test("a watch handler that throws is reported, and the watch goes on", async () => {
    const seen: Change[] = [];
    const watch = await registry.watch({
      reset: () => {},
      changes: (_revision, changes) => {
        seen.push(...changes);
        throw new Error("handler bug");
      },
    });
    try {
      await registry.createUnit(unit("first.service", "f"), "f");
      await registry.createUnit(unit("second.service", "s"), "s");
      await waitUntil("both changes", () =>
        seen.some((change) => change.kind === "unit" && change.name === "second.service"),
      );
      assert.ok(errors.some((error) => error.includes("handler bug")));
    } finally {
      await watch.close();
    }
  });

  test("a group of placements larger than one transaction holds is written whole", async () => {
    // 2 operations per placement: more than 64 in one transaction, etcd refuses (--max-txn-ops).
    const group = Array.from({ length: 150 }, (_, i) => ({
      name: `crowd-${String(i).padStart(3, "0")}.service`,
      machineId: "crowded",
    }));
    const [result, after] = await registry.writePlacements([
      group,
      [{ name: "after-crowd.service", machineId: "crowded" }],
    ]);
    assert.equal(result?.ok, true);
    assert.equal(after?.ok, true);
    const etcd = rawEtcd();
    try {
      const placed = await etcd.getAll().prefix(`${prefix}placements/`).keys();
      assert.equal(placed.filter((key) => key.includes("crowd")).length, 151);
    } finally {
      etcd.close();
    }
    const again = await registry.writePlacements([group]);
    assert.deepEqual(again, [{ ok: false, reason: "conflict" }], "its first part is create-only");
  });

  test("a corrupt value is skipped, not fatal", async () => {
    const etcd = rawEtcd();
    try {
      await etcd.put(`${prefix}units/corrupt.service`).value("{not json");
    } finally {
      etcd.close();
    }
    const snapshot = await registry.snapshot();
    const corrupt = snapshot.changes.find(
      (change) => change.kind === "unit" && change.name === "corrupt.service",
    );
    assert.deepEqual(corrupt, { kind: "unit", name: "corrupt.service", value: undefined });
  });

  test("records are written in this version's layout; the previous layout is read upgraded", async () => {
    const etcd = rawEtcd();
    try {
      await registry.createUnit(unit("layout-new.service", "h2"), "text 2");
      const stored = JSON.parse(
        (await etcd.get(`${prefix}units/layout-new.service`).string()) ?? "",
      );
      assert.equal(stored.layout, RECORD_LAYOUT);
      const cluster = JSON.parse((await etcd.get(`${prefix}cluster/record`).string()) ?? "");
      assert.deepEqual(cluster, { layout: RECORD_LAYOUT });

      // As the previous release wrote it: no layout, and no history for a unit that only ever
      // had one content. A field of a later layout is kept as it is.
      const previous = { ...unit("layout-old.service", "h1", "launched"), addedLater: 7 };
      await etcd.put(`${prefix}units/layout-old.service`).value(JSON.stringify(previous));
      const read = await registry.getUnit("layout-old.service");
      assert.ok(read);
      assert.deepEqual(read.value, {
        ...previous,
        history: [{ version: 1, hash: "h1", at: previous.createdAt }],
      });
      const watched = (await registry.snapshot()).changes.find(
        (change) => change.kind === "unit" && change.name === "layout-old.service",
      );
      assert.deepEqual(watched?.kind === "unit" && watched.value, read.value);

      // Written back, it is in this layout, with what it did not know still there.
      assert.equal(
        (await registry.updateUnit({ ...read.value, desiredState: "loaded" }, read)).ok,
        true,
      );
      const rewritten = JSON.parse(
        (await etcd.get(`${prefix}units/layout-old.service`).string()) ?? "",
      );
      assert.equal(rewritten.layout, RECORD_LAYOUT);
      assert.equal(rewritten.addedLater, 7);
      assert.equal(rewritten.desiredState, "loaded");

      // An operator's metadata is a map of the operator's keys, stored as it is.
      assert.equal(
        (await registry.setMetadataOverrides("m-layout", { layout: "rack1" }, undefined)).ok,
        true,
      );
      assert.deepEqual((await registry.getMetadataOverrides("m-layout"))?.value, {
        layout: "rack1",
      });
      assert.deepEqual(
        JSON.parse((await etcd.get(`${prefix}machine-metadata/m-layout`).string()) ?? ""),
        {
          layout: "rack1",
        },
      );
    } finally {
      etcd.close();
    }
  });
});
