// A unit's content history: a version per change of content, the oldest trimmed, a record
// from before histories read as one version, and the references to content that follow it.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { contentRefChanges, droppedContents } from "../../src/registry/content-refs.ts";
import {
  contentHistory,
  currentVersion,
  firstContent,
  keptContents,
  UNIT_HISTORY_LIMIT,
  type UnitRecord,
  withContent,
  withRolloutChange,
} from "../../src/registry/records.ts";

const CREATED = "2026-12-07T09:00:00.000Z";
const at = (minute: number) => `2026-12-07T10:${String(minute).padStart(2, "0")}:00.000Z`;

function unit(fields: Partial<UnitRecord> = {}): UnitRecord {
  return {
    name: "web@.service",
    hash: "h1",
    desiredState: "inactive",
    createdAt: CREATED,
    updatedAt: CREATED,
    history: firstContent("h1", CREATED, "submitted"),
    ...fields,
  };
}

/** The record after versions h2..h`last`, each replacing the one before. */
function replacedUpTo(last: number): UnitRecord {
  let record = unit();
  for (let n = 2; n <= last; n++) record = withContent(record, `h${n}`, at(n), "replaced");
  return record;
}

describe("a unit's content history", () => {
  test("a new unit's content is version 1", () => {
    const record = unit();
    assert.deepEqual(contentHistory(record), [
      { version: 1, hash: "h1", at: CREATED, cause: "submitted" },
    ]);
    assert.equal(currentVersion(record), 1);
  });

  test("new content is the next version, from then, for its cause", () => {
    const record = withContent(unit(), "h2", at(5), "rollout 3f9c21ab");
    assert.equal(record.hash, "h2");
    assert.equal(record.updatedAt, at(5));
    assert.equal(record.createdAt, CREATED);
    assert.deepEqual(contentHistory(record), [
      { version: 1, hash: "h1", at: CREATED, cause: "submitted" },
      { version: 2, hash: "h2", at: at(5), cause: "rollout 3f9c21ab" },
    ]);
    assert.equal(currentVersion(record), 2);
  });

  test("the same content again adds nothing and changes nothing", () => {
    const record = unit();
    assert.equal(withContent(record, "h1", at(5), "replaced"), record);
  });

  test("an older content again is a version of its own", () => {
    const record = withContent(withContent(unit(), "h2", at(1)), "h1", at(2), "replaced");
    assert.deepEqual(
      contentHistory(record).map((entry) => [entry.version, entry.hash]),
      [
        [1, "h1"],
        [2, "h2"],
        [3, "h1"],
      ],
    );
    assert.equal(contentHistory(record)[1]?.cause, undefined, "a cause only when given");
    assert.deepEqual([...keptContents(record)], ["h1", "h2"]);
  });

  test(`only the last ${UNIT_HISTORY_LIMIT} versions are kept; the numbers go on`, () => {
    const record = replacedUpTo(UNIT_HISTORY_LIMIT + 2);
    const history = contentHistory(record);
    assert.equal(history.length, UNIT_HISTORY_LIMIT);
    assert.deepEqual(history[0], { version: 3, hash: "h3", at: at(3), cause: "replaced" });
    assert.equal(history.at(-1)?.version, UNIT_HISTORY_LIMIT + 2);
    assert.equal(currentVersion(record), UNIT_HISTORY_LIMIT + 2);
  });

  test("a record from before histories reads as its content, version 1 since its creation", () => {
    const { history: _none, ...legacy } = unit({ hash: "old", updatedAt: at(9) });
    assert.deepEqual(contentHistory(legacy), [{ version: 1, hash: "old", at: CREATED }]);
    const replaced = withContent(legacy, "new", at(10), "replaced");
    assert.deepEqual(contentHistory(replaced), [
      { version: 1, hash: "old", at: CREATED },
      { version: 2, hash: "new", at: at(10), cause: "replaced" },
    ]);
  });

  test("a hash changed without its history (a writer that predates it) is its newest version", () => {
    const record = { ...unit(), hash: "h2", updatedAt: at(3) };
    assert.deepEqual(contentHistory(record).at(-1), { version: 2, hash: "h2", at: at(3) });
  });

  test("a rollout's change of content is a version for its cause; a drain alone is none", () => {
    const drained = withRolloutChange(unit(), { draining: true }, at(1), "rollout 3f9c21ab");
    assert.equal(drained.draining, true);
    assert.equal(currentVersion(drained), 1);
    assert.equal(drained.updatedAt, CREATED);
    const moved = withRolloutChange(
      drained,
      { hash: "h2", draining: false },
      at(2),
      "rollout 3f9c21ab",
    );
    assert.equal(moved.draining, undefined);
    assert.deepEqual(contentHistory(moved).at(-1), {
      version: 2,
      hash: "h2",
      at: at(2),
      cause: "rollout 3f9c21ab",
    });
    assert.equal(
      contentHistory(withRolloutChange(unit(), { hash: "h2" }, at(2))).at(-1)?.cause,
      "rollout",
    );
    const same = withRolloutChange(unit(), { hash: "h1" }, at(2), "rollout 3f9c21ab");
    assert.deepEqual(same, unit(), "the same content: no version");
  });
});

describe("a unit's references to content", () => {
  test("created, it refers to its content; deleted, to none", () => {
    assert.deepEqual(contentRefChanges(undefined, unit()), { added: ["h1"], dropped: [] });
    const record = replacedUpTo(3);
    assert.deepEqual(contentRefChanges(record, undefined), {
      added: [],
      dropped: ["h1", "h2", "h3"],
    });
  });

  test("new content adds one and drops none, until a version is trimmed", () => {
    const before = replacedUpTo(UNIT_HISTORY_LIMIT);
    const next = withContent(before, "new", at(50));
    assert.deepEqual(contentRefChanges(before, next), { added: ["new"], dropped: ["h1"] });
    const early = replacedUpTo(2);
    assert.deepEqual(contentRefChanges(early, withContent(early, "h3", at(3))), {
      added: ["h3"],
      dropped: [],
    });
  });

  test("content kept by another version is neither added nor dropped", () => {
    const before = replacedUpTo(UNIT_HISTORY_LIMIT);
    // h2 comes back as h1, the only version of its own content, is trimmed; then h4 comes
    // back as h2 is trimmed, which its newer version keeps.
    const next = withContent(before, "h2", at(50));
    assert.deepEqual(contentRefChanges(before, next), { added: [], dropped: ["h1"] });
    assert.deepEqual(contentRefChanges(next, withContent(next, "h4", at(51))), {
      added: [],
      dropped: [],
    });
  });

  test("a record rewritten without a change of content changes no reference", () => {
    const record = replacedUpTo(4);
    assert.deepEqual(contentRefChanges(record, { ...record, desiredState: "loaded" }), {
      added: [],
      dropped: [],
    });
  });

  test("a rollout's rewrites drop each trimmed content once", () => {
    const full = replacedUpTo(UNIT_HISTORY_LIMIT);
    const rewrites = [
      { expected: { value: full }, record: withContent(full, "new", at(50)) },
      { expected: { value: full }, record: withContent(full, "new", at(50)) },
      { expected: { value: unit() }, record: withContent(unit(), "h2", at(50)) },
    ];
    assert.deepEqual(droppedContents(rewrites), ["h1"]);
  });
});
