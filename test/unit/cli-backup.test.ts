// `backup` and `restore` against an API of the test's own (no network): the file written and
// read, the requests sent, and what is printed.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { backupCommand } from "../../src/cli/commands/backup.ts";
import { restoreCommand } from "../../src/cli/commands/restore.ts";
import { CommandFailure, UsageError } from "../../src/cli/errors.ts";
import { fakeCliContext } from "../support/cli-context.ts";

const BACKUP = {
  format: "flotilla-backup",
  version: 1,
  createdAt: "2026-12-07T21:00:00.000Z",
  revision: 412,
  keys: [
    { key: "units/web.service", value: "{}" },
    { key: "units/db.service", value: "{}" },
    { key: "cluster/record", value: '{"layout":1}' },
  ],
};

async function run(
  command: typeof backupCommand | typeof restoreCommand,
  positionals: string[],
  cwd: string,
) {
  const sent: { method: string; path: string; body?: unknown }[] = [];
  const ok = { status: 200, ok: true, header: () => undefined };
  const client = {
    GET: async (path: string) => {
      sent.push({ method: "GET", path });
      return { data: BACKUP, response: ok };
    },
    POST: async (path: string, init: { body: unknown }) => {
      sent.push({ method: "POST", path, body: init.body });
      return { data: { written: 3, unchanged: 0, units: 2 }, response: ok };
    },
  };
  const { context, written } = fakeCliContext(client, { cwd });
  try {
    return {
      code: await command.run(context, { values: {}, positionals } as never),
      written,
      sent,
    };
  } catch (error) {
    return { error, written, sent };
  }
}

describe("backup and restore", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "flotilla-cli-backup-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("backup writes the API's backup to a file only its owner reads, relative to the cwd", async () => {
    const { code, written, sent } = await run(backupCommand, ["saved.json"], dir);
    assert.equal(code, 0);
    assert.deepEqual(sent, [{ method: "GET", path: "/v1/backup" }]);
    assert.deepEqual(JSON.parse(await readFile(join(dir, "saved.json"), "utf8")), BACKUP);
    assert.equal((await stat(join(dir, "saved.json"))).mode & 0o777, 0o600);
    assert.equal(
      written.stdout + written.stderr,
      `Backed up 2 units (3 keys, etcd revision 412) to saved.json\n`,
    );
  });

  test("backup - writes it to standard output", async () => {
    const { code, written } = await run(backupCommand, ["-"], dir);
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(written.stdout), BACKUP);
  });

  test("restore posts the file's backup and says what it wrote", async () => {
    await writeFile(join(dir, "in.json"), JSON.stringify(BACKUP));
    const { code, written, sent } = await run(restoreCommand, ["in.json"], dir);
    assert.equal(code, 0);
    assert.deepEqual(sent, [{ method: "POST", path: "/v1/restore", body: BACKUP }]);
    assert.equal(
      written.stdout + written.stderr,
      "Restored 3 keys (0 already there): the cluster holds 2 units\n",
    );
  });

  test("a missing argument, an unreadable file or one that is not JSON is said, and nothing sent", async () => {
    await writeFile(join(dir, "bad.json"), "not json");
    const cases: [typeof backupCommand, string[], unknown, RegExp][] = [
      [backupCommand, [], UsageError, /one file must be given/],
      [restoreCommand, ["a", "b"], UsageError, /one backup file must be given/],
      [restoreCommand, ["absent.json"], CommandFailure, /cannot read absent\.json: ENOENT/],
      [restoreCommand, ["bad.json"], CommandFailure, /bad\.json is not a backup/],
    ];
    for (const [command, positionals, kind, message] of cases) {
      const { error, sent } = await run(command, positionals, dir);
      assert.ok(error instanceof (kind as typeof Error), String(error));
      assert.match((error as Error).message, message);
      assert.deepEqual(sent, []);
    }
  });
});
