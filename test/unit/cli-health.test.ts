// How the CLI shows a unit's health: list-units' HEALTH column and the lines of `status`.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Unit } from "../../src/cli/api-types.ts";
import { healthLines, healthStatusOf } from "../../src/cli/unit-states.ts";

const AT = "2026-12-07T10:00:40.000Z";

function unitWith(health?: Unit["health"]): Unit {
  return {
    name: "apache@80.service",
    kind: "instance",
    template: "apache@.service",
    hash: "0".repeat(40),
    shortHash: "0000000",
    desiredState: "launched",
    currentState: "launched",
    createdAt: AT,
    updatedAt: AT,
    ...(health ? { health } : {}),
  };
}

describe("health in the CLI", () => {
  test("the HEALTH column: the status, or empty (shown as -) when no machine reports the unit", () => {
    assert.equal(healthStatusOf(unitWith({ status: "healthy" })), "healthy");
    assert.equal(healthStatusOf(unitWith({ status: "none" })), "none");
    assert.equal(healthStatusOf(unitWith()), "");
  });

  test("status shows the health, what judges it, and the check that gave it on one line", () => {
    assert.deepEqual(
      healthLines(
        unitWith({
          status: "unhealthy",
          since: AT,
          failures: 3,
          lastCheckAt: AT,
          lastOutput: "exit status 1:\nwget: can't connect\n",
          probe: "container-exec",
        }),
      ),
      [
        `   Health: unhealthy (container-exec check) since ${AT}; 3 failed checks in a row`,
        `    Check: ${AT} exit status 1: wget: can't connect`,
      ],
    );
    assert.deepEqual(
      healthLines(unitWith({ status: "healthy", since: AT, failures: 0, probe: "image" })),
      [`   Health: healthy (the image's HEALTHCHECK) since ${AT}`],
    );
    assert.deepEqual(healthLines(unitWith({ status: "none" })), [
      "   Health: none (no check, or not running)",
    ]);
    assert.deepEqual(healthLines(unitWith()), []);
  });
});
