// `completion bash|zsh`: the scripts, loaded into real shells, complete command names, flags
// and submitted units through the program's own `__complete`.
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { rm } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { http } from "../support/http.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { typeLine, userShell } from "../support/shell.ts";

const run = promisify(execFile);

describe("shell completion", () => {
  let server: TestServer;
  let shell: { workDir: string; binDir: string };
  before(async () => {
    server = await startServer();
    shell = await userShell();
    for (const name of ["hello.service", "apache@.service"]) {
      const submitted = await http("PUT", `${server.url}/v1/unit-files/${name}`, {
        body: "[Service]\nExecStart=/bin/sleep 1\n",
        headers: { "content-type": "text/plain" },
      });
      assert.equal(submitted.status, 201, submitted.text);
    }
  });
  after(async () => {
    await server.close();
    await rm(shell.workDir, { recursive: true, force: true });
  });

  /**
   * A script run by bash or zsh itself, with fleetctl on the PATH. Asynchronously: the server
   * the completion asks runs in this process.
   */
  async function inShell(program: "bash" | "zsh", script: string, words: string[] = []) {
    const ran = await run(program, ["-c", script, program, ...words], {
      cwd: shell.workDir,
      env: {
        ...process.env,
        PATH: `${shell.binDir}:${process.env.PATH}`,
        FLOTILLA_ENDPOINT: server.url,
      },
    });
    return ran.stdout;
  }

  /** What bash offers for the line typed so far, the cursor at its end. */
  async function bashOffers(...words: string[]): Promise<string[]> {
    const script = [
      "source <(fleetctl completion bash)",
      'COMP_LINE="fleetctl $*"',
      `COMP_POINT=\${#COMP_LINE}`,
      'read -r -a COMP_WORDS <<< "$COMP_LINE"',
      "_flotilla_complete",
      `printf "%s\\n" "\${COMPREPLY[@]}"`,
    ].join("\n");
    return (await inShell("bash", script, words)).split("\n").filter((word) => word !== "");
  }

  test("bash completes commands, a command's flags, and submitted units", async () => {
    assert.deepEqual(await bashOffers("list-"), ["list-machines", "list-unit-files", "list-units"]);
    assert.deepEqual(await bashOffers("stop", "--no-"), ["--no-block"]);
    assert.ok((await bashOffers("journal", "--")).includes("--lines="));
    assert.deepEqual(await bashOffers("stop", ""), ["apache@.service", "hello.service"]);
    // An endpoint URL on the line (bash would split it at : and =) is read whole.
    assert.deepEqual(await bashOffers(`--endpoint=${server.url}`, "cat", "h"), ["hello.service"]);
    assert.deepEqual(await bashOffers("cat", "h"), ["hello.service"]);
    assert.deepEqual(await bashOffers("help", "ver"), ["version"]);
    assert.deepEqual(await bashOffers("completion", ""), ["bash", "zsh"]);
    // Commands without units complete nothing: bash falls back to file names.
    assert.deepEqual(await bashOffers("list-units", ""), []);
  });

  test("without a reachable API, units complete to nothing and nothing is printed on the terminal", async () => {
    const typed = await typeLine("fleetctl __complete bash 'fleetctl stop '", shell, {
      FLOTILLA_ENDPOINT: "http://127.0.0.1:9",
    });
    assert.deepEqual([typed.code, typed.stdout, typed.stderr], [0, "", ""]);
  });

  test("the zsh script loads after compinit and defines its completion", async (t) => {
    if (spawnSync("zsh", ["--version"]).error) {
      t.skip("zsh is not installed");
      return;
    }
    const script = [
      "autoload -U compinit && compinit -u -d $HOME/.zcompdump-test",
      "source <(fleetctl completion zsh)",
      "whence -w _flotilla_complete",
      "print -- $_comps[fleetctl]",
    ].join("\n");
    assert.equal(
      await inShell("zsh", script),
      "_flotilla_complete: function\n_flotilla_complete\n",
    );
    const offered = await typeLine("fleetctl __complete zsh sto", shell);
    assert.equal(
      offered.stdout,
      "stop:Stop one or more units in the cluster, keeping them loaded\n",
    );
  });

  test("completion needs one known shell", async () => {
    const unknown = await typeLine("fleetctl completion fish", shell);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown shell "fish": expected bash or zsh/);
  });
});
