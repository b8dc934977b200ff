import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Located } from "../../src/unit/model.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { type FleetRequirements, fleetRequirements } from "../../src/unit/xfleet.ts";

function run(
  xfleet: string,
  unitName = "web@1.service",
): { requirements: FleetRequirements; errors: Located[]; warnings: Located[] } {
  // The [X-Fleet] body starts on line 4.
  const result = parseUnitFile(`[Service]\nExecStart=/bin/true\n[X-Fleet]\n${xfleet}`);
  assert.ok(result.ok, JSON.stringify(result));
  return fleetRequirements(result.file, unitName, result.lines);
}

function requirements(xfleet: string, unitName?: string): FleetRequirements {
  const result = run(xfleet, unitName);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.warnings, []);
  return result.requirements;
}

const NONE: FleetRequirements = {
  machineOf: [],
  conflicts: [],
  metadata: [],
  global: false,
  replaces: [],
};

describe("fleetRequirements: keys in both spellings", () => {
  test("no [X-Fleet] section", () => {
    assert.deepEqual(requirements(""), NONE);
  });

  test("Conflicts and X-Conflicts", () => {
    assert.deepEqual(requirements("Conflicts=a*\nX-Conflicts=b*\n").conflicts, ["a*", "b*"]);
  });

  test("MachineOf and X-ConditionMachineOf", () => {
    assert.deepEqual(
      requirements("X-ConditionMachineOf=a.service\nMachineOf=b.service\n").machineOf,
      ["a.service", "b.service"],
    );
  });

  test("MachineID and X-ConditionMachineID", () => {
    assert.equal(requirements("MachineID=abc\n").machineId, "abc");
    assert.equal(requirements("X-ConditionMachineID=abc\n").machineId, "abc");
    assert.equal(requirements("").machineId, undefined);
    assert.ok(!("machineId" in requirements("")));
  });

  test("MachineID is preferred over the deprecated spelling, as in fleet", () => {
    const result = run("X-ConditionMachineID=old\nMachineID=new\n");
    assert.equal(result.requirements.machineId, "new");
    assert.deepEqual(result.warnings, [
      { line: 4, message: 'MachineID names more than one machine; only "new" is used' },
    ]);
  });

  test("X-ConditionMachineBootID is a legacy machine ID, with a warning", () => {
    const result = run("X-ConditionMachineBootID=boot\n");
    assert.equal(result.requirements.machineId, "boot");
    assert.deepEqual(result.errors, []);
    assert.match(result.warnings[0]?.message ?? "", /legacy option/);
  });

  test("MachineMetadata and X-ConditionMachineMetadata", () => {
    assert.deepEqual(
      requirements("X-ConditionMachineMetadata=a=1\nMachineMetadata=b=2\n").metadata,
      [
        { key: "a", op: "=", values: ["1"] },
        { key: "b", op: "=", values: ["2"] },
      ],
    );
  });

  test("Replaces and X-Replaces", () => {
    assert.deepEqual(requirements("Replaces=a.service\nX-Replaces=b.service\n").replaces, [
      "a.service",
      "b.service",
    ]);
  });

  test("Global", () => {
    assert.equal(requirements("Global=true\n").global, true);
  });
});

describe("fleetRequirements: values", () => {
  test("values split on blanks; quoted multi-values lose their quotes", () => {
    assert.deepEqual(requirements("Conflicts=a* \t b*\n").conflicts, ["a*", "b*"]);
    assert.deepEqual(requirements('MachineOf="a.service" "b.service"\n').machineOf, [
      "a.service",
      "b.service",
    ]);
  });

  test("duplicates are dropped", () => {
    assert.deepEqual(requirements("Conflicts=a* a*\nX-Conflicts=a*\n").conflicts, ["a*"]);
  });

  test("specifiers are expanded with the unit name", () => {
    const r = requirements(
      "MachineOf=%p-sidekick@%i.service\nConflicts=%n %N.* %P-*\n",
      "web-app@8080.service",
    );
    assert.deepEqual(r.machineOf, ["web-app-sidekick@8080.service"]);
    assert.deepEqual(r.conflicts, ["web-app@8080.service", "web-app@8080.*", "web/app-*"]);
  });

  test("an empty assignment resets a key, whichever spelling set it", () => {
    assert.deepEqual(requirements("X-Conflicts=a*\nConflicts=\nConflicts=b*\n").conflicts, ["b*"]);
    assert.deepEqual(requirements("MachineOf=a.service\nX-ConditionMachineOf=\n").machineOf, []);
    assert.equal(requirements("Global=true\nGlobal=\n").global, false);
  });
});

