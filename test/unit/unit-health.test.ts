// [X-Health]: what a unit file may declare, what it gets by default, and every error named
// with its line and key; then the probes' values with the machine's variables.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { HEALTH_DEFAULTS, HEALTH_KEYS, readHealthSection } from "../../src/unit/health.ts";
import {
  expandVariables,
  parseExpectStatus,
  parseHostPort,
  resolveProbe,
  statusExpected,
} from "../../src/unit/health-probe.ts";
import type { Located } from "../../src/unit/model.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { serviceDefinition } from "../../src/unit/service.ts";
import { lineCount } from "../../src/unit/text.ts";
import { checkUnitFile } from "../../src/unit/validate.ts";

const DOCKER =
  "[Service]\nExecStart=/usr/bin/docker run --rm --name web-%i -p 80:80 flotilla/busybox httpd -f\n";
const PROCESS = "[Service]\nExecStart=/bin/sleep 1000\n";

function healthOf(text: string, unitName = "web@80.service") {
  const parsed = parseUnitFile(text);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return readHealthSection(
    parsed.file,
    { unitName, machineId: "m".repeat(32), hostname: "node1.example" },
    parsed.lines,
  );
}

function checkOf(text: string, unitName?: string) {
  const read = healthOf(text, unitName);
  assert.deepEqual(read.errors, []);
  assert.ok(read.check, "a check");
  return read.check;
}

/** The errors checkUnitFile reports, as a submission would get them. */
function errorsOf(text: string, unitName = "web@.service"): Located[] {
  const result = checkUnitFile(text, unitName);
  assert.equal(result.ok, false, `expected errors for ${JSON.stringify(text)}`);
  return result.ok ? [] : result.errors;
}

