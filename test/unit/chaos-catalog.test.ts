import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { recogniseAnnounceLoop } from "../../src/unit/announce-loop.ts";
import { parseExecLine } from "../../src/unit/exec-line.ts";
import { checkUnitFile } from "../../src/unit/validate.ts";
import {
  ANNOUNCE_TTL_SECONDS,
  announcedKey,
  announcerOf,
  conflicting,
  FILES,
  GROUPS,
  isSidekick,
  mayBeCanary,
} from "../../test/chaos/catalog.ts";

describe("the campaign's units", () => {
  for (const file of FILES) {
    test(`${file.name}: both versions are valid unit files`, () => {
      for (const text of file.versions) {
        const checked = checkUnitFile(text, file.name);
        assert.ok(checked.ok, JSON.stringify(checked));
      }
    });
  }

  test("a sidekick's loop is one the agent runs as an etcd lease, with the catalog's TTL", () => {
    for (const file of FILES.filter((candidate) =>
      isSidekick(candidate.name.replace("@.", "@10.")),
    )) {
      const line = file.versions[0].split("\n").find((entry) => entry.startsWith("ExecStart="));
      const parsed = parseExecLine(
        (line ?? "").slice("ExecStart=".length).replaceAll("%i", "10"),
        {},
      );
      assert.ok(parsed.ok, JSON.stringify(parsed));
      const loop = parsed.ok ? recogniseAnnounceLoop(parsed.line.argv) : undefined;
      const sidekick = file.name.replace("@.", "@10.");
      assert.equal(loop?.key, announcedKey(sidekick));
      assert.equal(loop?.ttlSeconds, ANNOUNCE_TTL_SECONDS);
    }
  });

  test("every sidekick's key names it and its service back", () => {
    for (const { service, sidekick } of GROUPS) {
      if (!sidekick) continue;
      const key = announcedKey(sidekick);
      assert.ok(key);
      assert.deepEqual(announcerOf(key), { sidekick, service });
    }
    assert.equal(announcerOf("/chaos/services/unknown1"), undefined);
  });

  test("boats conflict with one another, lone-a with lone-b; nothing with itself or the rest", () => {
    assert.ok(conflicting("boat@10.service", "boat@20.service"));
    assert.ok(conflicting("lone-b.service", "lone-a.service"));
    assert.ok(!conflicting("boat@10.service", "boat@10.service"));
    assert.ok(!conflicting("boat@10.service", "boat-beacon@20.service"));
    assert.ok(!conflicting("sleeper@10.service", "sleeper@20.service"));
    assert.ok(!conflicting("lone-a.service", "solo.service"));
  });

  test("canaries are the rolled-out templates' instances outside the tens the workload writes", () => {
    assert.ok(mayBeCanary("boat@31.service"));
    assert.ok(mayBeCanary("boat-beacon@31.service"));
    assert.ok(mayBeCanary("sleeper@51.service"));
    for (const { service, sidekick } of GROUPS) {
      assert.ok(!mayBeCanary(service), service);
      if (sidekick) assert.ok(!mayBeCanary(sidekick), sidekick);
    }
    assert.ok(!mayBeCanary("stranger@1.service"));
  });
});