describe("fleetRequirements: MachineMetadata", () => {
  test("entries for one key are OR (one requirement); different keys are AND", () => {
    const r = requirements(
      'MachineMetadata="region=us-east-1" "diskType=SSD"\nMachineMetadata=region=us-west-1\n',
    );
    assert.deepEqual(r.metadata, [
      { key: "region", op: "=", values: ["us-east-1", "us-west-1"] },
      { key: "diskType", op: "=", values: ["SSD"] },
    ]);
  });

  test("comparison operators", () => {
    const r = requirements(
      "MachineMetadata=role!=db role!=cache mem>=2048 cpus>2 load<0.5 disk<=100\n",
    );
    assert.deepEqual(r.metadata, [
      { key: "role", op: "!=", values: ["db", "cache"] },
      { key: "mem", op: ">=", values: ["2048"] },
      { key: "cpus", op: ">", values: ["2"] },
      { key: "load", op: "<", values: ["0.5"] },
      { key: "disk", op: "<=", values: ["100"] },
    ]);
  });

  test("a numeric comparison needs a number", () => {
    const result = run("MachineMetadata=mem>=lots\n");
    assert.deepEqual(result.errors, [
      {
        line: 4,
        message: 'MachineMetadata "mem>=lots": ">=" compares numbers, but "lots" is not a number',
      },
    ]);
    assert.deepEqual(result.requirements.metadata, []);
  });

  test("malformed entries are errors (fleet dropped them silently)", () => {
    for (const entry of ["foo=", "=asdf", "foo=asdf=WHAT", "justakey", "a<=>b"]) {
      const result = run(`MachineMetadata=${entry}\n`);
      assert.equal(result.errors.length, 1, entry);
      assert.equal(result.errors[0]?.line, 4);
      assert.match(result.errors[0]?.message ?? "", /^invalid MachineMetadata entry/);
    }
  });

  test("specifiers are expanded in metadata too", () => {
    assert.deepEqual(requirements("MachineMetadata=role=%i\n", "db@primary.service").metadata, [
      { key: "role", op: "=", values: ["primary"] },
    ]);
  });
});

describe("fleetRequirements: Global", () => {
  test("systemd booleans, case-insensitive; the last assignment wins", () => {
    for (const yes of ["1", "yes", "y", "true", "t", "on", "TRUE", "Yes"]) {
      assert.equal(requirements(`Global=${yes}\n`).global, true, yes);
    }
    for (const no of ["0", "no", "n", "false", "f", "off", "Off"]) {
      assert.equal(requirements(`Global=${no}\n`).global, false, no);
    }
    assert.equal(requirements("Global=true\nGlobal=false\n").global, false);
    assert.equal(requirements("Global=false\nGlobal=on\n").global, true);
  });

  test("anything else is an error", () => {
    for (const bad of ["12", "maybe", "true false"]) {
      const result = run(`Global=${bad}\n`);
      assert.deepEqual(result.errors, [
        {
          line: 4,
          message: `Global must be a boolean (true/false, yes/no, on/off, 1/0), not ${JSON.stringify(bad)}`,
        },
      ]);
      assert.equal(result.requirements.global, false);
    }
  });
});

describe("fleetRequirements: unknown keys are warnings", () => {
  test("fleet's wording, with the line", () => {
    const result = run("MachineOf=a.service\nFoo=bar\n");
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings, [
      { line: 5, message: 'unrecognized requirement in [X-Fleet] section: "Foo"' },
    ]);
  });

  test("keys fleet never had, with a hint for a wrong case", () => {
    const result = run("X-Global=true\nglobal=true\nMachineId=x\nX-ConditionConflicts=a\n");
    assert.deepEqual(result.warnings, [
      { line: 4, message: 'unrecognized requirement in [X-Fleet] section: "X-Global"' },
      {
        line: 5,
        message: 'unrecognized requirement in [X-Fleet] section: "global" (did you mean Global?)',
      },
      {
        line: 6,
        message:
          'unrecognized requirement in [X-Fleet] section: "MachineId" (did you mean MachineID?)',
      },
      { line: 7, message: 'unrecognized requirement in [X-Fleet] section: "X-ConditionConflicts"' },
    ]);
    assert.equal(result.requirements.global, false);
  });

  test("[X-Fleet] keys in other sections are not read", () => {
    const result = parseUnitFile("[Service]\nGlobal=true\nMachineOf=a.service\n");
    assert.ok(result.ok);
    assert.deepEqual(fleetRequirements(result.file, "a.service", result.lines).requirements, NONE);
  });
});