describe("[X-Health]: what a unit declares", () => {
  test("no section, no check, no error", () => {
    assert.deepEqual(healthOf(PROCESS), { errors: [] });
    const definition = serviceDefinition(parseFile(PROCESS), { unitName: "a.service" });
    assert.equal(definition.health, undefined);
    assert.equal(definition.healthProblem, undefined);
  });

  test("a probe alone gets the defaults: every 10 s, 2 s to answer, 3 failures, 1 success", () => {
    const check = checkOf(`${PROCESS}[X-Health]\nTCPConnect=127.0.0.1:80\n`);
    assert.deepEqual(check, {
      probe: { kind: "tcp", address: "127.0.0.1:80" },
      intervalSeconds: 10,
      timeoutSeconds: 2,
      startPeriodSeconds: 0,
      unhealthyThreshold: 3,
      healthyThreshold: 1,
    });
    assert.equal(HEALTH_DEFAULTS.intervalSeconds, 10);
  });

  test("an interval shorter than the default timeout shortens the timeout", () => {
    const check = checkOf(`${PROCESS}[X-Health]\nTCPConnect=127.0.0.1:80\nIntervalSec=1\n`);
    assert.equal(check.intervalSeconds, 1);
    assert.equal(check.timeoutSeconds, 1);
  });

  test("every setting, with systemd's time spans", () => {
    const check = checkOf(
      `${DOCKER}[X-Health]\nHTTPGet=http://\${COREOS_PUBLIC_IPV4}:%i/health\nExpectStatus=200 204,300-302\nIntervalSec=1min 30s\nTimeoutSec=500ms\nStartPeriodSec=2min\nUnhealthyThreshold=5\nHealthyThreshold=2\nRestartAfter=10\n`,
    );
    assert.deepEqual(check, {
      probe: {
        kind: "http",
        // Specifiers are the unit's and the machine's; variables wait for the unit's environment.
        url: `http://\${COREOS_PUBLIC_IPV4}:80/health`,
        expectStatus: [
          { from: 200, to: 200 },
          { from: 204, to: 204 },
          { from: 300, to: 302 },
        ],
      },
      intervalSeconds: 90,
      timeoutSeconds: 0.5,
      startPeriodSeconds: 120,
      unhealthyThreshold: 5,
      healthyThreshold: 2,
      restartAfter: 10,
    });
  });

  test("HTTPGet expects 200 to 399 unless told", () => {
    const check = checkOf(`${PROCESS}[X-Health]\nHTTPGet=https://%H:8443/\n`);
    assert.deepEqual(check.probe, {
      kind: "http",
      url: "https://node1.example:8443/",
      expectStatus: [{ from: 200, to: 399 }],
    });
  });

  test("ExecCheck runs on any service, ContainerExecCheck in a docker run's container", () => {
    assert.deepEqual(checkOf(`${PROCESS}[X-Health]\nExecCheck=/usr/bin/test -f /run/%n\n`).probe, {
      kind: "exec",
      command: "/usr/bin/test -f /run/web@80.service",
    });
    assert.deepEqual(
      checkOf(`${DOCKER}[X-Health]\nContainerExecCheck=wget -q -O- localhost\n`).probe,
      {
        kind: "container-exec",
        command: "wget -q -O- localhost",
      },
    );
    // docker start -a of one container is a container too.
    checkOf("[Service]\nExecStart=docker start -a web\n[X-Health]\nContainerExecCheck=true\n");
  });

  test("the last assignment wins and an empty one resets, as in systemd", () => {
    const check = checkOf(
      `${PROCESS}[X-Health]\nTCPConnect=127.0.0.1:80\nTCPConnect=127.0.0.1:81\nIntervalSec=5\nIntervalSec=\n`,
    );
    assert.deepEqual(check.probe, { kind: "tcp", address: "127.0.0.1:81" });
    assert.equal(check.intervalSeconds, 10);
    // A probe reset leaves another one the only one.
    const other = checkOf(`${PROCESS}[X-Health]\nHTTPGet=http://a/\nHTTPGet=\nTCPConnect=a:1\n`);
    assert.equal(other.probe.kind, "tcp");
    // A section of resets alone declares nothing.
    assert.deepEqual(healthOf(`${PROCESS}[X-Health]\nHTTPGet=\n`), { errors: [] });
  });

  test("the agent's definition carries the check, with the machine's specifiers", () => {
    const definition = serviceDefinition(
      parseFile(`${PROCESS}[X-Health]\nHTTPGet=http://%H/%i\n`),
      { unitName: "web@7.service", hostname: "node2" },
    );
    assert.equal(definition.health?.probe.kind, "http");
    assert.deepEqual(definition.health?.probe, {
      kind: "http",
      url: "http://node2/7",
      expectStatus: [{ from: 200, to: 399 }],
    });
  });

  test("a declaration with errors is not run, and the agent can say why", () => {
    // Before [X-Health] was read, it was an extension section: such files may be stored.
    const definition = serviceDefinition(parseFile(`${PROCESS}[X-Health]\nIntervalSec=0\n`), {
      unitName: "a.service",
    });
    assert.equal(definition.health, undefined);
    // The line of the canonical text, which is what the agent holds.
    assert.match(
      definition.healthProblem ?? "",
      /^line 5 of the unit file: \[X-Health\] declares no check/,
    );
  });
});

