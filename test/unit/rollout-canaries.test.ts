import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type CanaryPlanInput,
  planCanaries,
  type TemplateView,
} from "../../src/rollout/canaries.ts";
import type { UnitFile } from "../../src/unit/model.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";

function file(text: string): UnitFile {
  const parsed = parseUnitFile(text);
  assert.ok(parsed.ok);
  return parsed.file;
}

const APACHE = file(
  "[Unit]\nRequires=apache-discovery@%i.service\n[Service]\nExecStart=/usr/bin/docker run -p %i:80 apache\n[X-Fleet]\nConflicts=apache@*.service\n",
);
const DISCOVERY = file(
  "[Unit]\nBindsTo=apache@%i.service\n[Service]\nExecStart=/bin/sh -c 'sleep 1'\n[X-Fleet]\nMachineOf=apache@%i.service\n",
);
const UNRELATED = file("[Service]\nExecStart=/bin/sleep 1\n");

function template(prefix: string, content: UnitFile, instances: string[]): TemplateView {
  return {
    prefix,
    suffix: ".service",
    hash: `${prefix}-hash`,
    file: content,
    instances: new Set(instances),
  };
}

function input(overrides: Partial<CanaryPlanInput> = {}): CanaryPlanInput {
  return {
    template: {
      prefix: "apache",
      suffix: ".service",
      file: APACHE,
      instances: new Set(["80", "9999"]),
    },
    count: 1,
    taken: () => false,
    others: [
      template("apache-discovery", DISCOVERY, ["80", "9999"]),
      template("worker", UNRELATED, ["80"]),
      template("lonely", DISCOVERY, ["7"]),
    ],
    ...overrides,
  };
}

describe("planCanaries", () => {
  test("numbers after the highest, with the sidekicks that announce or run beside the instances", () => {
    assert.deepEqual(planCanaries(input({ count: 2 })), [
      {
        name: "apache@10000.service",
        companions: [{ name: "apache-discovery@10000.service", hash: "apache-discovery-hash" }],
      },
      {
        name: "apache@10001.service",
        companions: [{ name: "apache-discovery@10001.service", hash: "apache-discovery-hash" }],
      },
    ]);
  });

  test("a name taken, the canary's or a companion's, is passed over", () => {
    const taken = new Set(["apache@10000.service", "apache-discovery@10001.service"]);
    const [canary] = planCanaries(input({ taken: (name) => taken.has(name) }));
    assert.equal(canary?.name, "apache@10002.service");
  });

  test("instances that are not all numbers get canary, canary2, ...", () => {
    const canaries = planCanaries(
      input({
        count: 2,
        template: {
          prefix: "web",
          suffix: ".service",
          file: UNRELATED,
          instances: new Set(["a", "b"]),
        },
        others: [],
      }),
    );
    assert.deepEqual(
      canaries.map((canary) => canary.name),
      ["web@canary.service", "web@canary2.service"],
    );
  });

  test("a template the service requires is a companion too", () => {
    const needed = template("apache-discovery", UNRELATED, ["80"]);
    const [canary] = planCanaries(input({ others: [needed] }));
    assert.deepEqual(
      canary?.companions.map((companion) => companion.name),
      ["apache-discovery@10000.service"],
    );
  });

  test("none asked for, none planned", () => {
    assert.deepEqual(planCanaries(input({ count: 0 })), []);
  });
});
