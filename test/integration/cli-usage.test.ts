import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { type AddressInfo, createServer as createTcpServer } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import type { MachineRecord, UnitStateRecord } from "../../src/registry/records.ts";
import type { Presence } from "../../src/registry/registry.ts";
import { FLOTILLA_VERSION } from "../../src/version.ts";
import { http } from "../support/http.ts";
import { runFlotilla } from "../support/process.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { type Typed, typeLine, userShell } from "../support/shell.ts";
import { waitUntil } from "../support/wait.ts";

const AGENT_TOKEN = "cli-usage-agent-token";

/** A machine announced in etcd with no real agent: its agentURL is whatever the test says. */
function fakeMachine(id: string, agentURL: string): MachineRecord {
  const now = new Date().toISOString();
  return {
    id,
    publicIP: "192.0.2.7",
    privateIP: "192.0.2.7",
    metadata: {},
    agentURL,
    version: "test",
    startedAt: now,
    heartbeatAt: now,
  };
}

/** A port nothing listens on: one the system just gave and took back. */
async function closedPort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe("the fleetctl CLI: usage errors, exit codes, flags and environment", () => {
  let server: TestServer;
  let workDir: string;
  let binDir: string;

  /** A command line typed in the working directory, with only the given Flotilla variables. */
  function type(line: string, env: NodeJS.ProcessEnv = {}): Promise<Typed> {
    return typeLine(line, { workDir, binDir }, { ...env });
  }

  const atServer = () => ({ FLEETCTL_ENDPOINT: server.url });

  /** One line on stderr, no stack trace. */
  function assertOneLine(result: Typed, pattern: RegExp, what: string): void {
    assert.match(result.stderr.trimEnd(), pattern, what);
    assert.equal(result.stderr.trimEnd().split("\n").length, 1, `${what}: ${result.stderr}`);
    assert.ok(!result.stderr.includes("    at "), `${what}: no stack trace`);
  }

  /** A local HTTP server standing in for the API, recording what it was sent. */
  async function fakeApi(
    answer: (path: string) => { status: number; type: string; body: string; retryAfter?: string },
  ): Promise<{ url: string; seen: { path: string; authorization?: string }[]; close(): void }> {
    const seen: { path: string; authorization?: string }[] = [];
    const fake: Server = createServer((request, response) => {
      seen.push({ path: request.url ?? "", authorization: request.headers.authorization });
      const { status, type: contentType, body, retryAfter } = answer(request.url ?? "");
      response
        .writeHead(status, {
          "content-type": contentType,
          ...(retryAfter ? { "retry-after": retryAfter } : {}),
        })
        .end(body);
    });
    await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
    const { port } = fake.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      seen,
      close: () => fake.close(),
    };
  }

  before(async () => {
    server = await startServer({ agentToken: AGENT_TOKEN });
    ({ workDir, binDir } = await userShell());
  });
  after(async () => {
    await server.close();
    await rm(workDir, { recursive: true, force: true });
  });

  test("each usage error exits 2 with one line naming the mistake and where help is", async () => {
    const cases: [string, RegExp][] = [
      [
        "fleetctl no-such-command",
        /^fleetctl: unknown command "no-such-command" \(see 'fleetctl help'\)$/,
      ],
      [
        "fleetctl list-units --no-such-flag",
        /^fleetctl: list-units: unknown flag --no-such-flag \(see 'fleetctl help list-units'\)$/,
      ],
      ["fleetctl list-units --endpoint", /flag --endpoint needs a value/],
      ["fleetctl -o yaml list-units", /--output yaml: expected one of table, json/],
      ["fleetctl list-units --full=maybe", /flag --full takes no value/],
      [
        "fleetctl --endpoint 127.0.0.1:7600 list-units",
        /--endpoint 127\.0\.0\.1:7600: expected a URL/,
      ],
      [
        "fleetctl --request-timeout=soon list-units",
        /--request-timeout soon: expected a positive number/,
      ],
      [
        "fleetctl load --block-attempts=many apache@80.service",
        /--block-attempts many: expected a whole number/,
      ],
      ["fleetctl journal --lines=-1 apache@80.service", /--lines -1: expected a whole number/],
      ["fleetctl list-units --fields=unit,colour", /invalid key in output format: "colour"/],
      ["fleetctl list-units --fields=", /must define output format/],
      ["fleetctl list-units apache@80.service", /unexpected argument "apache@80\.service"/],
      ["fleetctl cat a.service b.service", /^fleetctl: cat: one unit must be given/],
      ["fleetctl journal", /^fleetctl: journal: one unit must be given/],
      ["fleetctl help no-such-command", /unknown command "no-such-command"/],
      ...["submit", "load", "start", "stop", "unload", "destroy", "restart", "status", "plan"].map(
        (command): [string, RegExp] => [
          `fleetctl ${command}`,
          new RegExp(`^fleetctl: ${command}: no units given \\(see 'fleetctl help ${command}'\\)$`),
        ],
      ),
    ];
    const results = await Promise.all(cases.map(([line]) => type(line, atServer())));
    for (const [index, [line, pattern]] of cases.entries()) {
      const result = results[index] as Typed;
      assert.equal(result.code, 2, `${line}: ${result.stdout}${result.stderr}`);
      assert.equal(result.stdout, "", line);
      assertOneLine(result, pattern, line);
    }
  });

  test("help and version exit 0; flotilla help lists the daemons too", async () => {
    const bare = await type("fleetctl");
    assert.equal(bare.code, 0);
    assert.match(bare.stdout, /^COMMANDS:$/m);
    const help = await type("fleetctl help");
    assert.equal(help.stdout, bare.stdout);
    for (const command of [
      "submit",
      "load",
      "start",
      "stop",
      "unload",
      "destroy",
      "restart",
      "list-units",
      "list-unit-files",
      "list-machines",
      "status",
      "cat",
      "journal",
      "plan",
      "version",
      "help",
    ]) {
      assert.match(help.stdout, new RegExp(`^\\t${command}\\t+\\S`, "m"), command);
    }
    for (const daemon of ["server", "agent"]) {
      for (const flag of ["--help", "-h"]) {
        const usage = await runFlotilla([daemon, flag]);
        assert.equal(usage.code, 0, `flotilla ${daemon} ${flag}: ${usage.stderr}`);
        assert.match(usage.stdout, new RegExp(`^Usage: flotilla ${daemon} \\[flags\\]\\n`));
        assert.match(usage.stdout, /--etcd URL/);
        assert.equal(usage.stderr, "");
      }
      assert.deepEqual(await runFlotilla(["help", daemon]), await runFlotilla([daemon, "--help"]));
    }
    for (const args of [
      ["etcdctl", "--help"],
      ["etcdctl", "-h"],
      ["help", "etcdctl"],
    ]) {
      const usage = await runFlotilla(args);
      assert.equal(usage.code, 0, `flotilla ${args.join(" ")}: ${usage.stderr}`);
      assert.match(usage.stdout, /^Usage: flotilla etcdctl \[--endpoints URL,\.\.\.\] COMMAND/);
      assert.match(usage.stdout, /^ {2}mk KEY VALUE \[--ttl N\]/m);
    }
    const load = await type("fleetctl load --help");
    assert.equal(load.code, 0);
    assert.match(load.stdout, /^\tfleetctl load \[--no-block\|--block-attempts=N\]/m);
    assert.deepEqual(await type("fleetctl help load"), load);
    const version = await type("fleetctl version");
    assert.deepEqual(version, {
      code: 0,
      stdout: `fleetctl version ${FLOTILLA_VERSION}\n`,
      stderr: "",
    });
    const json = await type("fleetctl version -o json");
    assert.deepEqual(JSON.parse(json.stdout), { version: FLOTILLA_VERSION });

    const flotilla = await runFlotilla(["help"]);
    assert.equal(flotilla.code, 0);
    assert.match(flotilla.stdout, /^\tflotilla - /m);
    for (const daemon of ["server", "agent", "etcdctl"]) {
      assert.match(flotilla.stdout, new RegExp(`^\\t${daemon}\\t+\\S`, "m"), daemon);
    }
  });

  test("the endpoint comes from --endpoint, FLOTILLA_ENDPOINT or FLEETCTL_ENDPOINT", async () => {
    const empty = "MACHINE\tIP\tMETADATA\n";
    for (const env of [
      { FLEETCTL_ENDPOINT: server.url },
      { FLOTILLA_ENDPOINT: server.url },
      { FLOTILLA_ENDPOINT: server.url, FLEETCTL_ENDPOINT: "http://127.0.0.1:9" },
    ]) {
      const result = await type("fleetctl list-machines", env);
      assert.deepEqual(result, { code: 0, stdout: empty, stderr: "" }, JSON.stringify(env));
    }
    const flag = await type(`fleetctl --endpoint=${server.url} list-machines`, {
      FLEETCTL_ENDPOINT: "http://127.0.0.1:9",
    });
    assert.equal(flag.stdout, empty, "the flag wins over the environment");
    const after = await type(`fleetctl list-machines --endpoint ${server.url}`);
    assert.equal(after.stdout, empty, "global flags may follow the command");
    const json = await type("fleetctl list-units", { ...atServer(), FLOTILLA_OUTPUT: "json" });
    assert.deepEqual(JSON.parse(json.stdout), []);
  });

  test("an unreachable or silent API is one line and exit 1", async () => {
    const closed = await closedPort();
    const refused = await type(`fleetctl --endpoint http://127.0.0.1:${closed} list-units`);
    assert.equal(refused.code, 1);
    assertOneLine(
      refused,
      new RegExp(
        `^fleetctl: cannot reach the API at http://127\\.0\\.0\\.1:${closed}: .*ECONNREFUSED`,
      ),
      "refused",
    );

    const silent = createTcpServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const result = await type(`fleetctl --endpoint http://127.0.0.1:${port} list-units`, {
        FLEETCTL_REQUEST_TIMEOUT: "0.5",
      });
      assert.equal(result.code, 1);
      assertOneLine(
        result,
        new RegExp(
          `^fleetctl: the API at http://127\\.0\\.0\\.1:${port} did not answer within 0\\.5s$`,
        ),
        "silent",
      );
    } finally {
      silent.close();
    }
  });

  test("--token and FLOTILLA_TOKEN are sent as a bearer token; a refusal is one line", async () => {
    const api = await fakeApi((path) =>
      path.startsWith("/v1/units")
        ? { status: 200, type: "application/json", body: '{"units":[]}' }
        : {
            status: 401,
            type: "application/problem+json",
            body: JSON.stringify({
              type: "urn:flotilla:problem:unauthorized",
              title: "Unauthorized",
              status: 401,
              detail: "a valid API token is required (Authorization: Bearer <token>)",
            }),
          },
    );
    try {
      await type(`fleetctl --endpoint ${api.url} --token s3cret list-units`);
      await type(`fleetctl --endpoint ${api.url} list-units`, { FLOTILLA_TOKEN: "t0ken" });
      assert.deepEqual(
        api.seen.map((request) => request.authorization),
        ["Bearer s3cret", "Bearer t0ken"],
      );
      assert.ok(api.seen.every((request) => request.path.startsWith("/v1/units")));
      const refused = await type(`fleetctl --endpoint ${api.url} list-machines`);
      assert.equal(refused.code, 1);
      assertOneLine(
        refused,
        /^fleetctl: a valid API token is required \(Authorization: Bearer <token>\)$/,
        "401",
      );
    } finally {
      api.close();
    }
  });

  test("a rate-limited read is asked again after Retry-After", async () => {
    let refused = 0;
    const api = await fakeApi(() =>
      refused++ === 0
        ? { status: 429, type: "application/problem+json", body: "{}", retryAfter: "1" }
        : { status: 200, type: "application/json", body: '{"machines":[]}' },
    );
    try {
      const result = await type(`fleetctl --endpoint ${api.url} list-machines`);
      assert.deepEqual(result, { code: 0, stdout: "MACHINE\tIP\tMETADATA\n", stderr: "" });
      assert.equal(api.seen.length, 2);
    } finally {
      api.close();
    }
  });

  test("journal reads the log from the unit's agent through the API", async () => {
    const agent = await fakeApi((path) =>
      path.startsWith("/v1/units/logged.service/logs?")
        ? { status: 200, type: "text/plain", body: "first line\nsecond line\n" }
        : { status: 404, type: "application/json", body: '{"detail":"no such log"}' },
    );
    const registry = server.controlPlane.registry;
    const presences: Presence[] = [];
    try {
      const reachable = fakeMachine("aaaaaaaa00000000000000000000000a", agent.url);
      const gone = fakeMachine(
        "bbbbbbbb00000000000000000000000b",
        `http://127.0.0.1:${await closedPort()}`,
      );
      for (const machine of [reachable, gone]) {
        presences.push(await registry.announceMachine(machine, 30));
      }
      for (const [index, [name, machine]] of (
        [
          ["logged.service", reachable],
          ["orphan.service", gone],
        ] as const
      ).entries()) {
        await writeFile(join(workDir, name), "[Service]\nExecStart=/bin/sleep 1000\n");
        await type(`fleetctl load --no-block ${name}`, atServer());
        // No engine runs here: the test places the unit and reports it as its agent would.
        await registry.writePlacements([[{ name, machineId: machine.id }]]);
        const state: UnitStateRecord = {
          name,
          machineId: machine.id,
          hash: "0".repeat(40),
          desiredState: "loaded",
          loadState: "loaded",
          activeState: "active",
          subState: "running",
          since: new Date().toISOString(),
        };
        await registry.reportUnitState(presences[index] as Presence, state);
      }
      await waitUntil("both units reported", async () => {
        const units = (await http("GET", `${server.url}/v1/units`)).json.units;
        return units.filter((unit: any) => unit.activeState === "active").length === 2;
      });

      const journal = await type("fleetctl journal --lines 2 logged.service", atServer());
      assert.deepEqual(journal, { code: 0, stdout: "first line\nsecond line\n", stderr: "" });
      assert.deepEqual(agent.seen.at(-1), {
        path: "/v1/units/logged.service/logs?lines=2&follow=false",
        authorization: `Bearer ${AGENT_TOKEN}`,
      });

      const unreachable = await type("fleetctl journal orphan.service", atServer());
      assert.equal(unreachable.code, 1);
      assertOneLine(
        unreachable,
        /^fleetctl: the agent of machine bbbbbbbb0+b \(http:\/\/127\.0\.0\.1:\d+\) did not give the log of orphan\.service: /,
        "an unreachable agent",
      );
      const problem = await http("GET", `${server.url}/v1/units/orphan.service/logs`);
      assert.equal(problem.status, 502);
      assert.equal(problem.json.type, "urn:flotilla:problem:agent-unavailable");
      await writeFile(join(workDir, "unplaced.service"), "[Service]\nExecStart=/bin/true\n");
      await type("fleetctl submit unplaced.service", atServer());
      const unplaced = await http("GET", `${server.url}/v1/units/unplaced.service/logs`);
      assert.equal(unplaced.status, 404);
      assert.equal(unplaced.json.type, "urn:flotilla:problem:unit-not-found");
    } finally {
      agent.close();
      await Promise.all(presences.map((presence) => presence.revoke().catch(() => {})));
    }
  });

  test("the server's problems are one readable line and exit 1", async () => {
    await writeFile(join(workDir, "typo.service"), "[Service]\nExecStrat=/bin/true\n");
    const invalid = await type("fleetctl submit typo.service", atServer());
    assert.equal(invalid.code, 1);
    assertOneLine(invalid, /^fleetctl: .*ExecStrat/, "an invalid unit file");

    const missing = await type("fleetctl cat nowhere.service", atServer());
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, "Unit nowhere.service not found\n");

    const noFile = await type("fleetctl start ghost@1.service", atServer());
    assert.equal(noFile.code, 1);
    assertOneLine(
      noFile,
      /^fleetctl: unable to find unit ghost@1\.service, or its template ghost@\.service, in the cluster or at /,
      "no template anywhere",
    );

    await writeFile(join(workDir, "web@.service"), "[Service]\nExecStart=/bin/sleep 1000\n");
    const template = await type("fleetctl load web@.service", atServer());
    assert.equal(template.code, 1);
    assertOneLine(template, /^fleetctl: .*template/, "a template cannot be loaded");

    const stopTemplate = await type("fleetctl stop web@.service", atServer());
    assert.equal(stopTemplate.code, 1);
    assert.equal(
      stopTemplate.stderr,
      "Unit web@.service does not exist.\n",
      "a template is no unit",
    );

    const stopMissing = await type("fleetctl stop nowhere.service", atServer());
    assert.equal(stopMissing.code, 1);
    assert.equal(stopMissing.stderr, "Unit nowhere.service does not exist.\n");

    const untyped = await type("fleetctl status nowhere", atServer());
    assert.equal(untyped.stderr, "Unit nowhere.service does not exist.\n", ".service is assumed");
  });

  test("submit takes instances whose template lies in the current directory", async () => {
    await writeFile(join(workDir, "beside@.service"), "[Service]\nExecStart=/bin/sleep 1000\n");
    const result = await type("fleetctl submit beside@1.service", atServer());
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "Unit beside@1.service inactive\n");
    const files = await type(
      "fleetctl list-unit-files --no-legend --fields=unit,dstate",
      atServer(),
    );
    assert.match(files.stdout, /^beside@\.service\t+inactive$/m);
    assert.match(files.stdout, /^beside@1\.service\t+inactive$/m);

    await writeFile(join(workDir, "beside@.service"), "[Service]\nExecStart=/bin/sleep 2000\n");
    const differs = await type("fleetctl submit beside@.service", atServer());
    assert.equal(differs.code, 0);
    assert.equal(
      differs.stderr,
      "WARNING: Unit beside@.service in registry differs from local unit file beside@.service. Add --replace to override.\n",
    );
    const replaced = await type("fleetctl submit --replace beside@.service", atServer());
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.equal(replaced.stderr, "");
    const cat = await type("fleetctl cat beside@.service", atServer());
    assert.match(cat.stdout, /sleep 2000/);
    const json = await type("fleetctl submit -o json beside@.service beside@1.service", atServer());
    assert.deepEqual(JSON.parse(json.stdout), [
      { name: "beside@.service", created: false },
      { name: "beside@1.service", created: false },
    ]);
  });

  test("a wait shows a progress line on a terminal and none in a pipe", async (t) => {
    const hasScript = await promisify(execFile)("script", ["--version"]).then(
      () => true,
      () => false,
    );
    for (const name of ["idle.service", "idle2.service"]) {
      await writeFile(join(workDir, name), "[Service]\nExecStart=/bin/sleep 1000\n");
    }
    const piped = await type("fleetctl load --block-attempts=1 idle.service", atServer());
    assert.equal(piped.code, 1);
    assert.ok(!piped.stderr.includes("Waiting"), piped.stderr);
    assertOneLine(piped, /^Error waiting for unit idle\.service: timed out/, "the timeout");
    if (!hasScript) return t.skip("no script(1) to run a terminal");
    // script(1) runs the command on a pseudo-terminal, as a user's shell would.
    const onTerminal = await type(
      // Another unit: the first one's desired state is loaded already, so load would skip it.
      `script -qec "fleetctl load --block-attempts=1 idle2.service" /dev/null`,
      atServer(),
    );
    const eraseLine = "\r\u001b[2K";
    assert.ok(
      onTerminal.stdout.includes(`${eraseLine}Waiting `),
      `a progress line: ${JSON.stringify(onTerminal)}`,
    );
    assert.match(onTerminal.stdout, /Waiting \d+s for idle2\.service to be loaded \(inactive/);
    assert.match(onTerminal.stdout, /Error waiting for unit idle2\.service: timed out/);
  });
});
