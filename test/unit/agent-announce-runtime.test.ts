// A sidekick's announce loop behind its gate: the key is withdrawn the moment the gate closes
// and put back the moment it opens, not at the loop's next refresh.
import assert from "node:assert/strict";
import { test } from "node:test";
import { HealthGate } from "../../src/agent/announce-gate.ts";
import { startAnnounceLoop } from "../../src/agent/runtime/announce-runtime.ts";
import { UnitLog } from "../../src/agent/unit-log.ts";
import type { AnnouncementRecord } from "../../src/registry/records.ts";
import type { Registry } from "../../src/registry/registry.ts";
import { settle } from "../support/fake-clock.ts";

/** Only what the loop uses of a registry: announcements, recorded as they come and go. */
function announcements() {
  const live = new Set<string>();
  const calls: string[] = [];
  const registry = {
    announce: async (record: AnnouncementRecord) => {
      live.add(record.key);
      calls.push(`announce ${record.key}`);
      return {
        refresh: async () => {
          calls.push(`refresh ${record.key}`);
        },
        withdraw: async () => {
          live.delete(record.key);
          calls.push(`withdraw ${record.key}`);
        },
      };
    },
  } as unknown as Registry;
  return { registry, live, calls };
}

const LOOP = {
  key: "/services/web",
  value: "10.0.0.3:80",
  ttlSeconds: 60,
  periodSeconds: 45,
  verb: "set" as const,
  sleepFirst: false,
};

test("the announcement exists only while the gate is open", async () => {
  const { registry, live, calls } = announcements();
  let reason: string | undefined = "web.service is starting";
  const gate = new HealthGate(() => reason);
  const log = new UnitLog("web-announce.service");
  const main = await startAnnounceLoop(
    LOOP,
    { unit: "web-announce.service", env: {}, log, labels: {}, announceGate: gate },
    registry,
    "m1",
  );
  assert.equal(live.size, 0, "not announced while the service starts");

  reason = undefined;
  gate.changed();
  await settle();
  assert.deepEqual([...live], ["/services/web"], "announced as soon as it is healthy");

  reason = "web.service is unhealthy";
  gate.changed();
  await settle();
  assert.equal(live.size, 0, "withdrawn as soon as it is unhealthy");
  gate.changed();
  await settle();

  reason = undefined;
  gate.changed();
  await settle();
  assert.equal(live.size, 1);
  await main.terminate("SIGTERM");
  assert.equal(live.size, 0, "a stop withdraws it");
  assert.deepEqual(calls, [
    "announce /services/web",
    "withdraw /services/web",
    "announce /services/web",
    "withdraw /services/web",
  ]);
  const lines = log.tail(10).join("\n");
  assert.match(lines, /not announcing \/services\/web: web\.service is starting/);
  assert.match(lines, /withdrew \/services\/web: web\.service is unhealthy/);
});

test("without a gate the loop announces at once and refreshes", async () => {
  const { registry, live } = announcements();
  const main = await startAnnounceLoop(
    LOOP,
    { unit: "a.service", env: {}, log: new UnitLog("a.service"), labels: {} },
    registry,
    "m1",
  );
  assert.equal(live.size, 1);
  await main.terminate("SIGTERM");
  assert.equal(live.size, 0);
});
