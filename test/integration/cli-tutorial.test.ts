import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { copyFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { unitHash } from "../../src/unit/hash.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { serializeUnitFile } from "../../src/unit/serialize.ts";
import { TestCluster } from "../support/cluster.ts";
import { testEtcdEndpoint } from "../support/etcd.ts";
import { http } from "../support/http.ts";
import { type Typed, typeLine, userShell } from "../support/shell.ts";
import { specUnit } from "../support/spec.ts";
import { waitUntil } from "../support/wait.ts";

const examples = join(import.meta.dirname, "..", "..", "examples");

/** Cells of a fleetctl table: tabwriter pads with tabs, so runs of tabs separate columns. */
function rowsOf(table: string): string[][] {
  return table
    .trimEnd()
    .split("\n")
    .map((line) => line.split(/\t+/));
}

/** Every line's cells start at the same column on a terminal with 8-column tabs. */
function assertAligned(table: string): void {
  const lines = table.trimEnd().split("\n");
  const starts = lines.map((line) => {
    const found: number[] = [];
    let column = 0;
    let afterTab = true;
    for (const character of line) {
      if (character === "\t") {
        column = (Math.floor(column / 8) + 1) * 8;
        afterTab = true;
        continue;
      }
      if (afterTab) found.push(column);
      afterTab = false;
      column++;
    }
    return found;
  });
  for (const [index, line] of starts.entries()) {
    assert.deepEqual(line, starts[0], `line ${index} of the table is aligned:\n${table}`);
  }
}

describe("the tutorial, typed through the fleetctl binary against a real cluster", () => {
  const cluster = new TestCluster({
    ips: ["127.0.0.51", "127.0.0.52", "127.0.0.53"],
    metadata: [["region=eu", "disk=ssd"], [], []],
  });
  let workDir: string;
  let binDir: string;

  /** A command line as a user types it in the working directory, through a shell. */
  function type(line: string, env: NodeJS.ProcessEnv = {}): Promise<Typed> {
    return typeLine(line, { workDir, binDir }, { FLEETCTL_ENDPOINT: cluster.url, ...env });
  }

  async function succeeds(line: string): Promise<Typed> {
    const result = await type(line);
    assert.equal(result.code, 0, `${line}: ${result.stderr}`);
    assert.ok(!result.stderr.includes("Waiting"), `${line}: no progress line in a pipe`);
    return result;
  }

  /** The real etcdctl (v3), as the tutorial's user runs it. */
  async function etcdctlGet(key: string): Promise<string> {
    const { stdout } = await promisify(execFile)(
      "etcdctl",
      ["--endpoints", testEtcdEndpoint(), "get", key, "--print-value-only"],
      { env: { ...process.env, ETCDCTL_API: "3" } },
    );
    return stdout.trim();
  }

  function legendOf(ip: string): string {
    const agent = cluster.agents.find((candidate) => candidate.ip === ip);
    assert.ok(agent, `an agent on ${ip}`);
    return `${agent.machineId.slice(0, 8)}.../${ip}`;
  }

  const shortHash = (name: "apache@.service" | "apache-discovery@.service") => {
    const parsed = parseUnitFile(specUnit(name));
    assert.ok(parsed.ok);
    return unitHash(parsed.file).slice(0, 7);
  };

  before(async () => {
    await cluster.start();
    ({ workDir, binDir } = await userShell());
    for (const name of ["apache@.service", "apache-discovery@.service"]) {
      await copyFile(join(examples, name), join(workDir, name));
    }
  });
  after(async () => {
    await cluster.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  let machine80 = "";
  let machine9999 = "";

  test("1. fleetctl submit apache@.service apache-discovery@.service", async () => {
    const { stdout } = await succeeds("fleetctl submit apache@.service apache-discovery@.service");
    assert.equal(
      stdout,
      "Unit apache@.service inactive\nUnit apache-discovery@.service inactive\n",
    );
    const again = await succeeds("fleetctl submit apache@.service apache-discovery@.service");
    assert.equal(again.stdout, "", "the same content again changes nothing");
  });

  test("2. fleetctl list-unit-files: both templates, inactive, on no machine", async () => {
    const { stdout } = await succeeds("fleetctl list-unit-files");
    assert.deepEqual(rowsOf(stdout), [
      ["UNIT", "HASH", "DSTATE", "STATE", "TARGET"],
      [
        "apache-discovery@.service",
        shortHash("apache-discovery@.service"),
        "inactive",
        "inactive",
        "-",
      ],
      ["apache@.service", shortHash("apache@.service"), "inactive", "inactive", "-"],
    ]);
    assertAligned(stdout);
    const old = await succeeds("fleetctl list-unit-files --fields=unit,tmachine --no-legend");
    assert.deepEqual(rowsOf(old.stdout), [
      ["apache-discovery@.service", "-"],
      ["apache@.service", "-"],
    ]);
  });

  test("3. fleetctl load apache@80.service, then its sidekick: both on one machine", async () => {
    const web = await succeeds("fleetctl load apache@80.service");
    const match =
      /^Unit apache@80\.service loaded on ([0-9a-f]{8})\.\.\.\/(127\.0\.0\.5[123])\n$/.exec(
        web.stdout,
      );
    assert.ok(match, web.stdout);
    machine80 = match[2] as string;
    assert.equal(`${match[1]}.../${machine80}`, legendOf(machine80));
    const sidekick = await succeeds("fleetctl load apache-discovery@80.service");
    assert.equal(
      sidekick.stdout,
      `Unit apache-discovery@80.service loaded on ${legendOf(machine80)}\n`,
    );
  });

  test("4. fleetctl start apache@80.service", async () => {
    const { stdout } = await succeeds("fleetctl start apache@80.service");
    assert.equal(stdout, `Unit apache@80.service launched on ${legendOf(machine80)}\n`);
  });

  test("5. fleetctl list-units: both active running on that machine", async () => {
    const expected = [
      ["UNIT", "MACHINE", "ACTIVE", "SUB"],
      ["apache-discovery@80.service", legendOf(machine80), "active", "running"],
      ["apache@80.service", legendOf(machine80), "active", "running"],
    ];
    // The sidekick is started beside the web unit (Requires=), not before start returns.
    const stdout = await waitUntil("both units running in list-units", async () => {
      const listed = await succeeds("fleetctl list-units");
      return JSON.stringify(rowsOf(listed.stdout)) === JSON.stringify(expected)
        ? listed.stdout
        : undefined;
    });
    assertAligned(stdout);
  });

  test("6. etcdctl get /announce/services/apache80, and the page at that address", async () => {
    const value = await waitUntil("the announcement", async () => {
      const found = await etcdctlGet("/announce/services/apache80");
      return found === "" ? undefined : found;
    });
    assert.equal(value, `${machine80}:80`);
    const page = await waitUntil(`the page at ${value}`, async () => {
      const response = await http("GET", `http://${value}/`).catch(() => undefined);
      return response?.status === 200 ? response : undefined;
    });
    assert.equal(page.text.trim(), "<h1>Running from Docker on CoreOS</h1>");
  });

  test("7. instance 9999 and its sidekick load together on another machine", async () => {
    const loaded = await succeeds(
      "fleetctl load apache@9999.service apache-discovery@9999.service",
    );
    const lines = loaded.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 2, loaded.stdout);
    const match = /^Unit apache@9999\.service loaded on .*\/(127\.0\.0\.5[123])$/.exec(
      lines[0] as string,
    );
    assert.ok(match, loaded.stdout);
    machine9999 = match[1] as string;
    assert.notEqual(machine9999, machine80, "X-Conflicts keeps two apaches apart");
    assert.equal(lines[0], `Unit apache@9999.service loaded on ${legendOf(machine9999)}`);
    assert.equal(lines[1], `Unit apache-discovery@9999.service loaded on ${legendOf(machine9999)}`);
    const started = await succeeds("fleetctl start apache@9999.service");
    assert.equal(started.stdout, `Unit apache@9999.service launched on ${legendOf(machine9999)}\n`);
    const value = await waitUntil("the 9999 announcement", async () => {
      const found = await etcdctlGet("/announce/services/apache9999");
      return found === "" ? undefined : found;
    });
    assert.equal(value, `${machine9999}:9999`);
  });

  test("8. fleetctl stop apache@80.service: it and its sidekick stop, the key goes", async () => {
    const stopped = await succeeds("fleetctl stop apache@80.service");
    assert.equal(stopped.stdout, `Unit apache@80.service loaded on ${legendOf(machine80)}\n`);
    assert.equal(stopped.stderr, "Successfully stopped units [apache@80.service].\n");
    const expected = [
      ["UNIT", "MACHINE", "ACTIVE", "SUB"],
      ["apache-discovery@80.service", legendOf(machine80), "inactive", "dead"],
      ["apache-discovery@9999.service", legendOf(machine9999), "active", "running"],
      ["apache@80.service", legendOf(machine80), "inactive", "dead"],
      ["apache@9999.service", legendOf(machine9999), "active", "running"],
    ];
    // BindsTo= stops the sidekick after the web unit, a moment later.
    await waitUntil("the sidekick stopped too", async () => {
      const listed = await succeeds("fleetctl list-units");
      return JSON.stringify(rowsOf(listed.stdout)) === JSON.stringify(expected);
    });
    assert.equal(await etcdctlGet("/announce/services/apache80"), "");
  });

  test("-o json: list-units, list-unit-files and list-machines parse and agree", async () => {
    const units = JSON.parse((await succeeds("fleetctl -o json list-units")).stdout);
    assert.deepEqual(
      units.map((unit: any) => [unit.name, unit.activeState, unit.subState, unit.desiredState]),
      [
        ["apache-discovery@80.service", "inactive", "dead", "loaded"],
        ["apache-discovery@9999.service", "active", "running", "loaded"],
        ["apache@80.service", "inactive", "dead", "loaded"],
        ["apache@9999.service", "active", "running", "launched"],
      ],
    );
    const files = JSON.parse((await succeeds("fleetctl list-unit-files --output json")).stdout);
    const template = files.find((file: any) => file.name === "apache@.service");
    assert.deepEqual(
      { ...template, hash: undefined },
      {
        name: "apache@.service",
        kind: "template",
        hash: undefined,
        shortHash: shortHash("apache@.service"),
        desiredState: "inactive",
        currentState: "inactive",
        global: false,
        description: "Apache web server service",
      },
    );
    const web = files.find((file: any) => file.name === "apache@9999.service");
    assert.equal(web.currentState, "launched");
    assert.equal(web.machineId.slice(0, 8), legendOf(machine9999).slice(0, 8));

    const machines = JSON.parse(
      (await type("fleetctl list-machines", { FLEETCTL_OUTPUT: "json" })).stdout,
    );
    assert.deepEqual(machines.map((machine: any) => machine.publicIP).sort(), [
      "127.0.0.51",
      "127.0.0.52",
      "127.0.0.53",
    ]);
    const table = await succeeds("fleetctl list-machines");
    const rows = rowsOf(table.stdout);
    assert.deepEqual(rows[0], ["MACHINE", "IP", "METADATA"]);
    assert.deepEqual(
      rows.slice(1).sort((a, b) => (a[1] as string).localeCompare(b[1] as string)),
      [
        [legendOf("127.0.0.51").split("/")[0], "127.0.0.51", "disk=ssd,region=eu"],
        [legendOf("127.0.0.52").split("/")[0], "127.0.0.52", "-"],
        [legendOf("127.0.0.53").split("/")[0], "127.0.0.53", "-"],
      ],
    );
    const full = await succeeds("fleetctl list-machines --full --no-legend --fields=machine");
    assert.deepEqual(
      full.stdout.trimEnd().split("\n").sort(),
      cluster.agents.map((agent) => agent.machineId).sort(),
    );
  });

  test("status, cat and journal read the unit and its log through the API", async () => {
    const status = await succeeds("fleetctl status apache@9999.service");
    const lines = status.stdout.split("\n");
    assert.equal(lines[0], "● apache@9999.service - Apache web server service");
    assert.match(status.stdout, /^ {3}Active: active \(running\)$/m);
    assert.match(
      status.stdout,
      new RegExp(`^ {2}Machine: ${legendOf(machine9999).replaceAll(".", "\\.")}$`, "m"),
    );
    assert.match(status.stdout, /apache@9999\.service: Started Apache web server service\./);

    const cat = await succeeds("fleetctl cat apache@.service");
    const parsed = parseUnitFile(specUnit("apache@.service"));
    assert.ok(parsed.ok);
    assert.equal(cat.stdout, serializeUnitFile(parsed.file));

    const journal = await succeeds("fleetctl journal apache@80.service");
    assert.match(journal.stdout, /apache@80\.service: Stopping Apache web server service\.\.\./);
    assert.ok(journal.stdout.trimEnd().split("\n").length <= 10, "10 lines by default");
    const last = await succeeds("fleetctl journal --lines 1 apache@80.service");
    assert.equal(last.stdout.trimEnd().split("\n").length, 1);
    const json = JSON.parse((await succeeds("fleetctl journal -o json apache@80.service")).stdout);
    assert.equal(json.unit, "apache@80.service");
    assert.ok(json.lines.some((line: string) => /Stopping Apache/.test(line)));
  });

  test("journal --follow streams new lines until interrupted", async () => {
    await writeFile(
      join(workDir, "ticker.service"),
      '[Service]\nExecStart=/bin/sh -c "while true; do echo tick; sleep 0.2; done"\n',
    );
    const started = await succeeds("fleetctl -o json start ticker.service");
    const [ticker] = JSON.parse(started.stdout);
    assert.deepEqual(
      [ticker.name, ticker.desiredState, ticker.currentState, ticker.activeState],
      ["ticker.service", "launched", "launched", "active"],
    );
    assert.match(started.stderr, /^Unit ticker\.service launched on /, "messages move to stderr");
    const child = spawn(
      process.execPath,
      [join(binDir, "fleetctl"), "journal", "-f", "ticker.service"],
      {
        env: { ...process.env, FLEETCTL_ENDPOINT: cluster.url },
      },
    );
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    try {
      // More ticks than the 10 recent lines: some arrived after the stream began.
      await waitUntil("15 ticks", () => (output.match(/: tick$/gm) ?? []).length >= 15);
    } finally {
      child.kill("SIGINT");
    }
    await succeeds("fleetctl destroy ticker.service");
  });

  test("a unit that fails to start is reported with its reason and exit status 1", async () => {
    await writeFile(join(workDir, "broken.service"), "[Service]\nExecStart=/nonexistent/binary\n");
    const result = await type("fleetctl start broken.service");
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.equal(result.stdout, "");
    assert.match(
      result.stderr,
      /^Unit broken\.service failed to start on [0-9a-f]{8}\.\.\.\/127\.0\.0\.5[123]: .*nonexistent/m,
    );
    assert.ok(!result.stderr.includes("    at "), "no stack trace");
    const again = await type("fleetctl start broken.service");
    assert.equal(again.code, 1, "already launched, but failed: not a success");
    assert.match(again.stderr, /^Unit broken\.service failed to start on .*nonexistent/m);
    await succeeds("fleetctl destroy broken.service");
  });

  test("--no-block triggers; --block-attempts gives up with the reason", async () => {
    await writeFile(
      join(workDir, "nowhere.service"),
      "[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nMachineMetadata=disk=nvme\n",
    );
    const triggered = await succeeds("fleetctl load --no-block nowhere.service");
    assert.equal(triggered.stdout, "Triggered unit nowhere.service load\n");
    await succeeds("fleetctl unload nowhere.service");
    const json = await succeeds("fleetctl -o json load --no-block nowhere.service");
    const [nowhere] = JSON.parse(json.stdout);
    assert.deepEqual(
      [nowhere.name, nowhere.desiredState, nowhere.currentState],
      ["nowhere.service", "loaded", "inactive"],
    );
    assert.match(nowhere.reason, /disk|placed/);
    assert.equal(json.stderr, "Triggered unit nowhere.service load\n");
    await succeeds("fleetctl unload nowhere.service");
    const result = await type("fleetctl load --block-attempts=1 nowhere.service");
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^Error waiting for unit nowhere\.service: timed out after 1 attempt\(s\) waiting for unit nowhere\.service to report state loaded; it is inactive: .*disk/m,
    );
    const unable = await type("fleetctl unload nowhere.service && fleetctl stop nowhere.service");
    assert.equal(unable.code, 1);
    assert.match(unable.stderr, /^Unable to stop unit nowhere\.service in state inactive$/m);
    await succeeds("fleetctl destroy nowhere.service");
  });

  test("plan shows where a unit would go, and why no machine would do", async () => {
    const { stdout } = await succeeds("fleetctl plan apache@7000.service");
    const free = ["127.0.0.51", "127.0.0.52", "127.0.0.53"].find(
      (ip) => ip !== machine80 && ip !== machine9999,
    ) as string;
    const rows = rowsOf(stdout);
    assert.deepEqual(rows.slice(0, 2), [
      ["UNIT", "MACHINE", "RESULT"],
      ["apache@7000.service", legendOf(free), "would run here"],
    ]);
    // The other two machines run an apache instance already: each is named with its conflict.
    assert.equal(rows.length, 4);
    for (const row of rows.slice(2)) {
      assert.equal(row[0], "apache@7000.service");
      assert.match(row.slice(2).join(" "), /conflict/i);
    }
    await writeFile(
      join(workDir, "nvme.service"),
      "[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nMachineMetadata=disk=nvme\n",
    );
    await succeeds("fleetctl submit nvme.service");
    const nowhere = rowsOf((await succeeds("fleetctl plan --no-legend nvme.service")).stdout);
    assert.deepEqual(nowhere[0]?.slice(0, 2), ["nvme.service", "-"]);
    assert.match(nowhere[0]?.[2] ?? "", /^no machine fits: /);
    assert.deepEqual(
      nowhere
        .slice(1)
        .map((row) => row[1])
        .sort(),
      ["127.0.0.51", "127.0.0.52", "127.0.0.53"].map(legendOf).sort(),
    );
    for (const row of nowhere.slice(1)) assert.match(row[2] ?? "", /disk/);
    const plan = JSON.parse((await succeeds("fleetctl plan -o json nvme.service")).stdout);
    assert.equal(plan.units[0].unit, "nvme.service");
    assert.equal(plan.units[0].rejected.length, 3);
    await succeeds("fleetctl destroy nvme.service");
  });

  test("destroy removes units, and is quiet about units already gone", async () => {
    const { stdout } = await succeeds(
      "fleetctl destroy apache@9999.service apache-discovery@9999.service",
    );
    assert.equal(
      stdout,
      "Destroyed apache@9999.service\nDestroyed apache-discovery@9999.service\n",
    );
    const listed = await succeeds("fleetctl list-units --no-legend --fields=unit");
    assert.equal(listed.stdout, "apache-discovery@80.service\napache@80.service\n");
    const again = await type("fleetctl destroy apache@9999.service");
    assert.equal(again.code, 0);
    assert.equal(again.stderr, "Units not found in registry\n");
  });
});
