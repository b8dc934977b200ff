import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { serviceDefinition } from "../../src/unit/service.ts";

function definitionOf(text: string) {
  const parsed = parseUnitFile(text);
  assert.ok(parsed.ok);
  return serviceDefinition(parsed.file, { unitName: "a.service" });
}

describe("serviceDefinition: the start limit", () => {
  test("systemd's defaults: 5 starts within 10 s", () => {
    assert.deepEqual(definitionOf("[Service]\nExecStart=/bin/true\n").startLimit, {
      intervalSeconds: 10,
      burst: 5,
    });
  });

  test("[Unit] StartLimitIntervalSec= and StartLimitBurst=; 0 turns the limit off", () => {
    const text =
      "[Unit]\nStartLimitIntervalSec=1min 30s\nStartLimitBurst=2\n[Service]\nExecStart=/bin/true\n";
    assert.deepEqual(definitionOf(text).startLimit, { intervalSeconds: 90, burst: 2 });
    const off = "[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=/bin/true\n";
    assert.equal(definitionOf(off).startLimit.intervalSeconds, 0);
  });

  test("older systemd's StartLimitInterval= in [Service], and values that do not parse", () => {
    const legacy = "[Service]\nExecStart=/bin/true\nStartLimitInterval=20\nStartLimitBurst=7\n";
    assert.deepEqual(definitionOf(legacy).startLimit, { intervalSeconds: 20, burst: 7 });
    const bad =
      "[Unit]\nStartLimitIntervalSec=soon\nStartLimitBurst=-1\n[Service]\nExecStart=/bin/true\n";
    assert.deepEqual(definitionOf(bad).startLimit, { intervalSeconds: 10, burst: 5 });
  });
});
