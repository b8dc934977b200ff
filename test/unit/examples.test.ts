// examples/ ships the tutorial's unit files and a few more that show the features; each
// must be a unit file Flotilla takes as it is. Nothing in the repository may point outside it.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { checkUnitFile } from "../../src/unit/validate.ts";

const root = join(import.meta.dirname, "..", "..");
const examples = join(root, "examples");

describe("examples/", () => {
  const files = readdirSync(examples).filter(
    (name) => name.endsWith(".service") || name.endsWith(".timer"),
  );

  test("holds the tutorial's files, a plain unit, a global unit, a oneshot, a timer and a sidekick", () => {
    for (const name of ["apache@.service", "apache-discovery@.service"]) {
      assert.ok(files.includes(name), name);
    }
    const texts = files.map((name) => readFileSync(join(examples, name), "utf8"));
    assert.ok(
      texts.some((text) => /^Global=true$/m.test(text)),
      "a global unit",
    );
    assert.ok(
      texts.some((text) => /^Type=oneshot$/m.test(text)),
      "a oneshot",
    );
    assert.ok(
      files.some((name) => name.endsWith(".timer")),
      "a timer",
    );
    assert.ok(
      files.some(
        (name) =>
          !name.startsWith("apache") &&
          /^MachineOf=.*@%i\.service$/m.test(readFileSync(join(examples, name), "utf8")),
      ),
      "a template with a sidekick besides the tutorial's",
    );
  });

  for (const name of files) {
    test(`${name} checks clean`, () => {
      const text = readFileSync(join(examples, name), "utf8");
      const unitName = name.includes("@.") ? name.replace("@.", "@80.") : name;
      const result = checkUnitFile(text, unitName);
      assert.ok(result.ok, JSON.stringify(result));
      assert.deepEqual(result.check.errors, []);
      assert.deepEqual(result.check.warnings, []);
    });
  }
});

describe("the repository", () => {
  test("no tracked file points outside it", () => {
    const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" })
      .split("\0")
      .filter((path) => path !== "" && !path.endsWith(".lock") && path !== "package-lock.json");
    const outside = /\.\.\/shared\b|\/work\/(?!\.)|\/home\/[a-z]/;
    for (const path of tracked) {
      let text: string;
      try {
        text = readFileSync(join(root, path), "utf8");
      } catch {
        continue; // a deleted file not yet committed, or a symbolic link
      }
      const found = outside.exec(text);
      assert.equal(found, null, `${path} points outside the repository: ${found?.[0]}`);
    }
  });
});