describe("[X-Health]: errors name the line and the key", () => {
  test("an unknown key is an error, with the key it resembles or the keys there are", () => {
    assert.deepEqual(
      errorsOf(`${PROCESS}[X-Health]\nTCPConnect=a:1\nintervalsec=5\nX-Owner=me\n`),
      [
        {
          line: 5,
          message: "unknown key intervalsec in section [X-Health] (did you mean IntervalSec?)",
        },
        {
          line: 6,
          message: `unknown key X-Owner in section [X-Health] (it takes ${HEALTH_KEYS.join(", ")})`,
        },
      ],
    );
  });

  test("a misspelt section, and a health key in another section, say where it belongs", () => {
    assert.deepEqual(errorsOf(`${PROCESS}IntervalSec=5\n[X-health]\nTCPConnect=a:1\n`), [
      {
        line: 3,
        message: "unknown key IntervalSec in section [Service] (IntervalSec belongs in [X-Health])",
      },
      // A section is reported at its first option.
      { line: 5, message: "unknown section [X-health] (did you mean [X-Health]?)" },
    ]);
  });

  test("settings without a probe, and two probes", () => {
    assert.deepEqual(errorsOf(`${PROCESS}[X-Health]\nIntervalSec=5\n`), [
      {
        line: 4,
        message:
          "[X-Health] declares no check: set one of HTTPGet=, TCPConnect=, ExecCheck=, ContainerExecCheck=",
      },
    ]);
    assert.deepEqual(errorsOf(`${PROCESS}[X-Health]\nExecCheck=/bin/true\nHTTPGet=http://a/\n`), [
      {
        line: 5,
        message:
          "[X-Health] declares two checks, ExecCheck= (line 4) and HTTPGet=: a unit has exactly one",
      },
    ]);
  });

  test("values that do not parse", () => {
    const text = `${PROCESS}[X-Health]\nHTTPGet=ftp://files/\nExpectStatus=OK\nIntervalSec=often\n`;
    assert.deepEqual(errorsOf(text), [
      { line: 4, message: 'HTTPGet: "ftp://files/" is not an http:// or https:// URL' },
      {
        line: 5,
        message:
          'ExpectStatus: "OK" is not an HTTP status (100 to 599) or a range of them such as 200-399',
      },
      {
        line: 6,
        message: 'IntervalSec: "often" is not a time span such as 10s, 500ms or 1min 30s',
      },
    ]);
    assert.deepEqual(errorsOf(`${PROCESS}[X-Health]\nTCPConnect=::1:80\n`), [
      {
        line: 4,
        message:
          'TCPConnect: "::1:80" is not host:port (write an IPv6 address in brackets: [::1]:80)',
      },
    ]);
    assert.deepEqual(errorsOf(`${PROCESS}[X-Health]\nTCPConnect=localhost:http\n`), [
      {
        line: 4,
        message: 'TCPConnect: "localhost:http": the port must be a number from 1 to 65535',
      },
    ]);
    assert.deepEqual(errorsOf(`${PROCESS}[X-Health]\nExecCheck=/bin/sh -c 'true\n`), [
      { line: 4, message: 'ExecCheck: unbalanced quoting in "/bin/sh -c \'true"' },
    ]);
    assert.deepEqual(errorsOf(`${PROCESS}[X-Health]\nExecCheck=-/bin/false\n`), [
      {
        line: 4,
        message: 'ExecCheck: a check takes no prefix such as "-": its exit status is its verdict',
      },
    ]);
  });

  test("numbers out of range", () => {
    const text = `${PROCESS}[X-Health]\nTCPConnect=a:1\nIntervalSec=500ms\nStartPeriodSec=infinity\nUnhealthyThreshold=0\nHealthyThreshold=101\nRestartAfter=two\n`;
    assert.deepEqual(errorsOf(text), [
      { line: 5, message: 'IntervalSec must be from 1s to 1d, not "500ms"' },
      { line: 6, message: 'StartPeriodSec must be from 0 to 1d, not "infinity"' },
      { line: 7, message: 'UnhealthyThreshold must be a whole number from 1 to 100, not "0"' },
      { line: 8, message: 'HealthyThreshold must be a whole number from 1 to 100, not "101"' },
      { line: 9, message: 'RestartAfter must be a whole number from 1 to 100, not "two"' },
    ]);
  });

  test("a timeout longer than the interval, and a restart before the unit is unhealthy", () => {
    const text = `${PROCESS}[X-Health]\nTCPConnect=a:1\nIntervalSec=5\nTimeoutSec=6\nUnhealthyThreshold=4\nRestartAfter=3\n`;
    assert.deepEqual(errorsOf(text), [
      {
        line: 6,
        message:
          'TimeoutSec must be more than 0 and at most IntervalSec (5s), so that checks never overlap, not "6"',
      },
      {
        line: 8,
        message:
          "RestartAfter (3) must be at least UnhealthyThreshold (4): a unit is restarted only once it is unhealthy",
      },
    ]);
    assert.deepEqual(errorsOf(`${PROCESS}[X-Health]\nTCPConnect=a:1\nTimeoutSec=0\n`), [
      {
        line: 5,
        message:
          'TimeoutSec must be more than 0 and at most IntervalSec (10s), so that checks never overlap, not "0"',
      },
    ]);
  });

  test("a refused IntervalSec or UnhealthyThreshold is not held against what depends on it", () => {
    assert.deepEqual(
      errorsOf(`${PROCESS}[X-Health]\nTCPConnect=a:1\nIntervalSec=fast\nTimeoutSec=30\n`),
      [
        {
          line: 5,
          message: 'IntervalSec: "fast" is not a time span such as 10s, 500ms or 1min 30s',
        },
      ],
    );
    assert.deepEqual(
      errorsOf(`${PROCESS}[X-Health]\nTCPConnect=a:1\nUnhealthyThreshold=500\nRestartAfter=2\n`),
      [{ line: 5, message: 'UnhealthyThreshold must be a whole number from 1 to 100, not "500"' }],
    );
  });

  test("ExecCheck runs no docker command: that is ContainerExecCheck's", () => {
    const refusal =
      "ExecCheck runs a program on the machine, and docker commands are not run as programs (the agent uses the Docker Engine API): run a command in the unit's container with ContainerExecCheck=";
    for (const command of [
      "/usr/bin/docker exec web-%i wget -q -O- http://localhost/",
      "docker inspect web",
      "/usr/bin/docker --no-such-flag",
    ]) {
      const errors = errorsOf(
        `${DOCKER}Environment=DOCKER_BIN=docker\n[X-Health]\nExecCheck=${command}\n`,
      );
      assert.deepEqual(errors, [{ line: 5, message: refusal }], command);
    }
    assert.equal(
      checkOf(`${PROCESS}[X-Health]\nExecCheck=/usr/bin/curl -f http://localhost/\n`).probe.kind,
      "exec",
    );
  });

  test("ExpectStatus belongs to HTTPGet", () => {
    assert.deepEqual(errorsOf(`${PROCESS}[X-Health]\nTCPConnect=a:1\nExpectStatus=200\n`), [
      {
        line: 5,
        message: "ExpectStatus applies to HTTPGet= only, and this unit checks with TCPConnect=",
      },
    ]);
  });

  test("ContainerExecCheck needs a container in the foreground", () => {
    const refusal =
      "ContainerExecCheck runs its command in the unit's container, but this unit's ExecStart= runs none in the foreground (a docker run without -d); check from the machine with ExecCheck=, HTTPGet= or TCPConnect=";
    for (const service of [
      PROCESS,
      "[Service]\nExecStart=/usr/bin/docker run -d flotilla/busybox sleep 100\n",
      "[Service]\nExecStartPre=/usr/bin/docker pull flotilla/busybox\n",
    ]) {
      const lines = lineCount(service);
      assert.deepEqual(errorsOf(`${service}[X-Health]\nContainerExecCheck=/bin/true\n`), [
        { line: lines + 1, message: refusal },
      ]);
    }
  });

  test("a oneshot is not checked: it ends", () => {
    assert.deepEqual(
      errorsOf("[Service]\nType=oneshot\nExecStart=/bin/true\n[X-Health]\nExecCheck=/bin/true\n"),
      [
        {
          line: 5,
          message:
            "[X-Health] checks a service while it runs, but this one is Type=oneshot: it ends once it has done its work",
        },
      ],
    );
  });

  test("values that depend on the machine's variables are taken when some values would do", () => {
    for (const probe of [
      `TCPConnect=\${COREOS_PUBLIC_IPV4}:\${PORT}`,
      `TCPConnect=\${ADDRESS}`,
      `HTTPGet=\${URL}`,
      `HTTPGet=http://\${HOST}:%i/`,
      "ExecCheck=/usr/bin/curl -fsS $URL",
    ]) {
      const result = checkUnitFile(`${PROCESS}[X-Health]\n${probe}\n`, "web@.service");
      assert.ok(result.ok, `${probe}: ${JSON.stringify(result)}`);
    }
  });
});

