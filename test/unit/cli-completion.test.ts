import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { complete, formatCandidates } from "../../src/cli/completion.ts";

const sources = {
  unitNames: async () => ["apache@.service", "hello.service"],
  localPaths: async (prefix: string) =>
    ["./apache@.service", "units/"].filter((path) => path.startsWith(prefix)),
};

const words = async (...typed: string[]) =>
  (await complete(typed, sources)).map((candidate) => candidate.word);

describe("completion candidates", () => {
  test("a command name, after global flags or none", async () => {
    assert.deepEqual(await words("des"), ["destroy"]);
    assert.deepEqual(await words("--endpoint", "http://x", "ve"), ["version"]);
    assert.deepEqual(await words("he"), ["help"]);
  });

  test("flags of the command and the global ones; a flag with a value ends in =", async () => {
    assert.deepEqual(await words("journal", "--l"), ["--lines="]);
    assert.deepEqual(await words("--end"), ["--endpoint="]);
    assert.deepEqual(await words("up", "--ma"), ["--machines=", "--machine-ip="]);
  });

  test("submit, load and start complete local unit files and directories too", async () => {
    assert.deepEqual(await words("start", ""), [
      "./apache@.service",
      "units/",
      "apache@.service",
      "hello.service",
    ]);
    assert.deepEqual(await words("submit", "un"), ["units/"]);
    assert.deepEqual(await words("stop", ""), ["apache@.service", "hello.service"]);
  });

  test("units only for commands that take units, and nothing when the API fails", async () => {
    assert.deepEqual(await words("start", "a"), ["apache@.service"]);
    assert.deepEqual(await words("version", ""), []);
    const failing = await complete(["stop", ""], {
      ...sources,
      unitNames: async () => {
        throw new Error("unreachable");
      },
    });
    assert.deepEqual(failing, []);
  });

  test("rollout: its subcommands or a target, then a file, an id or a target", async () => {
    const rollout = { ...sources, rolloutIds: async () => ["3f9c21ab"] };
    const words = async (...typed: string[]) =>
      (await complete(typed, rollout)).map((candidate) => candidate.word);
    assert.deepEqual(await words("rollout", "p"), ["pause", "promote"]);
    assert.deepEqual(await words("rollout", "a"), ["abort", "apache@.service"]);
    assert.deepEqual(await words("rollout", "--max-parallel", "2", "u"), ["undo", "units/"]);
    assert.deepEqual(await words("rollout", "apache@.service", ""), [
      "./apache@.service",
      "units/",
    ]);
    assert.deepEqual(await words("rollout", "promote", ""), ["3f9c21ab"]);
    assert.deepEqual(await words("rollout", "status", ""), [
      "3f9c21ab",
      "apache@.service",
      "hello.service",
    ]);
    assert.deepEqual(await words("rollout", "list", "h"), ["hello.service"]);
    assert.deepEqual(await words("rollout", "h"), ["history", "hello.service"]);
    assert.deepEqual(await words("rollout", "history", ""), ["apache@.service", "hello.service"]);
    assert.deepEqual(await words("rollout", "undo", "--to-"), ["--to-version="]);
    assert.deepEqual(await words("rollout", "promote", "3f9c21ab", ""), []);
    assert.deepEqual(await words("rollout", "--no-f"), ["--no-follow"]);
    assert.deepEqual(await words("rollout", "--dr"), ["--drain=", "--dry-run"]);
    const [described] = await complete(["rollout", "und"], rollout);
    assert.equal(
      formatCandidates("zsh", described ? [described] : []),
      "undo:Put back what the newest finished rollout of a target replaced, or a version of it\n",
    );
  });

  test("zsh gets descriptions after a colon, bash the words alone", async () => {
    const candidates = await complete(["vers"], sources);
    assert.equal(formatCandidates("zsh", candidates), "version:Print the version and exit\n");
    assert.equal(formatCandidates("bash", candidates), "version\n");
  });
});
