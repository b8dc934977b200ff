// The registry's part in backups, adoption and takeovers, on etcd and on the memory registry
// alike, each in a prefix of its own: the durable keys read back, restored into an empty
// prefix (again without change, refused over other units), the cluster record, a machine's
// unit states, and states written between a takeover and the predecessor's end.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EtcdRegistry } from "../../src/registry/etcd-registry.ts";
import {
  CLUSTER_RECORD,
  type MachineRecord,
  type UnitStateRecord,
} from "../../src/registry/records.ts";
import type { Registry } from "../../src/registry/registry.ts";
import { unitHash } from "../../src/unit/hash.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { serializeUnitFile } from "../../src/unit/serialize.ts";
import { freshPrefix, rawEtcd } from "../support/etcd.ts";
import { MemoryRegistry } from "../support/memory-registry.ts";

const AT = "2026-12-07T21:00:00.000Z";
const parsed = parseUnitFile("[Service]\nExecStart=/bin/sleep 1\n");
assert.ok(parsed.ok);
const TEXT = serializeUnitFile(parsed.file);
const HASH = unitHash(parsed.file);

function machine(id: string): MachineRecord {
  return {
    id,
    publicIP: "192.0.2.1",
    privateIP: "192.0.2.1",
    metadata: {},
    agentURL: `http://${id}.test:4001`,
    version: "0.1.0",
    startedAt: AT,
    heartbeatAt: AT,
  };
}

function state(name: string, machineId: string): UnitStateRecord {
  return {
    name,
    machineId,
    hash: HASH,
    desiredState: "launched",
    loadState: "loaded",
    activeState: "active",
    subState: "running",
    since: AT,
  };
}

function cases(name: string, make: () => { registry: Registry; close: () => void }) {
  describe(name, () => {
    test("a backup holds units, content and the cluster record; it restores into an empty prefix", async () => {
      const source = make();
      const target = make();
      try {
        await source.registry.recordClusterIfUnits();
        assert.deepEqual((await source.registry.readDurable()).entries, [], "nothing yet");
        const created = await source.registry.createUnit(
          {
            name: "web.service",
            hash: HASH,
            desiredState: "launched",
            createdAt: AT,
            updatedAt: AT,
          },
          TEXT,
        );
        assert.ok(created.ok);
        const presence = await source.registry.announceMachine(machine("m1"), 10);
        await source.registry.reportUnitState(presence, state("web.service", "m1"));
        const backup = await source.registry.readDurable();
        const keys = backup.entries.map((entry) => entry.key).sort();
        assert.deepEqual(keys, [
          "cluster/record",
          `unit-file-refs/${HASH}/web.service`,
          `unit-files/${HASH}`,
          "units/web.service",
        ]);
        assert.ok(backup.revision > 0);
        await presence.revoke();

        const restored = await target.registry.restoreDurable(backup.entries);
        assert.deepEqual(restored, { ok: true, written: 4, unchanged: 0 });
        assert.equal(
          (await target.registry.getUnit("web.service"))?.value.desiredState,
          "launched",
        );
        assert.equal(await target.registry.getUnitText(HASH), TEXT);
        const again = await target.registry.restoreDurable(backup.entries);
        assert.deepEqual(again, { ok: true, written: 0, unchanged: 4 });

        const other = backup.entries.map((entry) =>
          entry.key === "units/web.service"
            ? { key: "units/other.service", value: entry.value.replace("web", "other") }
            : entry,
        );
        const refused = await target.registry.restoreDurable(other);
        assert.deepEqual(refused, { ok: false, conflicts: ["units/web.service"] });
        assert.equal(await target.registry.getUnit("other.service"), undefined, "nothing written");
        const invalid = await target.registry.restoreDurable([{ key: "machines/m1", value: "{}" }]);
        assert.deepEqual(invalid, {
          ok: false,
          invalid: "machines/m1 is not a key a backup holds",
        });
      } finally {
        source.close();
        target.close();
      }
    });

    test("a server finding units without the cluster record writes it", async () => {
      const { registry, close } = make();
      try {
        const restored = await registry.restoreDurable([
          { key: `unit-files/${HASH}`, value: TEXT },
          {
            key: "units/old.service",
            value: JSON.stringify({
              name: "old.service",
              hash: HASH,
              desiredState: "loaded",
              createdAt: AT,
              updatedAt: AT,
            }),
          },
        ]);
        assert.ok(restored.ok);
        // A restore writes the record too; as a cluster from before it, take it away.
        const snapshot = await registry.snapshot();
        assert.ok(snapshot.changes.some((change) => change.kind === "cluster"));
        await dropClusterRecord(registry);
        await registry.recordClusterIfUnits();
        const after = await registry.snapshot();
        assert.deepEqual(
          after.changes.filter((change) => change.kind === "cluster"),
          [{ kind: "cluster", value: CLUSTER_RECORD }],
        );
      } finally {
        close();
      }
    });

    test("a machine's unit states, and those written under a successor before the predecessor ends", async () => {
      const { registry, close } = make();
      try {
        const first = await registry.announceMachine(machine("m2"), 10);
        await registry.reportUnitStates(
          first,
          "m2",
          [state("a.service", "m2"), state("b.service", "m2")],
          [],
        );
        const elsewhere = await registry.announceMachine(machine("m3"), 10);
        await registry.reportUnitState(elsewhere, state("a.service", "m3"));
        const states = await registry.unitStatesOf("m2");
        assert.deepEqual(states.map((found) => found.name).sort(), ["a.service", "b.service"]);

        const successor = await registry.announceMachine(
          machine("m2"),
          10,
          () => true,
          async (presence) => {
            await registry.reportUnitState(presence, state("a.service", "m2"));
          },
        );
        assert.deepEqual(
          (await registry.unitStatesOf("m2")).map((found) => found.name),
          ["a.service"],
          "the adopted state stays; the predecessor's other went with its lease",
        );
        await successor.revoke();
        await elsewhere.revoke();
      } finally {
        close();
      }
    });
  });
}

/** Deletes the cluster record behind the registry's back, as a cluster from before it lacks it. */
async function dropClusterRecord(registry: Registry): Promise<void> {
  if (registry instanceof MemoryRegistry) {
    registry.forgetClusterRecord();
    return;
  }
  const etcd = rawEtcd();
  try {
    await etcd
      .delete()
      .key(`${(registry as EtcdRegistry).prefix}cluster/record`)
      .exec();
  } finally {
    etcd.close();
  }
}

cases("the memory registry", () => {
  const registry = new MemoryRegistry();
  return { registry, close: () => void registry.close() };
});

cases("the etcd registry", () => {
  const etcd = rawEtcd();
  const registry = new EtcdRegistry(etcd, { prefix: freshPrefix() });
  return { registry, close: () => etcd.close() };
});