describe("[X-Health]: probes on the machine", () => {
  const env: Record<string, string> = {
    COREOS_PUBLIC_IPV4: "10.0.0.3",
    PORT: "8080",
    ARGS: "-q -O-",
  };
  const lookup = (name: string) => (Object.hasOwn(env, name) ? env[name] : undefined);

  test(`variables are the unit's, \${NAME} or $NAME anywhere, $$ a dollar`, () => {
    assert.deepEqual(
      resolveProbe(
        {
          kind: "http",
          url: `http://\${COREOS_PUBLIC_IPV4}:$PORT/a$$b?unset=\${NOPE}`,
          expectStatus: [],
        },
        lookup,
      ),
      {
        ok: true,
        probe: { kind: "http", url: "http://10.0.0.3:8080/a$b?unset=", expectStatus: [] },
      },
    );
    assert.deepEqual(
      resolveProbe({ kind: "tcp", address: `\${COREOS_PUBLIC_IPV4}:\${PORT}` }, lookup),
      {
        ok: true,
        probe: { kind: "tcp", host: "10.0.0.3", port: 8080 },
      },
    );
    assert.deepEqual(resolveProbe({ kind: "tcp", address: `[::1]:\${PORT}` }, lookup), {
      ok: true,
      probe: { kind: "tcp", host: "::1", port: 8080 },
    });
  });

  test("command lines split as ExecStart= does: $NAME alone is several words", () => {
    assert.deepEqual(
      resolveProbe(
        { kind: "container-exec", command: `wget $ARGS 'http://localhost:\${PORT}/'` },
        lookup,
      ),
      {
        ok: true,
        probe: { kind: "container-exec", argv: ["wget", "-q", "-O-", "http://localhost:8080/"] },
      },
    );
  });

  test("a value that only fails on the machine fails the check, saying why", () => {
    assert.deepEqual(resolveProbe({ kind: "tcp", address: `\${NOPE}:80` }, lookup), {
      ok: false,
      error: '":80" is not host:port',
    });
  });

  test("shell syntax is not a variable", () => {
    assert.equal(expandVariables(`\${A:-b} $1 $`, lookup), `\${A:-b} $1 $`);
  });

  test("text without a dollar is left as it is", () => {
    fc.assert(
      fc.property(
        fc.string().filter((text) => !text.includes("$")),
        (text) => {
          assert.equal(
            expandVariables(text, () => "x"),
            text,
          );
        },
      ),
    );
  });

  test("a status is expected exactly when a range holds it", () => {
    const range = fc
      .tuple(fc.integer({ min: 100, max: 599 }), fc.integer({ min: 100, max: 599 }))
      .map(([a, b]) => ({ from: Math.min(a, b), to: Math.max(a, b) }));
    fc.assert(
      fc.property(
        fc.array(range, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 100, max: 599 }),
        (ranges, status) => {
          const written = ranges
            .map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`))
            .join(", ");
          const parsed = parseExpectStatus(written);
          assert.ok(parsed.ok, written);
          const inside = ranges.some((r) => status >= r.from && status <= r.to);
          assert.equal(statusExpected(status, parsed.ranges), inside);
        },
      ),
    );
    assert.equal(parseExpectStatus("399-200").ok, false);
    assert.equal(parseExpectStatus("600").ok, false);
  });

  test("host:port round-trips for every port", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("localhost", "10.0.0.1", "[::1]", "a.example"),
        fc.integer({ min: 1, max: 65535 }),
        (host, port) => {
          const parsed = parseHostPort(`${host}:${port}`);
          assert.deepEqual(parsed, { ok: true, host: host.replace(/^\[|\]$/g, ""), port });
        },
      ),
    );
    assert.equal(parseHostPort("a:0").ok, false);
    assert.equal(parseHostPort("a:65536").ok, false);
  });
});

describe("[X-Health]: properties", () => {
  const RUNS = { numRuns: 500 };
  const keys = [...HEALTH_KEYS, "Bogus", "intervalsec"];
  const values = fc.oneof(
    fc.constantFrom(
      "",
      "0",
      "1",
      "3",
      "100",
      "101",
      "500ms",
      "2s",
      "1min",
      "infinity",
      "1d",
      "2d",
      "200",
      "200-399",
      "x",
      "http://127.0.0.1:%i/",
      "127.0.0.1:80",
      `\${COREOS_PUBLIC_IPV4}:%i`,
      "/bin/true",
      "/bin/sh -c 'exit 1'",
      "'",
    ),
    fc.string({ maxLength: 12 }).map((text) => text.replace(/[\n\r\\]/g, "")),
  );
  const section = fc
    .array(fc.tuple(fc.constantFrom(...keys), values), { maxLength: 8 })
    .map((pairs) => pairs.map(([key, value]) => `${key}=${value}`).join("\n"));
  const service = fc.constantFrom(
    PROCESS,
    DOCKER,
    "[Service]\nType=oneshot\nExecStart=/bin/true\n",
  );

  test("a section either yields a check within range or errors within the file's lines", () => {
    fc.assert(
      fc.property(service, section, (head, body) => {
        const text = `${head}[X-Health]\n${body}\n`;
        const parsed = parseUnitFile(text);
        fc.pre(parsed.ok);
        if (!parsed.ok) return;
        const read = readHealthSection(parsed.file, { unitName: "web@80.service" }, parsed.lines);
        const count = lineCount(text);
        for (const error of read.errors) {
          assert.ok(error.line >= 1 && error.line <= count, JSON.stringify(error));
          assert.ok(error.message.length > 0);
        }
        assert.equal(
          read.check !== undefined && read.errors.length > 0,
          false,
          "a check has no errors",
        );
        const { check } = read;
        if (!check) return;
        assert.ok(check.intervalSeconds >= 1 && check.intervalSeconds <= 86_400);
        assert.ok(check.timeoutSeconds > 0 && check.timeoutSeconds <= check.intervalSeconds);
        assert.ok(check.startPeriodSeconds >= 0 && check.startPeriodSeconds <= 86_400);
        for (const threshold of [check.unhealthyThreshold, check.healthyThreshold]) {
          assert.ok(Number.isInteger(threshold) && threshold >= 1 && threshold <= 100);
        }
        if (check.restartAfter !== undefined)
          assert.ok(check.restartAfter >= check.unhealthyThreshold);
        // What validation accepts, the agent reads the same way.
        assert.deepEqual(
          serviceDefinition(parsed.file, { unitName: "web@80.service" }).health,
          check,
        );
        assert.equal(checkUnitFile(text, "web@80.service").ok, true);
      }),
      RUNS,
    );
  });

  test("settings in range are read back as written", () => {
    const settings = fc.record({
      interval: fc.integer({ min: 1, max: 3600 }),
      timeoutShare: fc.double({ min: 0.01, max: 1, noNaN: true }),
      startPeriod: fc.integer({ min: 0, max: 86_400 }),
      unhealthy: fc.integer({ min: 1, max: 100 }),
      healthy: fc.integer({ min: 1, max: 100 }),
      restartExtra: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(settings, (s) => {
        const timeoutMs = Math.max(1, Math.floor(s.interval * 1000 * s.timeoutShare));
        const restartAfter =
          s.restartExtra === undefined ? undefined : Math.min(100, s.unhealthy + s.restartExtra);
        const text = `${PROCESS}[X-Health]\nExecCheck=/bin/true\nIntervalSec=${s.interval}s\nTimeoutSec=${timeoutMs}ms\nStartPeriodSec=${s.startPeriod}\nUnhealthyThreshold=${s.unhealthy}\nHealthyThreshold=${s.healthy}\n${restartAfter === undefined ? "" : `RestartAfter=${restartAfter}\n`}`;
        const check = checkOf(text);
        assert.equal(check.intervalSeconds, s.interval);
        assert.ok(Math.abs(check.timeoutSeconds - timeoutMs / 1000) < 1e-9);
        assert.equal(check.startPeriodSeconds, s.startPeriod);
        assert.equal(check.unhealthyThreshold, s.unhealthy);
        assert.equal(check.healthyThreshold, s.healthy);
        assert.equal(check.restartAfter, restartAfter);
      }),
      RUNS,
    );
  });
});

function parseFile(text: string) {
  const parsed = parseUnitFile(text);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.file;
}
