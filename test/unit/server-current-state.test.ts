import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { DesiredState, UnitRecord, UnitStateRecord } from "../../src/registry/records.ts";
import { currentStateOf } from "../../src/server/entities.ts";

const at = "2026-12-07T09:30:00.000Z";

function unit(desiredState: DesiredState, launches = 1): UnitRecord {
  return {
    name: "a.service",
    hash: "0".repeat(40),
    desiredState,
    createdAt: at,
    updatedAt: at,
    launches,
  };
}

function report(activeState: string, launch = 1): UnitStateRecord {
  return {
    name: "a.service",
    machineId: "m1",
    hash: "0".repeat(40),
    desiredState: "launched",
    loadState: "loaded",
    activeState,
    subState: activeState === "active" ? "running" : "dead",
    since: at,
    launch,
  };
}

describe("a unit's current state", () => {
  test("inactive until its machine reports it", () => {
    assert.equal(currentStateOf(undefined, unit("launched"), "m1"), "inactive");
    assert.equal(currentStateOf(report("active"), unit("launched"), undefined), "inactive");
  });

  test("a start is over when the unit is active, and not before", () => {
    for (const [activeState, expected] of [
      ["inactive", "loaded"],
      ["activating", "loaded"],
      ["active", "launched"],
      ["reloading", "launched"],
      ["deactivating", "loaded"],
      ["failed", "loaded"],
    ] as const) {
      assert.equal(
        currentStateOf(report(activeState), unit("launched"), "m1"),
        expected,
        activeState,
      );
    }
  });

  test("a stop is over when nothing of the unit runs, and not before", () => {
    for (const [activeState, expected] of [
      ["active", "launched"],
      ["deactivating", "launched"],
      ["activating", "launched"],
      ["inactive", "loaded"],
      ["failed", "loaded"],
    ] as const) {
      assert.equal(
        currentStateOf(report(activeState), unit("loaded"), "m1"),
        expected,
        activeState,
      );
    }
  });

  test("a restart is over when the launch asked for runs", () => {
    assert.equal(currentStateOf(report("active", 1), unit("launched", 2), "m1"), "loaded");
    assert.equal(currentStateOf(report("active", 2), unit("launched", 2), "m1"), "launched");
  });
});
