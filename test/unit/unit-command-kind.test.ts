import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { classifyExec, type ExecKind } from "../../src/unit/command-kind.ts";
import { parseExecLine } from "../../src/unit/exec-line.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { expandSpecifiers } from "../../src/unit/specifiers.ts";
import { APACHE_TEMPLATE, DISCOVERY_TEMPLATE } from "./unit-fixtures.ts";

const ENV = { COREOS_PUBLIC_IPV4: "127.0.0.11" };

/** The unit's Exec lines as the agent sees them for apache@80 / apache-discovery@80. */
function execLines(
  text: string,
  unitName: string,
): { key: string; kind: ExecKind; ignore: boolean }[] {
  const parsed = parseUnitFile(text);
  assert.ok(parsed.ok);
  return parsed.file.options
    .filter((o) => o.section === "Service" && o.name.startsWith("Exec"))
    .map((o) => {
      const line = parseExecLine(expandSpecifiers(o.value, { unitName }), ENV);
      assert.ok(line.ok, JSON.stringify(line));
      return { key: o.name, kind: classifyExec(line.line.argv), ignore: line.line.ignoreFailure };
    });
}

describe("classifyExec: the tutorial's units", () => {
  test("apache@80.service", () => {
    assert.deepEqual(execLines(APACHE_TEMPLATE, "apache@80.service"), [
      {
        key: "ExecStartPre",
        ignore: true,
        kind: { kind: "docker", command: { verb: "kill", containers: ["apache80"] } },
      },
      {
        key: "ExecStartPre",
        ignore: true,
        kind: {
          kind: "docker",
          command: { verb: "rm", containers: ["apache80"], force: false, volumes: false },
        },
      },
      {
        key: "ExecStartPre",
        ignore: false,
        kind: { kind: "docker", command: { verb: "pull", image: "user_name/apache" } },
      },
      {
        key: "ExecStart",
        ignore: false,
        kind: {
          kind: "docker",
          command: {
            verb: "run",
            run: {
              image: "user_name/apache",
              command: ["/usr/sbin/apache2ctl", "-D", "FOREGROUND"],
              name: "apache80",
              detach: false,
              remove: false,
              publish: [
                { hostIp: "127.0.0.11", hostPort: "80", containerPort: "80", protocol: "tcp" },
              ],
              env: [],
              envFiles: [],
              volumes: [],
              labels: {},
              addHosts: [],
              interactive: false,
              tty: false,
            },
          },
        },
      },
      {
        key: "ExecStop",
        ignore: false,
        kind: { kind: "docker", command: { verb: "stop", containers: ["apache80"] } },
      },
    ]);
  });

  test("apache-discovery@80.service", () => {
    assert.deepEqual(execLines(DISCOVERY_TEMPLATE, "apache-discovery@80.service"), [
      {
        key: "ExecStart",
        ignore: false,
        kind: {
          kind: "announce",
          loop: {
            key: "/announce/services/apache80",
            value: "127.0.0.11:80",
            ttlSeconds: 60,
            periodSeconds: 45,
            verb: "set",
            sleepFirst: false,
          },
        },
      },
      {
        key: "ExecStop",
        ignore: false,
        kind: {
          kind: "etcdctl",
          command: { verb: "rm", key: "/announce/services/apache80", recursive: false, dir: false },
        },
      },
    ]);
  });

  test("the sidekick line as written in the brief", () => {
    const line = parseExecLine(
      '/bin/sh -c "while true; do etcdctl set /announce/services/apache80 127.0.0.11:80 --ttl 60; sleep 45; done"',
      {},
    );
    assert.ok(line.ok);
    const kind = classifyExec(line.line.argv);
    assert.equal(kind.kind, "announce");
    assert.ok(kind.kind === "announce");
    assert.equal(kind.loop.ttlSeconds, 60);
    assert.equal(kind.loop.periodSeconds, 45);
  });
});

describe("classifyExec", () => {
  test("other programs and shell scripts are processes", () => {
    assert.deepEqual(classifyExec(["/bin/echo", "hi"]), {
      kind: "process",
      argv: ["/bin/echo", "hi"],
    });
    assert.deepEqual(classifyExec(["/bin/sh", "-c", "echo hi"]), {
      kind: "process",
      argv: ["/bin/sh", "-c", "echo hi"],
    });
    assert.equal(classifyExec(["/usr/bin/dockerd"]).kind, "process");
    assert.equal(classifyExec(["etcd"]).kind, "process");
  });

  test("refused docker and etcdctl command lines are invalid", () => {
    assert.deepEqual(classifyExec(["/usr/bin/docker", "run", "--privileged", "busybox"]), {
      kind: "invalid",
      error: "unsupported docker run flag --privileged",
    });
    assert.deepEqual(classifyExec(["etcdctl", "sett", "/a", "b"]), {
      kind: "invalid",
      error: "unknown etcdctl command sett (did you mean set?)",
    });
    assert.deepEqual(
      classifyExec(["/bin/sh", "-c", "while true; do etcdctl sett /k v; sleep 1; done"]),
      { kind: "invalid", error: "unknown etcdctl command sett (did you mean set?)" },
    );
    assert.deepEqual(classifyExec([]), { kind: "invalid", error: "empty command" });
  });

  test("never throws", () => {
    const word = fc.oneof(
      fc.constantFrom("docker", "etcdctl", "/bin/sh", "-c", "run", "set", "/k", "while true; do"),
      fc.string({ maxLength: 10 }),
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 6 }), (argv) => {
        const kind = classifyExec(argv);
        if (kind.kind === "invalid") assert.ok(kind.error.length > 0);
      }),
      { numRuns: 2000 },
    );
  });
});
