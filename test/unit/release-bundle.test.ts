// The bundle the upgrade test builds the previous release from is that release's tag.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { releaseBundle } from "../support/release.ts";

const TAG = "v0.1.0";

function git(args: string[]): string | undefined {
  try {
    return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return undefined;
  }
}

test(`the bundle of ${TAG} is complete and holds that tag alone`, () => {
  assert.notEqual(git(["bundle", "verify", "--quiet", releaseBundle(TAG)]), undefined);
  const heads =
    git(["bundle", "list-heads", releaseBundle(TAG)])
      ?.trim()
      .split("\n") ?? [];
  assert.equal(heads.length, 1);
  assert.match(heads[0] ?? "", new RegExp(`^[0-9a-f]{40} refs/tags/${TAG.replace(/\./g, "\\.")}$`));
});

test(`the bundle's ${TAG} is this repository's, where the clone has the tag`, (t) => {
  const local = git(["rev-parse", "--verify", "--quiet", `refs/tags/${TAG}`])?.trim();
  if (!local) {
    t.skip(`this clone has no tag ${TAG}`);
    return;
  }
  const bundled = git(["bundle", "list-heads", releaseBundle(TAG)])?.split(" ")[0];
  assert.equal(bundled, local);
});
