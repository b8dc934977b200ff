// `flotilla agent drain|undrain` on a machine: the CLI's drain of this machine's id, found as
// its agent finds it.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { localMachineCommand } from "../../src/agent/local-machine.ts";
import { ConfigError } from "../../src/config/parse.ts";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "flotilla-local-machine-"));
});
after(() => rm(dir, { recursive: true, force: true }));

test("the id is the flag's, else the environment's, else /etc/machine-id, else the state directory's", async () => {
  const absent = join(dir, "no-etc-machine-id");
  assert.deepEqual(
    localMachineCommand(["drain", "--reason=kernel upgrade", "--machine-id", "m1"], {}, absent),
    ["drain", "--reason=kernel upgrade", "m1"],
  );
  assert.deepEqual(
    localMachineCommand(
      ["undrain", "--endpoint=http://10.0.0.1:7600"],
      { FLOTILLA_MACHINE_ID: "m2" },
      absent,
    ),
    ["undrain", "--endpoint=http://10.0.0.1:7600", "m2"],
  );
  const etc = join(dir, "etc-machine-id");
  await writeFile(etc, "m3\n");
  assert.deepEqual(localMachineCommand(["drain"], {}, etc), ["drain", "m3"]);
  await writeFile(join(dir, "machine-id"), "m4\n");
  assert.deepEqual(localMachineCommand(["drain", `--state-dir=${dir}`], {}, absent), [
    "drain",
    "m4",
  ]);
  assert.deepEqual(localMachineCommand(["drain"], { FLOTILLA_STATE_DIR: dir }, absent), [
    "drain",
    "m4",
  ]);
});

test("a machine named, a flag without its value, or no id at all is said", () => {
  const absent = join(dir, "no-etc-machine-id");
  const cases: [string[], RegExp][] = [
    [["drain", "--machine-id", "m1", "other"], /takes no machine: run 'flotilla drain MACHINE'/],
    [["drain", "--machine-id"], /--machine-id needs a value/],
    [["drain", `--state-dir=${join(dir, "empty")}`], /this machine has no id yet/],
  ];
  for (const [argv, message] of cases)
    assert.throws(
      () => localMachineCommand(argv, {}, absent),
      (error: Error) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, message);
        return true;
      },
    );
});
