import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeRecord, encodeRecord, RECORD_LAYOUT } from "../../src/registry/layout.ts";
import type { UnitRecord } from "../../src/registry/records.ts";

const AT = "2026-12-07T10:00:00.000Z";
const unit: UnitRecord = {
  name: "web.service",
  hash: "abc",
  desiredState: "launched",
  createdAt: AT,
  updatedAt: AT,
  launches: 1,
};

describe("record layouts", () => {
  test("a record is written with this version's layout, and read back without it", () => {
    const stored = encodeRecord("unit", unit);
    assert.equal(JSON.parse(stored).layout, RECORD_LAYOUT);
    assert.deepEqual(decodeRecord("unit", stored), unit);
  });

  test("a record without a layout is of layout 1: a unit of it gets its history", () => {
    const previous = JSON.stringify(unit);
    assert.deepEqual(decodeRecord("unit", previous), {
      ...unit,
      history: [{ version: 1, hash: "abc", at: AT }],
    });
  });

  test("a unit of layout 1 keeps the history it has", () => {
    const history = [
      { version: 1, hash: "old", at: AT },
      { version: 2, hash: "abc", at: AT, cause: "replaced" },
    ];
    assert.deepEqual(decodeRecord("unit", JSON.stringify({ ...unit, history })), {
      ...unit,
      history,
    });
  });

  test("kinds that did not change between layouts read as they are", () => {
    const placement = { machineId: "m1", placedAt: AT };
    assert.deepEqual(decodeRecord("placement", JSON.stringify(placement)), placement);
    assert.deepEqual(decodeRecord("cluster", JSON.stringify({ layout: 1 })), {});
  });

  test("a record of a later layout is read as it is, with the fields this version does not know", () => {
    const later = { ...unit, history: [], layout: RECORD_LAYOUT + 1, addedLater: { x: 1 } };
    const read = decodeRecord<Record<string, unknown>>("unit", JSON.stringify(later));
    const { layout: _layout, ...expected } = later;
    assert.deepEqual(read, expected);
    assert.equal(JSON.parse(encodeRecord("unit", read ?? {})).addedLater.x, 1);
  });

  test("what is not a JSON object reads as absent", () => {
    for (const text of ["{not json", "null", "3", '"text"', "[1]"]) {
      assert.equal(decodeRecord("unit", text), undefined, text);
    }
    assert.equal(decodeRecord("unit", undefined), undefined);
  });

  test("an operator's metadata is stored as it is: `layout` may be one of its keys", () => {
    const overrides = { layout: "rack1", zone: null };
    const stored = encodeRecord("machine-metadata", overrides);
    assert.deepEqual(JSON.parse(stored), overrides);
    assert.deepEqual(decodeRecord("machine-metadata", stored), overrides);
  });
});
