// The package as npm ships it: `npm pack`, then `npm install -g` of the tarball into a
// temporary prefix, away from this checkout, with production dependencies only. Its
// `flotilla` serves the API and its `fleetctl` talks to it.
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { freshPrefix, testEtcdEndpoint } from "../support/etcd.ts";
import { http } from "../support/http.ts";
import { freePort } from "../support/process.ts";
import { waitUntil } from "../support/wait.ts";

const run = promisify(execFile);

describe("the npm package", () => {
  let dir: string;
  let bin: string;
  /** Only the prefix's own programs, node and the system's: nothing of this checkout. */
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "flotilla-package-"));
    // The bundle the test command built is what goes in: packing must not rebuild dist/
    // under the feet of the other test files.
    await run("npm", ["pack", "--ignore-scripts", "--pack-destination", dir], {
      cwd: process.cwd(),
    });
    const [tarball] = (await readdir(dir)).filter((name) => name.endsWith(".tgz"));
    assert.ok(tarball, "npm pack wrote a tarball");
    const prefix = join(dir, "prefix");
    await run(
      "npm",
      [
        "install",
        "--global",
        "--prefix",
        prefix,
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        join(dir, tarball),
      ],
      { cwd: dir },
    );
    bin = join(prefix, "bin");
    env = {
      PATH: `${bin}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
      HOME: dir,
      FLOTILLA_LOG_LEVEL: "warn",
    };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("installs flotilla and fleetctl with the bundle, no sources and no dev dependencies", async () => {
    const installed = join(dir, "prefix", "lib", "node_modules", "flotilla");
    const top = await readdir(installed);
    assert.ok(top.includes("dist") && top.includes("bin"), top.join(" "));
    assert.ok(!top.includes("src") && !top.includes("test"), top.join(" "));
    const modules = await readdir(join(installed, "node_modules"));
    for (const dev of ["tsx", "typescript", "esbuild", "@biomejs"]) {
      assert.ok(!modules.includes(dev), `${dev} is a dev dependency`);
    }
    for (const program of ["flotilla", "fleetctl"]) {
      const { stdout } = await run(program, ["version"], { cwd: dir, env });
      assert.match(stdout, new RegExp(`^${program} version \\d+\\.\\d+\\.\\d+\\n$`));
    }
  });

  test("the installed flotilla serves the API and the installed fleetctl uses it", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server: ChildProcess = spawn(
      join(bin, "flotilla"),
      [
        "server",
        `--listen=127.0.0.1:${port}`,
        `--etcd=${testEtcdEndpoint()}`,
        `--prefix=${freshPrefix()}`,
      ],
      { cwd: dir, env, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    server.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise((resolve) => server.on("close", resolve));
    try {
      await waitUntil("the installed server to be ready", async () => {
        if (server.exitCode !== null) throw new Error(`the server exited: ${stderr}`);
        return (await http("GET", `${url}/readyz`).catch(() => undefined))?.status === 200;
      });
      const dashboard = await http("GET", `${url}/`);
      assert.equal(dashboard.status, 200, "the dashboard's files ship in the bundle");
      const { stdout } = await run("fleetctl", ["list-machines", `--endpoint=${url}`], {
        cwd: dir,
        env,
      });
      assert.equal(stdout, "MACHINE\tIP\tMETADATA\n");
    } finally {
      server.kill("SIGTERM");
      await exited;
    }
  });
});
