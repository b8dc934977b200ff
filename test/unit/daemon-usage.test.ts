import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { AGENT_OPTIONS } from "../../src/agent/config.ts";
import { AGENT_USAGE } from "../../src/agent/usage.ts";
import { type Usage, usageTable, usageText } from "../../src/config/usage.ts";
import { SERVER_OPTIONS } from "../../src/server/config.ts";
import { SERVER_USAGE } from "../../src/server/usage.ts";

const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");

describe("the daemons' usage", () => {
  for (const [name, usage, options] of [
    ["server", SERVER_USAGE, SERVER_OPTIONS],
    ["agent", AGENT_USAGE, AGENT_OPTIONS],
  ] as [string, Usage, Record<string, unknown>][]) {
    test(`flotilla ${name}: every flag it takes is explained once, and only those`, () => {
      const explained = usage.flags.flatMap((flag) => flag.options);
      assert.equal(new Set(explained).size, explained.length, "no flag explained twice");
      assert.deepEqual([...explained].sort(), Object.keys(options).sort());
    });

    test(`flotilla ${name}: the README's table is its usage`, () => {
      assert.ok(readme.includes(usageTable(usage)), "README.md has the table usageTable() gives");
    });

    test(`flotilla ${name} --help names every flag with its variable and default`, () => {
      const text = usageText(usage);
      assert.match(text, new RegExp(`^Usage: flotilla ${name} \\[flags\\]\\n`));
      for (const flag of Object.keys(options)) assert.ok(text.includes(`--${flag}`), flag);
      assert.ok(!text.includes("`"), "no markdown on a terminal");
      for (const line of text.split("\n")) assert.ok(line.length <= 100, line);
    });
  }
});
