/**
 * A registry case shared by the registry contract (the etcd registry and the memory one) and
 * the fast unit tests (the memory one alone): a unit refers to the content of every version
 * in its history, and lets go of a version's content when the version is trimmed or the unit
 * deleted.
 */
import assert from "node:assert/strict";
import { Keys } from "../../src/registry/keys.ts";
import {
  firstContent,
  UNIT_HISTORY_LIMIT,
  type UnitRecord,
  withContent,
  withRolloutChange,
} from "../../src/registry/records.ts";
import type { Registry } from "../../src/registry/registry.ts";
import { newRollout } from "../../src/rollout/create.ts";
import { ROLLOUT_DEFAULTS } from "../../src/rollout/model.ts";

const NAME = "history.service";
const AT = "2026-12-07T15:20:00.000Z";

const hashOf = (n: number) => `history-${n}`;
const textOf = (hash: string) => `text of ${hash}`;

export async function contentHistoryCase(
  registry: Registry,
  /** Reads any key, as etcdctl would. */
  readKey: (key: string) => Promise<string | undefined>,
): Promise<void> {
  const keys = new Keys(registry.prefix);
  const read = async () => {
    const found = await registry.getUnit(NAME);
    assert.ok(found, `${NAME} exists`);
    return found;
  };
  /** Whether the unit refers to the content, and whether the content is stored. */
  const held = async (hash: string) => ({
    referenced: (await readKey(keys.unitFileRef(hash, NAME))) !== undefined,
    stored: (await registry.getUnitText(hash)) === textOf(hash),
  });
  const assertKept = async (hashes: readonly string[], why: string) => {
    for (const hash of hashes)
      assert.deepEqual(await held(hash), { referenced: true, stored: true }, `${hash}: ${why}`);
  };
  const assertGone = async (hashes: readonly string[], why: string) => {
    for (const hash of hashes)
      assert.deepEqual(await held(hash), { referenced: false, stored: false }, `${hash}: ${why}`);
  };

  const first = hashOf(1);
  const created: UnitRecord = {
    name: NAME,
    hash: first,
    desiredState: "inactive",
    createdAt: AT,
    updatedAt: AT,
    history: firstContent(first, AT, "submitted"),
  };
  assert.ok((await registry.createUnit(created, textOf(first))).ok);
  // Two more versions than the history keeps: the first two are trimmed, one by one.
  const last = UNIT_HISTORY_LIMIT + 2;
  for (let n = 2; n <= last; n++) {
    const current = await read();
    const next = withContent(current.value, hashOf(n), AT, "replaced");
    assert.ok((await registry.updateUnit(next, current, textOf(hashOf(n)))).ok, `version ${n}`);
  }
  const kept = Array.from({ length: UNIT_HISTORY_LIMIT }, (_, i) => hashOf(last - i));
  await assertKept(kept, "in the history");
  await assertGone([hashOf(1), hashOf(2)], "trimmed");

  // An older content again is a new version that shares its reference with the old one's.
  const again = hashOf(5);
  const current = await read();
  assert.ok(
    (await registry.updateUnit(withContent(current.value, again, AT), current, textOf(again))).ok,
  );
  await assertGone([hashOf(3)], "trimmed by a version of kept content");
  await assertKept([again], "in the history twice");

  // A rollout's rewrite trims as well; its own reference keeps only its contents.
  const rolledOut = hashOf(100);
  const template = await read();
  const listing = await registry.listRollouts();
  const rewrite = withRolloutChange(template.value, { hash: rolledOut }, AT, "rollout history1");
  const rollout = newRollout({
    id: "history1",
    target: NAME,
    toHash: rolledOut,
    instances: [],
    options: ROLLOUT_DEFAULTS,
    now: Date.parse(AT),
  });
  const started = await registry.startRollout(rollout, {
    lock: listing.lock,
    text: textOf(rolledOut),
    fromHashes: [],
    units: [{ expected: template, record: rewrite }],
  });
  assert.ok(started.ok);
  await assertGone([hashOf(4)], "trimmed by a rollout");
  await assertKept([rolledOut, again], "in the history");

  const history = (await read()).value.history?.map((entry) => entry.hash);
  assert.equal(history?.length, UNIT_HISTORY_LIMIT);
  assert.ok((await registry.deleteUnit(await read())).ok);
  await assertGone(
    (history ?? []).filter((hash) => hash !== rolledOut),
    "its unit deleted",
  );
  assert.equal(await readKey(keys.unitFileRef(rolledOut, NAME)), undefined);
  assert.equal(await registry.getUnitText(rolledOut), textOf(rolledOut), "the rollout's");
}
