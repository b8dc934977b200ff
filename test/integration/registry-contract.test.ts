/**
 * One set of cases for every Registry: the etcd one, and the in-memory one other tests use
 * instead of etcd. What the memory registry does differently from etcd fails here.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, test } from "node:test";
import { ClientClosedError, EtcdLeaseInvalidError } from "etcd3";
import { connectEtcd } from "../../src/registry/etcd-client.ts";
import { EtcdRegistry, MachineIdInUseError } from "../../src/registry/etcd-registry.ts";
import {
  CLUSTER_RECORD,
  type MachineRecord,
  type RolloutRecord,
  type UnitRecord,
  type UnitStateRecord,
} from "../../src/registry/records.ts";
import type {
  Change,
  Registry,
  Revision,
  Snapshot,
  WriteResult,
} from "../../src/registry/registry.ts";
import { ROLLOUT_DEFAULTS } from "../../src/rollout/model.ts";
import { contentHistoryCase } from "../support/content-history-case.ts";
import { freshPrefix, rawEtcd, testEtcdEndpoint } from "../support/etcd.ts";
import { MemoryRegistry } from "../support/memory-registry.ts";
import { TcpProxy } from "../support/tcp-proxy.ts";
import { waitUntil } from "../support/wait.ts";

/**
 * A client of the store a suite runs against. Each call of `make` opens another one, as
 * another process would; close() ends it as a process that dies: the leases it kept alive
 * then run out on their own.
 */
interface Client {
  registry: Registry;
  close(): Promise<void>;
}

const CONFLICT: WriteResult = { ok: false, reason: "conflict" };

function unit(
  name: string,
  hash: string,
  desiredState: UnitRecord["desiredState"] = "inactive",
): UnitRecord {
  const at = new Date().toISOString();
  return { name, hash, desiredState, createdAt: at, updatedAt: at };
}

function rolloutRecord(id: string, toHash: string): RolloutRecord {
  const at = new Date().toISOString();
  return {
    id,
    target: "roll@.service",
    toHash,
    options: { ...ROLLOUT_DEFAULTS },
    phase: "canary",
    paused: false,
    instances: [],
    createdAt: at,
    updatedAt: at,
    progressAt: at,
  };
}

function machine(id: string, agentURL = `http://${id}.test:4001`): MachineRecord {
  const at = new Date().toISOString();
  return {
    id,
    publicIP: "192.0.2.1",
    privateIP: "192.0.2.1",
    metadata: { role: "test" },
    agentURL,
    version: "0.1.0",
    startedAt: at,
    heartbeatAt: at,
  };
}

function state(name: string, machineId: string, activeState = "active"): UnitStateRecord {
  return {
    name,
    machineId,
    hash: "h",
    desiredState: "launched",
    loadState: "loaded",
    activeState,
    subState: activeState === "active" ? "running" : "dead",
    since: new Date().toISOString(),
  };
}

function revisionOf(result: WriteResult | undefined): Revision {
  if (!result?.ok) assert.fail(`expected a successful write, got ${JSON.stringify(result)}`);
  return result.revision;
}

/** The change of `kind` about the unit, machine or content `name` among `changes`. */
function pick<K extends Change["kind"]>(
  changes: readonly Change[],
  kind: K,
  name: string,
): Extract<Change, { kind: K }> | undefined {
  return changes.find(
    (change): change is Extract<Change, { kind: K }> =>
      change.kind === kind &&
      ("name" in change
        ? change.name
        : "id" in change
          ? change.id
          : "hash" in change
            ? change.hash
            : change.kind) === name,
  );
}

async function recordOf<K extends Change["kind"]>(
  registry: Registry,
  kind: K,
  name: string,
): Promise<Extract<Change, { kind: K }> | undefined> {
  return pick((await registry.snapshot()).changes, kind, name);
}

/**
 * Awaits what a lease running out settles, polling: the memory registry's lease timers do
 * not hold the process open, and a lease that never runs out fails the case, not hangs it.
 */
async function settled<T>(what: string, promise: Promise<T>): Promise<T> {
  let outcome: { value: T } | undefined;
  let failure: { error: unknown } | undefined;
  promise.then(
    (value) => {
      outcome = { value };
    },
    (error: unknown) => {
      failure = { error };
    },
  );
  const { value } = await waitUntil(what, () => {
    if (failure) throw failure.error;
    return outcome;
  });
  return value;
}

/** Everything a watch delivers, in order. */
interface Recording {
  calls: ("reset" | "changes")[];
  reset: Snapshot | undefined;
  batches: { revision: Revision; changes: Change[] }[];
  close(): Promise<void>;
  /** The changes delivered at `revision`, once delivered. */
  at(revision: Revision): Promise<Change[]>;
}

async function record(registry: Registry): Promise<Recording> {
  const recording: Omit<Recording, "close"> = {
    calls: [],
    reset: undefined,
    batches: [],
    at: (revision) =>
      waitUntil(
        `the batch at revision ${revision}`,
        () => recording.batches.find((batch) => batch.revision === revision)?.changes,
      ),
  };
  const handle = await registry.watch({
    reset: (snapshot) => {
      recording.calls.push("reset");
      recording.reset = snapshot;
    },
    changes: (revision, changes) => {
      recording.calls.push("changes");
      recording.batches.push({ revision, changes });
    },
  });
  return { ...recording, close: () => handle.close() };
}