describe("fleetRequirements: fleet's consistency rules", () => {
  const combos: [string, string, number][] = [
    ["MachineID=m\nMachineOf=a.service\n", "MachineID cannot be used with Peers", 5],
    ["MachineID=m\nConflicts=a*\n", "MachineID cannot be used with Conflicts", 5],
    ["MachineID=m\nGlobal=true\n", "MachineID cannot be used with Global", 5],
    ["MachineID=m\nReplaces=a.service\n", "MachineID cannot be used with Replaces", 5],
    ["Global=true\nMachineOf=a.service\n", "Global cannot be used with Peers", 5],
    ["Global=true\nReplaces=a.service\n", "Global cannot be used with Replaces", 5],
    ["Conflicts=a*\nReplaces=b.service\n", "Conflicts cannot be used with Replaces", 5],
  ];
  for (const [xfleet, message, line] of combos) {
    test(message, () => {
      assert.deepEqual(run(xfleet).errors, [{ line, message }]);
    });
  }

  test("every broken rule is reported, not just the first", () => {
    const messages = run(
      "MachineID=m\nMachineOf=a.service\nConflicts=z*\nReplaces=b.service\n",
    ).errors.map((e) => e.message);
    assert.deepEqual(messages, [
      "MachineID cannot be used with Peers",
      "MachineID cannot be used with Conflicts",
      "MachineID cannot be used with Replaces",
      "Conflicts cannot be used with Replaces",
    ]);
  });

  test("Global=false combines with anything", () => {
    assert.deepEqual(run("Global=false\nMachineOf=a.service\nReplaces=b.service\n").errors, []);
  });

  test("Global with MachineMetadata and Conflicts is allowed", () => {
    const r = requirements("Global=true\nMachineMetadata=region=eu\nConflicts=x*\n");
    assert.equal(r.global, true);
  });

  test("a MachineOf that matches one of the Conflicts globs", () => {
    assert.deepEqual(run("Conflicts=web@*.service\nMachineOf=web@2.service\n").errors, [
      {
        line: 5,
        message: 'unresolvable requirements: peer "web@2.service" matches conflict "web@*.service"',
      },
    ]);
  });

  test("the match is checked after specifier expansion", () => {
    assert.deepEqual(run("Conflicts=%p@*.service\nMachineOf=other.service\n").errors, []);
    assert.equal(run("Conflicts=%p@*.service\nMachineOf=%n\n", "web@1.service").errors.length, 1);
  });

  test("a MachineOf that matches a Replaces glob", () => {
    const errors = run("Replaces=web@*.service\nMachineOf=web@2.service\n").errors;
    assert.deepEqual(errors, [
      {
        line: 5,
        message: 'unresolvable requirements: peer "web@2.service" matches replace "web@*.service"',
      },
    ]);
  });
});

describe("fleetRequirements: warnings about values", () => {
  test("a Conflicts or Replaces glob that is malformed", () => {
    const result = run("Conflicts=web[\n");
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings, [
      {
        line: 4,
        message: 'Conflicts pattern "web[" is not a valid glob, so it matches no unit',
      },
    ]);
  });

  test("a MachineOf that is not a valid unit name", () => {
    const result = run("MachineOf=not a unit\n");
    assert.deepEqual(
      result.warnings.map((w) => w.message),
      [
        'MachineOf "not" can never be satisfied: unit name "not" must contain "." followed by a unit type, as in "not.service"',
        'MachineOf "a" can never be satisfied: unit name "a" must contain "." followed by a unit type, as in "a.service"',
        'MachineOf "unit" can never be satisfied: unit name "unit" must contain "." followed by a unit type, as in "unit.service"',
      ],
    );
  });
});

describe("fleetRequirements: lines", () => {
  test("without parse lines, lines refer to the canonical serialization", () => {
    const result = fleetRequirements(
      {
        options: [
          { section: "X-Fleet", name: "Bogus", value: "1" },
          { section: "Service", name: "ExecStart", value: "/bin/true" },
          { section: "X-Fleet", name: "Global", value: "perhaps" },
        ],
      },
      "a.service",
    );
    assert.deepEqual(
      result.warnings.map((w) => w.line),
      [2],
    );
    assert.deepEqual(
      result.errors.map((e) => e.line),
      [3],
    );
  });
});