function registryContract(
  name: string,
  make: () => Promise<Client>,
  /** Reads a key outside the registry's prefix, as etcdctl would. */
  readKey: (key: string) => Promise<string | undefined>,
): void {
  describe(name, () => {
    const opened: Client[] = [];
    let registry: Registry;
    /** Another client of the same store. */
    const open = async (): Promise<Client> => {
      const client = await make();
      opened.push(client);
      return client;
    };
    beforeEach(async () => {
      registry = (await open()).registry;
    });
    afterEach(async () => {
      for (const client of opened.splice(0)) await client.close();
    });

    test("creation is create-only: of racing creators exactly one wins", async () => {
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          registry.createUnit(unit("raced.service", `raced${i}`), `text ${i}`),
        ),
      );
      const winners = results.filter((result) => result.ok);
      assert.equal(winners.length, 1);
      const stored = await registry.getUnit("raced.service");
      assert.ok(stored);
      assert.equal(stored.version, revisionOf(winners[0]));
      assert.equal(
        await registry.getUnitText(stored.value.hash),
        `text ${stored.value.hash.slice("raced".length)}`,
      );
    });

    test("an instance is created only while its template is at the version read", async () => {
      assert.equal((await registry.createUnit(unit("tpl@.service", "tpl"), "tpl")).ok, true);
      const template = await registry.getUnit("tpl@.service");
      assert.ok(template);
      revisionOf(await registry.createUnit(unit("tpl@1.service", "tpl"), "tpl", template));
      revisionOf(
        await registry.updateUnit({ ...template.value, updatedAt: "later" }, template, "tpl"),
      );
      assert.deepEqual(
        await registry.createUnit(unit("tpl@2.service", "tpl"), "tpl", template),
        CONFLICT,
      );
      assert.deepEqual(await registry.listUnitNames("tpl@"), ["tpl@.service", "tpl@1.service"]);
      assert.deepEqual(await registry.listUnitNames("tpl@1"), ["tpl@1.service"]);
    });

    test("updates and deletions compare the version read: a stale writer loses", async () => {
      await registry.createUnit(unit("cas.service", "aaa"), "a");
      const read = await registry.getUnit("cas.service");
      assert.ok(read);
      const first = await registry.updateUnit({ ...read.value, desiredState: "loaded" }, read);
      const second = await registry.updateUnit({ ...read.value, desiredState: "launched" }, read);
      assert.deepEqual(second, CONFLICT);
      const current = await registry.getUnit("cas.service");
      assert.equal(current?.value.desiredState, "loaded");
      assert.equal(current?.version, revisionOf(first));
      assert.deepEqual(await registry.deleteUnit(read), CONFLICT);
      assert.ok(await registry.getUnit("cas.service"));
      assert.ok(current);
      revisionOf(await registry.deleteUnit(current));
      assert.equal(await registry.getUnit("cas.service"), undefined);
    });

    test("units written together are written all or none, each compared as read", async () => {
      await registry.createUnit(unit("tw.service", "tw-service"), "service text");
      await registry.createUnit(unit("tw@.service", "tw-template"), "template text");
      await registry.createUnit(unit("tw.timer", "tw-timer"), "timer text");
      const service = await registry.getUnit("tw.service");
      const template = await registry.getUnit("tw@.service");
      const timer = await registry.getUnit("tw.timer");
      assert.ok(service && template && timer);
      const launched = { ...timer.value, desiredState: "launched" as const };
      const loaded = { ...service.value, desiredState: "loaded" as const };
      const instance = unit("tw@1.service", "tw-template", "loaded");
      const stale = { ...service, version: service.version - 1 };
      const nothingWritten = async (writes: Parameters<Registry["writeUnits"]>[0]) => {
        assert.deepEqual(await registry.writeUnits(writes), CONFLICT);
        assert.deepEqual(await registry.getUnit("tw.timer"), timer);
        assert.deepEqual(await registry.getUnit("tw.service"), service);
        assert.equal(await registry.getUnit("tw@1.service"), undefined);
      };
      const timerLaunched = { kind: "update", expected: timer, record: launched } as const;
      await nothingWritten([timerLaunched, { kind: "update", expected: stale, record: loaded }]);
      await nothingWritten([timerLaunched, { kind: "unchanged", expected: stale }]);
      await nothingWritten([
        timerLaunched,
        { kind: "create", record: unit("tw.service", "tw-other"), text: "other text" },
      ]);
      await nothingWritten([
        timerLaunched,
        {
          kind: "create",
          record: instance,
          text: "template text",
          template: { ...template, version: template.version - 1 },
        },
      ]);
      assert.equal(await registry.getUnitText("tw-other"), undefined);

      const written = revisionOf(
        await registry.writeUnits([
          timerLaunched,
          { kind: "update", expected: service, record: loaded },
          { kind: "create", record: instance, text: "template text", template },
          // Content shared by two units created together is stored once.
          { kind: "create", record: unit("tw@2.service", "tw-template"), text: "template text" },
        ]),
      );
      for (const [name, value] of [
        ["tw.timer", launched],
        ["tw.service", loaded],
        ["tw@1.service", instance],
      ] as const)
        assert.deepEqual(await registry.getUnit(name), { value, version: written }, name);
      assert.equal((await registry.getUnit("tw@2.service"))?.version, written);
      assert.equal(await registry.getUnitText("tw-template"), "template text");
      // A unit left unchanged is compared, not written.
      const current = await registry.getUnit("tw.service");
      assert.ok(current);
      const again = revisionOf(
        await registry.writeUnits([
          { kind: "unchanged", expected: current },
          {
            kind: "update",
            expected: { value: launched, version: written },
            record: { ...launched, desiredState: "loaded" },
          },
        ]),
      );
      assert.ok(again > written);
      assert.deepEqual(await registry.getUnit("tw.service"), current);
    });

    test("units written together move their content as createUnit and updateUnit do", async () => {
      await registry.createUnit(unit("tc.service", "tc-old"), "old text");
      const read = await registry.getUnit("tc.service");
      assert.ok(read);
      revisionOf(
        await registry.writeUnits([
          {
            kind: "update",
            expected: read,
            record: { ...read.value, hash: "tc-new" },
            text: "new text",
          },
          { kind: "create", record: unit("tc.timer", "tc-timer"), text: "timer text" },
        ]),
      );
      assert.equal(await registry.getUnitText("tc-new"), "new text");
      assert.equal(await registry.getUnitText("tc-timer"), "timer text");
      assert.equal(await registry.getUnitText("tc-old"), undefined, "no unit refers to it");
    });

    test("content is stored once by hash and deleted with its last user", async () => {
      await registry.createUnit(unit("one@1.service", "shared"), "shared text");
      await registry.createUnit(unit("one@2.service", "shared"), "shared text");
      assert.deepEqual(await registry.listUnitNames("one@"), ["one@1.service", "one@2.service"]);
      const first = await registry.getUnit("one@1.service");
      assert.ok(first);
      revisionOf(await registry.deleteUnit(first));
      assert.equal(await registry.getUnitText("shared"), "shared text", "still used by one@2");
      const second = await registry.getUnit("one@2.service");
      assert.ok(second);
      revisionOf(await registry.deleteUnit(second));
      assert.equal(await registry.getUnitText("shared"), undefined);
      // No reference outlived its unit: content used again is collected with its new user.
      await registry.createUnit(unit("one@3.service", "shared"), "shared text");
      const third = await registry.getUnit("one@3.service");
      assert.ok(third);
      revisionOf(await registry.deleteUnit(third));
      assert.equal(await registry.getUnitText("shared"), undefined);
    });

    test("a rollout starts only under the lock it read, with its template's content in the same write", async () => {
      await registry.createUnit(unit("roll@.service", "v1"), "v1 text");
      await registry.createUnit(unit("roll@1.service", "v1"), "v1 text");
      const template = await registry.getUnit("roll@.service");
      assert.ok(template);
      const listing = await registry.listRollouts();
      assert.deepEqual(listing.rollouts, []);
      const start = {
        lock: listing.lock,
        text: "v2 text",
        fromHashes: ["v1"],
        units: [{ expected: template, record: { ...template.value, hash: "v2" } }],
      };
      revisionOf(await registry.startRollout(rolloutRecord("r1", "v2"), start));
      assert.equal((await registry.getUnit("roll@.service"))?.value.hash, "v2");
      assert.equal(await registry.getUnitText("v2"), "v2 text");
      // A second start under the same lock, of another rollout, lost the race.
      assert.deepEqual(
        await registry.startRollout(rolloutRecord("r2", "v3"), { ...start, units: [] }),
        CONFLICT,
      );
      const after = await registry.listRollouts();
      assert.deepEqual(
        after.rollouts.map((entry) => entry.value.id),
        ["r1"],
      );
      assert.ok(after.lock > listing.lock);
    });

    test("a rollout's step is written with its units or not at all, and keeps the old content", async () => {
      await registry.createUnit(unit("step@1.service", "step-old"), "step old text");
      const listing = await registry.listRollouts();
      revisionOf(
        await registry.startRollout(rolloutRecord("s1", "step-new"), {
          lock: listing.lock,
          text: "step new text",
          fromHashes: ["step-old"],
          units: [],
        }),
      );
      const [rollout] = (await registry.listRollouts()).rollouts;
      assert.ok(rollout);
      const instance = await registry.getUnit("step@1.service");
      assert.ok(instance);
      const next = { ...rollout.value, phase: "rolling" as const };
      const moved = {
        expected: instance,
        record: { ...instance.value, hash: "step-new", draining: false },
      };
      revisionOf(await registry.advanceRollout(rollout, next, [moved]));
      assert.equal((await registry.getUnit("step@1.service"))?.value.hash, "step-new");
      assert.equal(await registry.getUnitText("step-old"), "step old text", "kept for a revert");
      // Stale: neither the rollout nor the unit changes.
      assert.deepEqual(
        await registry.advanceRollout(rollout, { ...next, phase: "failed" }, []),
        CONFLICT,
      );
      const current = (await registry.listRollouts()).rollouts[0];
      assert.ok(current);
      assert.deepEqual(
        await registry.advanceRollout(current, { ...next, phase: "failed" }, [moved]),
        CONFLICT,
        "the unit moved on since it was read",
      );
      assert.equal((await registry.listRollouts()).rollouts[0]?.value.phase, "rolling");
    });

    test("a step creates and deletes units in its transaction; a rollout deleted lets its content go", async () => {
      const rolloutNamed = async (id: string) => {
        const found = (await registry.listRollouts()).rollouts.find(
          (rollout) => rollout.value.id === id,
        );
        assert.ok(found, `rollout ${id} is there`);
        return found;
      };
      const listing = await registry.listRollouts();
      const start = { lock: listing.lock, text: "canary new text", fromHashes: [], units: [] };
      revisionOf(await registry.startRollout(rolloutRecord("c1", "canary-new"), start));
      const canary = unit("canary@9.service", "canary-new", "launched");
      const begun = await rolloutNamed("c1");
      const next = { ...begun.value, phase: "rolling" as const };
      const created = { created: [canary], deleted: [] };
      revisionOf(await registry.advanceRollout(begun, next, [], created));
      assert.equal((await registry.getUnit("canary@9.service"))?.value.hash, "canary-new");
      const running = await rolloutNamed("c1");
      assert.deepEqual(
        await registry.advanceRollout(running, next, [], created),
        CONFLICT,
        "created only where no unit is",
      );
      const canaryRead = await registry.getUnit("canary@9.service");
      assert.ok(canaryRead);
      const ended = { ...next, phase: "succeeded" as const };
      revisionOf(
        await registry.advanceRollout(running, ended, [], { created: [], deleted: [canaryRead] }),
      );
      assert.equal(await registry.getUnit("canary@9.service"), undefined);
      assert.equal(await registry.getUnitText("canary-new"), "canary new text", "the rollout's");
      const finished = await rolloutNamed("c1");
      assert.deepEqual(
        await registry.deleteRollout({ ...finished, version: running.version }),
        CONFLICT,
        "a stale reader deletes nothing",
      );
      revisionOf(await registry.deleteRollout(finished));
      assert.ok(
        !(await registry.listRollouts()).rollouts.some((rollout) => rollout.value.id === "c1"),
      );
      assert.equal(
        await registry.getUnitText("canary-new"),
        undefined,
        "collected with its last user",
      );
    });

    test("new content replaces a unit's, and the old goes once nothing uses it", async () => {
      await registry.createUnit(unit("edit@1.service", "old"), "old text");
      await registry.createUnit(unit("edit@2.service", "old"), "old text");
      for (const name of ["edit@1.service", "edit@2.service"]) {
        const read = await registry.getUnit(name);
        assert.ok(read);
        revisionOf(await registry.updateUnit({ ...read.value, hash: "new" }, read, "new text"));
        assert.equal(await registry.getUnitText("new"), "new text");
      }
      assert.equal(await registry.getUnitText("old"), undefined);
      const read = await registry.getUnit("edit@1.service");
      assert.ok(read);
      // Without text only the record changes.
      revisionOf(await registry.updateUnit({ ...read.value, desiredState: "loaded" }, read));
      assert.equal(await registry.getUnitText("new"), "new text");
    });

    test("deleting a unit takes its placement and schedule status", async () => {
      await registry.createUnit(unit("gone-placed.service", "gp"), "gp");
      await registry.createUnit(unit("gone-waiting.service", "gw"), "gw");
      revisionOf(
        (await registry.writePlacements([[{ name: "gone-placed.service", machineId: "m" }]]))[0],
      );
      await registry.setScheduleStatus("gone-waiting.service", "no machine");
      assert.ok(await recordOf(registry, "schedule", "gone-waiting.service"));
      for (const name of ["gone-placed.service", "gone-waiting.service"]) {
        const read = await registry.getUnit(name);
        assert.ok(read);
        revisionOf(await registry.deleteUnit(read));
      }
      assert.equal(await recordOf(registry, "placement", "gone-placed.service"), undefined);
      assert.equal(await recordOf(registry, "schedule", "gone-waiting.service"), undefined);
    });

    test("a timer's last elapse is compare-and-swap, and goes with the timer", async () => {
      await registry.createUnit(unit("tick.timer", "tick"), "tick");
      const fired = (second: number, machineId: string) => ({
        elapse: `2026-12-08T10:00:0${second}.000Z`,
        firedAt: `2026-12-08T10:00:0${second}.010Z`,
        machineId,
      });
      assert.equal(await registry.getTimerElapse("tick.timer"), undefined);
      const first = revisionOf(
        await registry.setTimerElapse("tick.timer", fired(2, "m1"), undefined),
      );
      assert.deepEqual(
        await registry.setTimerElapse("tick.timer", fired(2, "m2"), undefined),
        CONFLICT,
        "of two machines claiming one elapse, one wins",
      );
      const read = await registry.getTimerElapse("tick.timer");
      assert.deepEqual(read, { value: fired(2, "m1"), version: first });
      assert.ok(read);
      revisionOf(await registry.setTimerElapse("tick.timer", fired(4, "m2"), read));
      assert.deepEqual(await registry.setTimerElapse("tick.timer", fired(6, "m1"), read), CONFLICT);
      const timer = await registry.getUnit("tick.timer");
      assert.ok(timer);
      revisionOf(await registry.deleteUnit(timer));
      assert.equal(await registry.getTimerElapse("tick.timer"), undefined);
      assert.deepEqual(
        await registry.setTimerElapse("tick.timer", fired(8, "m1"), undefined),
        CONFLICT,
        "a claim racing the timer's deletion leaves nothing behind",
      );
      assert.equal(await registry.getTimerElapse("tick.timer"), undefined);
    });

    test("placements are written group by group, each all or nothing", async () => {
      const names = ["pa", "pb", "pc", "pd", "pe"].map((n) => `${n}.service`);
      for (const name of names) await registry.createUnit(unit(name, name), name);
      const [pa, pb, pc, pd, pe] = names as [string, string, string, string, string];
      const first = await registry.writePlacements([
        [{ name: pa, machineId: "m1" }],
        [{ name: pb, machineId: "m1" }],
      ]);
      assert.equal(first.length, 2);
      assert.equal(revisionOf(first[0]), revisionOf(first[1]), "groups share a transaction");
      const placedA = await recordOf(registry, "placement", pa);
      assert.ok(placedA);
      assert.equal(placedA.value?.machineId, "m1");
      assert.equal(placedA?.version, revisionOf(first[0]));

      const moved = await registry.writePlacements([
        [{ name: pa, machineId: "m2", from: { machineId: "m1", version: placedA.version } }],
      ]);
      revisionOf(moved[0]);

      // The decision read pa before it moved: its group fails whole; the others hold.
      const stale = { machineId: "m1", version: placedA.version };
      const results = await registry.writePlacements([
        [{ name: pc, machineId: "m1" }],
        [
          { name: pd, machineId: "m3" },
          { name: pa, machineId: "m3", from: stale },
        ],
        [{ name: pe, machineId: "m1" }],
        [{ name: pb, machineId: "m3" }],
      ]);
      assert.equal(results.length, 4);
      revisionOf(results[0]);
      assert.deepEqual(results[1], CONFLICT);
      revisionOf(results[2]);
      assert.deepEqual(results[3], CONFLICT, "pb is placed already");
      assert.equal((await recordOf(registry, "placement", pa))?.value?.machineId, "m2");
      assert.equal((await recordOf(registry, "placement", pb))?.value?.machineId, "m1");
      assert.equal((await recordOf(registry, "placement", pc))?.value?.machineId, "m1");
      assert.equal(await recordOf(registry, "placement", pd), undefined);
      assert.equal((await recordOf(registry, "placement", pe))?.value?.machineId, "m1");
    });

    test("a move off a vanished machine holds only while the machine is still gone", async () => {
      const presence = await registry.announceMachine(machine("vanishing"), 10);
      await registry.createUnit(unit("stranded.service", "st"), "st");
      const placed = revisionOf(
        (
          await registry.writePlacements([[{ name: "stranded.service", machineId: "vanishing" }]])
        )[0],
      );
      const move = [
        {
          name: "stranded.service",
          machineId: "elsewhere",
          from: { machineId: "vanishing", version: placed, machineGone: true },
        },
      ];
      assert.deepEqual(await registry.writePlacements([move]), [CONFLICT]);
      await presence.revoke();
      revisionOf((await registry.writePlacements([move]))[0]);
      assert.equal(
        (await recordOf(registry, "placement", "stranded.service"))?.value?.machineId,
        "elsewhere",
      );
    });

    test("moves off a drained machine hold only while it is drained; nothing goes onto one", async () => {
      await registry.createUnit(unit("drain-mover.service", "dm"), "dm");
      const placed = revisionOf(
        (
          await registry.writePlacements([
            [{ name: "drain-mover.service", machineId: "drained-from" }],
          ])
        )[0],
      );
      const move = [
        {
          name: "drain-mover.service",
          machineId: "drained-to",
          from: { machineId: "drained-from", version: placed, machineDrained: true },
        },
      ];
      assert.deepEqual(
        await registry.writePlacements([move]),
        [CONFLICT],
        "not drained (any more)",
      );
      assert.deepEqual(
        await registry.unplace("drain-mover.service", "drained-from", { ifMachineDrained: true }),
        CONFLICT,
      );
      const drain = { since: "2026-12-07T10:15:00.000Z" };
      revisionOf(await registry.setMachineDrain("drained-from", drain, undefined));
      revisionOf(await registry.setMachineDrain("drained-to", drain, undefined));
      assert.deepEqual(await registry.writePlacements([move]), [CONFLICT], "onto a drained one");
      const newDrain = await registry.getMachineDrain("drained-to");
      assert.ok(newDrain);
      revisionOf(await registry.clearMachineDrain("drained-to", newDrain));
      revisionOf((await registry.writePlacements([move]))[0]);
      assert.equal(
        (await recordOf(registry, "placement", "drain-mover.service"))?.value?.machineId,
        "drained-to",
      );
      const oldDrain = await registry.getMachineDrain("drained-from");
      assert.ok(oldDrain);
      revisionOf(await registry.clearMachineDrain("drained-from", oldDrain));
    });

    test("writing a placement clears the unit's schedule status", async () => {
      await registry.createUnit(unit("waiting.service", "wt"), "wt");
      await registry.setScheduleStatus("waiting.service", "no machine fits");
      const status = await recordOf(registry, "schedule", "waiting.service");
      assert.equal(status?.value?.reason, "no machine fits");
      assert.equal(typeof status?.value?.since, "string");
      revisionOf(
        (await registry.writePlacements([[{ name: "waiting.service", machineId: "m" }]]))[0],
      );
      assert.equal(await recordOf(registry, "schedule", "waiting.service"), undefined);
    });

    test("a schedule status is kept only for a unit that exists unplaced", async () => {
      await registry.setScheduleStatus("missing.service", "no machine");
      assert.equal(await recordOf(registry, "schedule", "missing.service"), undefined);
      await registry.createUnit(unit("placed.service", "pl"), "pl");
      await registry.writePlacements([[{ name: "placed.service", machineId: "m" }]]);
      await registry.setScheduleStatus("placed.service", "no machine");
      assert.equal(await recordOf(registry, "schedule", "placed.service"), undefined);
      await registry.createUnit(unit("unplaced.service", "up"), "up");
      await registry.setScheduleStatus("unplaced.service", "first");
      await registry.setScheduleStatus("unplaced.service", "second");
      assert.equal(
        (await recordOf(registry, "schedule", "unplaced.service"))?.value?.reason,
        "second",
      );
      await registry.setScheduleStatus("unplaced.service", undefined);
      assert.equal(await recordOf(registry, "schedule", "unplaced.service"), undefined);
      await registry.setScheduleStatus("unplaced.service", undefined);
    });

    test("unplace holds only on the unit's machine, and with ifMachineGone only while it is gone", async () => {
      await registry.createUnit(unit("leaving.service", "lv"), "lv");
      await registry.writePlacements([[{ name: "leaving.service", machineId: "present" }]]);
      assert.deepEqual(await registry.unplace("leaving.service", "other"), CONFLICT);
      assert.deepEqual(await registry.unplace("nowhere.service", "present"), CONFLICT);
      const presence = await registry.announceMachine(machine("present"), 10);
      assert.deepEqual(
        await registry.unplace("leaving.service", "present", { ifMachineGone: true }),
        CONFLICT,
      );
      assert.ok(await recordOf(registry, "placement", "leaving.service"));
      await presence.revoke();
      revisionOf(await registry.unplace("leaving.service", "present", { ifMachineGone: true }));
      assert.equal(await recordOf(registry, "placement", "leaving.service"), undefined);
      await registry.writePlacements([[{ name: "leaving.service", machineId: "present" }]]);
      const again = await registry.announceMachine(machine("present"), 10);
      revisionOf(await registry.unplace("leaving.service", "present"));
      assert.equal(await recordOf(registry, "placement", "leaving.service"), undefined);
      await again.revoke();
    });

    test("metadata overrides are compare-and-swap; none left deletes them", async () => {
      assert.equal(await registry.getMetadataOverrides("meta"), undefined);
      const created = revisionOf(
        await registry.setMetadataOverrides("meta", { role: "db" }, undefined),
      );
      assert.deepEqual(
        await registry.setMetadataOverrides("meta", { role: "web" }, undefined),
        CONFLICT,
      );
      const read = await registry.getMetadataOverrides("meta");
      assert.deepEqual(read, { value: { role: "db" }, version: created });
      assert.ok(read);
      const changed = revisionOf(
        await registry.setMetadataOverrides("meta", { role: null, disk: "ssd" }, read),
      );
      assert.deepEqual(await registry.setMetadataOverrides("meta", { role: "x" }, read), CONFLICT);
      const current = await registry.getMetadataOverrides("meta");
      assert.deepEqual(current, { value: { role: null, disk: "ssd" }, version: changed });
      revisionOf(await registry.setMetadataOverrides("meta", {}, current));
      assert.equal(await registry.getMetadataOverrides("meta"), undefined);
      assert.equal(
        await recordOf(registry, "machine-metadata", "meta"),
        undefined,
        "the key is gone",
      );
    });

    test("a machine's drain is compare-and-swap, watched, and outlives the machine's presence", async () => {
      assert.equal(await registry.getMachineDrain("drained"), undefined);
      const presence = await registry.announceMachine(machine("drained"), 10);
      const watch = await record(registry);
      const drain = { since: "2026-12-07T10:15:00.000Z", reason: "kernel upgrade" };
      const set = revisionOf(await registry.setMachineDrain("drained", drain, undefined));
      assert.deepEqual(await watch.at(set), [
        { kind: "machine-drain", id: "drained", value: drain },
      ]);
      assert.deepEqual(
        await registry.setMachineDrain("drained", { since: drain.since }, undefined),
        CONFLICT,
        "a drain created meanwhile is not overwritten",
      );
      const read = await registry.getMachineDrain("drained");
      assert.deepEqual(read, { value: drain, version: set });
      assert.ok(read);
      // Not bound to the presence lease: the agent's going leaves it.
      await presence.revoke();
      assert.equal(await registry.getMachine("drained"), undefined);
      assert.deepEqual(await registry.getMachineDrain("drained"), read);
      assert.deepEqual(await recordOf(registry, "machine-drain", "drained"), {
        kind: "machine-drain",
        id: "drained",
        value: drain,
      });
      const replaced = revisionOf(
        await registry.setMachineDrain("drained", { ...drain, reason: "disk swap" }, read),
      );
      assert.deepEqual(await registry.setMachineDrain("drained", drain, read), CONFLICT);
      assert.deepEqual(await registry.clearMachineDrain("drained", read), CONFLICT);
      const current = await registry.getMachineDrain("drained");
      assert.deepEqual(current, {
        value: { since: drain.since, reason: "disk swap" },
        version: replaced,
      });
      assert.ok(current);
      const cleared = revisionOf(await registry.clearMachineDrain("drained", current));
      assert.deepEqual(await watch.at(cleared), [
        { kind: "machine-drain", id: "drained", value: undefined },
      ]);
      assert.equal(await registry.getMachineDrain("drained"), undefined);
      assert.equal(await recordOf(registry, "machine-drain", "drained"), undefined);
      assert.deepEqual(await registry.clearMachineDrain("drained", current), CONFLICT);
      await watch.close();
    });

    test("a machine is announced under its presence lease and gone with it", async () => {
      const presence = await registry.announceMachine(machine("present-1"), 10);
      await registry.reportUnitState(presence, state("p1.service", "present-1"));
      const heartbeat = { ...machine("present-1"), heartbeatAt: "2030-01-01T00:00:00.000Z" };
      await registry.refreshMachine(presence, heartbeat);
      assert.deepEqual(await registry.getMachine("present-1"), heartbeat);
      assert.equal((await registry.storedUnitStates("present-1", ["p1.service"])).size, 1);
      await presence.revoke();
      await presence.revoke();
      assert.equal(await registry.getMachine("present-1"), undefined);
      assert.deepEqual(await registry.storedUnitStates("present-1", ["p1.service"]), new Map());
      await assert.rejects(registry.refreshMachine(presence, heartbeat), EtcdLeaseInvalidError);
      await assert.rejects(
        registry.reportUnitState(presence, state("p1.service", "present-1")),
        EtcdLeaseInvalidError,
      );
      assert.equal(await registry.getMachine("present-1"), undefined);
    });

    test("a predecessor whose lease ends while takeOver decides leaves the id free: it is taken", async () => {
      const first = machine("expiring", "http://same.test:4001");
      const presence = await registry.announceMachine(first, 3);
      const other = (await open()).registry;
      const second = machine("expiring", "http://same.test:4001");
      const successor = await other.announceMachine(second, 3, async () => {
        await presence.revoke();
        return true;
      });
      assert.deepEqual(await registry.getMachine("expiring"), second);
      await successor.revoke();
    });

    test("a machine id in use is refused, unless takeOver says its holder is dead", async () => {
      const first = machine("contested", "http://first.test:4001");
      const presence = await registry.announceMachine(first, 3);
      await registry.reportUnitState(presence, state("c1.service", "contested"));
      const other = (await open()).registry;
      const second = machine("contested", "http://second.test:4001");
      await assert.rejects(other.announceMachine(second, 3), MachineIdInUseError);
      await assert.rejects(
        other.announceMachine(second, 3, () => false),
        MachineIdInUseError,
      );
      assert.deepEqual(await registry.getMachine("contested"), first);

      const watch = await record(registry);
      const asked: MachineRecord[] = [];
      const successor = await other.announceMachine(second, 3, (existing) => {
        asked.push(existing);
        return true;
      });
      assert.deepEqual(asked, [first]);
      assert.deepEqual(await registry.getMachine("contested"), second);
      await settled("the predecessor's loss", presence.lost);
      await waitUntil("the predecessor's unit states gone", async () =>
        watch.batches.some((batch) =>
          batch.changes.some((change) => change.kind === "state" && change.value === undefined),
        ),
      );
      assert.deepEqual(await registry.storedUnitStates("contested", ["c1.service"]), new Map());
      const machineChanges = watch.batches.flatMap((batch) =>
        batch.changes.filter((change) => change.kind === "machine" && change.id === "contested"),
      );
      assert.deepEqual(machineChanges, [{ kind: "machine", id: "contested", value: second }]);
      await watch.close();
      await successor.revoke();
      assert.equal(await registry.getMachine("contested"), undefined);
    });

    test("a presence lease nobody keeps alive runs out, with the machine's unit states", async () => {
      const agent = await open();
      const presence = await agent.registry.announceMachine(machine("lapsing"), 1);
      await agent.registry.reportUnitStates(
        presence,
        "lapsing",
        [state("la.service", "lapsing"), state("lb.service", "lapsing")],
        [],
      );
      const watch = await record(registry);
      await agent.close();
      await waitUntil(
        "the machine gone",
        async () => (await registry.getMachine("lapsing")) === undefined,
      );
      await settled("the agent's loss", presence.lost);
      assert.deepEqual(
        await registry.storedUnitStates("lapsing", ["la.service", "lb.service"]),
        new Map(),
      );
      const gone = await waitUntil("the deletions", () =>
        watch.batches.find((batch) =>
          batch.changes.some((change) => change.kind === "machine" && change.id === "lapsing"),
        ),
      );
      assert.deepEqual(gone.changes, [
        { kind: "machine", id: "lapsing", value: undefined },
        { kind: "state", name: "la.service", machineId: "lapsing", value: undefined },
        { kind: "state", name: "lb.service", machineId: "lapsing", value: undefined },
      ]);
      await watch.close();
    });

    test("unit states are written and withdrawn together, and read back as they were written", async () => {
      const presence = await registry.announceMachine(machine("reporter"), 10);
      const [ra, rb, rc] = ["ra", "rb", "rc"].map((n) => state(`${n}.service`, "reporter")) as [
        UnitStateRecord,
        UnitStateRecord,
        UnitStateRecord,
      ];
      await registry.reportUnitStates(presence, "reporter", [ra, rb], []);
      const watch = await record(registry);
      const failed = { ...rc, activeState: "failed", error: "exit 1", launch: 2 };
      await registry.reportUnitStates(presence, "reporter", [failed], ["ra.service"]);
      const batch = await waitUntil("the report", () =>
        watch.batches.find((found) => found.changes.some((change) => change.kind === "state")),
      );
      assert.deepEqual(batch.changes, [
        { kind: "state", name: "rc.service", machineId: "reporter", value: failed },
        { kind: "state", name: "ra.service", machineId: "reporter", value: undefined },
      ]);
      assert.deepEqual(
        await registry.storedUnitStates("reporter", [
          "ra.service",
          "rb.service",
          "rc.service",
          "rd.service",
        ]),
        new Map([
          ["rb.service", rb],
          ["rc.service", failed],
        ]),
      );
      assert.deepEqual(await registry.storedUnitStates("elsewhere", ["rb.service"]), new Map());
      await registry.reportUnitState(presence, ra);
      assert.deepEqual(
        (await registry.storedUnitStates("reporter", ["ra.service"])).get("ra.service"),
        ra,
      );
      await watch.close();
      await presence.revoke();
    });

    test("an announcement puts its key and record under one lease until withdrawn", async () => {
      const key = `/flotilla-contract-announce/${randomUUID()}/web`;
      const announced = {
        key,
        value: "192.0.2.7:80",
        unit: "web-discovery.service",
        machineId: "announcer",
        ttlSeconds: 30,
        since: new Date().toISOString(),
      };
      const announcement = await registry.announce(announced);
      assert.equal(await readKey(key), "192.0.2.7:80");
      const listed = (await registry.listAnnouncements()).filter((found) => found.key === key);
      assert.equal(listed.length, 1);
      const { remainingSeconds, ...rest } = listed[0] as (typeof listed)[number];
      assert.deepEqual(rest, announced);
      assert.ok(remainingSeconds > 0 && remainingSeconds <= 30, String(remainingSeconds));
      await announcement.refresh();
      assert.equal(await readKey(key), "192.0.2.7:80");
      await announcement.withdraw();
      assert.equal(await readKey(key), undefined);
      assert.deepEqual(
        (await registry.listAnnouncements()).filter((found) => found.key === key),
        [],
      );
    });

    test("an announcement nobody refreshes lapses with its TTL; a refresh puts it back", async () => {
      const key = `/flotilla-contract-announce/${randomUUID()}/lapsing`;
      const announced = {
        key,
        value: "up",
        unit: "beacon.service",
        machineId: "announcer",
        ttlSeconds: 1,
        since: new Date().toISOString(),
      };
      const announcement = await registry.announce(announced);
      const listed = async () =>
        (await registry.listAnnouncements()).filter((found) => found.key === key);
      await waitUntil("the announcement gone", async () => (await listed()).length === 0);
      assert.equal(await readKey(key), undefined);
      await announcement.refresh();
      assert.equal(await readKey(key), "up");
      assert.equal((await listed()).length, 1);
      await announcement.withdraw();
      assert.equal(await readKey(key), undefined);
    });

    test("one leader at a time: the next candidate is elected when the leader resigns", async () => {
      const other = (await open()).registry;
      const leader = await registry.campaign("first", 5);
      let elected = false;
      const next = other.campaign("second", 5).then((leadership) => {
        elected = true;
        return leadership;
      });
      for (let i = 0; i < 5; i++) {
        await other.ping();
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(elected, false, "elected while the first leader leads");
      await leader.resign();
      const second = await settled("the second leader", next);
      await second.resign();
      await leader.resign();
    });

    test("a leader whose lease runs out loses leadership to the next candidate", async () => {
      const lapsing = await open();
      const leader = await lapsing.registry.campaign("lapsing", 1);
      const next = registry.campaign("next", 5);
      await lapsing.close();
      await settled("the first leader's loss", leader.lost);
      const successor = await settled("the next leader", next);
      await successor.resign();
    });

    test("a snapshot holds every kind of record, at a revision", async () => {
      const created = revisionOf(await registry.createUnit(unit("snap-a.service", "sa"), "A"));
      await registry.createUnit(unit("snap-b.service", "sb"), "B");
      const placed = revisionOf(
        (await registry.writePlacements([[{ name: "snap-a.service", machineId: "snap-m" }]]))[0],
      );
      await registry.setScheduleStatus("snap-b.service", "no machine");
      const presence = await registry.announceMachine(machine("snap-m"), 10);
      await registry.setMetadataOverrides("snap-m", { zone: "b" }, undefined);
      const drain = { since: "2026-12-07T10:15:00.000Z" };
      await registry.setMachineDrain("snap-m", drain, undefined);
      await registry.reportUnitState(presence, state("snap-a.service", "snap-m"));
      const announcement = await registry.announce({
        key: `/flotilla-contract-announce/${randomUUID()}/snap`,
        value: "v",
        unit: "snap-a.service",
        machineId: "snap-m",
        ttlSeconds: 30,
        since: new Date().toISOString(),
      });
      const lastWrite = await registry.ping();
      const snapshot = await registry.snapshot();
      assert.ok(snapshot.revision >= lastWrite);
      assert.ok((await registry.ping()) >= snapshot.revision);
      const ours = snapshot.changes.filter((change) => JSON.stringify(change).includes('"snap-'));
      const placedAt = pick(ours, "placement", "snap-a.service")?.value?.placedAt;
      const schedule = pick(ours, "schedule", "snap-b.service")?.value;
      assert.ok(placedAt && schedule);
      const expected: Change[] = [
        { kind: "machine-metadata", id: "snap-m", value: { zone: "b" } },
        { kind: "machine-drain", id: "snap-m", value: drain },
        { kind: "machine", id: "snap-m", value: (await registry.getMachine("snap-m"))! },
        {
          kind: "placement",
          name: "snap-a.service",
          value: { machineId: "snap-m", placedAt },
          version: placed,
        },
        { kind: "schedule", name: "snap-b.service", value: schedule },
        {
          kind: "state",
          name: "snap-a.service",
          machineId: "snap-m",
          value: (await registry.storedUnitStates("snap-m", ["snap-a.service"])).get(
            "snap-a.service",
          ),
        },
        {
          kind: "unit",
          name: "snap-a.service",
          value: (await registry.getUnit("snap-a.service"))!.value,
          version: created,
        },
        {
          kind: "unit",
          name: "snap-b.service",
          value: (await registry.getUnit("snap-b.service"))!.value,
          version: (await registry.getUnit("snap-b.service"))!.version,
        },
      ];
      const sorted = (changes: Change[]) => changes.map((change) => JSON.stringify(change)).sort();
      assert.deepEqual(sorted(ours), sorted(expected));
      assert.deepEqual(
        snapshot.changes.filter(
          (change) => change.kind === "unit-file" && ["sa", "sb"].includes(change.hash),
        ),
        [
          { kind: "unit-file", hash: "sa", text: "A" },
          { kind: "unit-file", hash: "sb", text: "B" },
        ],
      );
      await announcement.withdraw();
      await presence.revoke();
    });

    test("a watch resets first, then delivers each write as one batch at its revision", async () => {
      await registry.createUnit(unit("w-before.service", "wbefore"), "before");
      const before = await registry.getUnit("w-before.service");
      const watch = await record(registry);
      assert.deepEqual(watch.calls, ["reset"]);
      const reset = watch.reset;
      assert.ok(reset);
      assert.deepEqual(
        reset.changes.find(
          (change) => change.kind === "unit" && change.name === "w-before.service",
        ),
        { kind: "unit", name: "w-before.service", value: before?.value, version: before?.version },
      );

      const a = unit("w-a.service", "wa");
      const created = revisionOf(await registry.createUnit(a, "text a"));
      assert.deepEqual(await watch.at(created), [
        { kind: "unit", name: "w-a.service", value: a, version: created },
        { kind: "unit-file", hash: "wa", text: "text a" },
        // Every unit created puts the cluster record (see Keys.cluster).
        { kind: "cluster", value: CLUSTER_RECORD },
      ]);

      await registry.createUnit(unit("w-b.service", "wb"), "text b");
      await registry.setScheduleStatus("w-b.service", "no machine");
      const [group] = await registry.writePlacements([
        [
          { name: "w-a.service", machineId: "w-m" },
          { name: "w-b.service", machineId: "w-m" },
        ],
      ]);
      const placed = revisionOf(group);
      const placement = await watch.at(placed);
      const placedAt = placement[0]?.kind === "placement" ? placement[0].value?.placedAt : "";
      assert.deepEqual(placement, [
        {
          kind: "placement",
          name: "w-a.service",
          value: { machineId: "w-m", placedAt },
          version: placed,
        },
        {
          kind: "placement",
          name: "w-b.service",
          value: { machineId: "w-m", placedAt },
          version: placed,
        },
        { kind: "schedule", name: "w-b.service", value: undefined },
      ]);

      const read = await registry.getUnit("w-a.service");
      assert.ok(read);
      const launched = { ...read.value, desiredState: "launched" as const };
      const updated = revisionOf(await registry.updateUnit(launched, read));
      assert.deepEqual(await watch.at(updated), [
        { kind: "unit", name: "w-a.service", value: launched, version: updated },
      ]);
      assert.equal((await registry.getUnit("w-a.service"))?.version, updated);

      const deleted = revisionOf(await registry.deleteUnit({ value: launched, version: updated }));
      assert.deepEqual(await watch.at(deleted), [
        { kind: "unit", name: "w-a.service", value: undefined },
        { kind: "placement", name: "w-a.service", value: undefined },
      ]);
      const collected = await waitUntil("the content deletion", () =>
        watch.batches.find((batch) =>
          batch.changes.some(
            (change) =>
              change.kind === "unit-file" && change.hash === "wa" && change.text === undefined,
          ),
        ),
      );
      assert.ok(collected.revision > deleted);
      assert.deepEqual(collected.changes, [{ kind: "unit-file", hash: "wa", text: undefined }]);

      const revisions = watch.batches.map((batch) => batch.revision);
      assert.ok(revisions.every((revision) => revision > reset.revision));
      assert.ok(
        revisions.every((revision, i) => i === 0 || revision > (revisions[i - 1] as number)),
        `revisions in order: ${revisions.join(", ")}`,
      );
      assert.deepEqual(watch.calls, ["reset", ...watch.batches.map(() => "changes")]);
      await watch.close();
    });

    test("a closed watch delivers nothing more", async () => {
      const closing = await record(registry);
      const staying = await record(registry);
      await closing.close();
      const created = revisionOf(
        await registry.createUnit(unit("after-close.service", "ac"), "ac"),
      );
      await staying.at(created);
      assert.deepEqual(closing.batches, []);
      await staying.close();
    });

    // Last: it leaves a rollout behind, which the cases that list rollouts would see.
    test("refs are kept for every hash of a unit's history, dropped when trimmed or deleted", async () => {
      await contentHistoryCase(registry, readKey);
    });
  });
}

const memory = new MemoryRegistry();
registryContract(
  "the memory registry, by the registry contract",
  async () => {
    const registry = new MemoryRegistry({ sharing: memory });
    return { registry, close: () => registry.close() };
  },
  async (key) => memory.readKey(key),
);

describe("the memory registry's test hooks", () => {
  test("a lease made to expire now takes its keys, and its holder learns it is lost", async () => {
    const registry = new MemoryRegistry();
    const watch = await record(registry);
    const presence = await registry.announceMachine(machine("doomed"), 60);
    await registry.reportUnitState(presence, state("d.service", "doomed"));
    registry.expireLease(presence.leaseId);
    await presence.lost;
    assert.equal(await registry.getMachine("doomed"), undefined);
    const revision = await registry.ping();
    assert.deepEqual(await watch.at(revision), [
      { kind: "machine", id: "doomed", value: undefined },
      { kind: "state", name: "d.service", machineId: "doomed", value: undefined },
    ]);
    const again = await registry.announceMachine(machine("doomed"), 60);
    registry.expireMachine("doomed");
    await again.lost;
    assert.equal(await registry.getMachine("doomed"), undefined);
    await watch.close();
    await registry.close();
  });

  test("a closed client is refused, as a closed etcd client is", async () => {
    const registry = new MemoryRegistry();
    await registry.close();
    await assert.rejects(registry.getUnit("any.service"), ClientClosedError);
  });
});

const etcdPrefix = freshPrefix();
registryContract(
  "the etcd registry",
  async () => {
    // Each client reaches etcd through a proxy of its own: cutting it is how a client dies
    // for etcd, which then lets the leases it kept alive run out. Closing an etcd3 client
    // alone would leave a keep-alive stream already open running.
    const proxy = TcpProxy.forUrl(testEtcdEndpoint());
    await proxy.start();
    const registry = new EtcdRegistry(connectEtcd({ endpoints: [proxy.url] }), {
      prefix: etcdPrefix,
    });
    let closed = false;
    return {
      registry,
      close: async () => {
        if (closed) return;
        closed = true;
        proxy.cut();
        await registry.close();
        await proxy.stop();
      },
    };
  },
  async (key) => {
    const etcd = rawEtcd();
    try {
      return (await etcd.get(key).string()) ?? undefined;
    } finally {
      etcd.close();
    }
  },
);
