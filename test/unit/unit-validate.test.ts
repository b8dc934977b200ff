import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Located } from "../../src/unit/model.ts";
import { checkUnitFile, type UnitFileCheck } from "../../src/unit/validate.ts";
import { APACHE_TEMPLATE, DISCOVERY_TEMPLATE } from "./unit-fixtures.ts";

function failure(text: string, unitName = "a.service"): { errors: Located[]; warnings: Located[] } {
  const result = checkUnitFile(text, unitName);
  assert.equal(result.ok, false, `expected errors for ${JSON.stringify(text)}`);
  return result.ok ? { errors: [], warnings: [] } : result;
}

function success(text: string, unitName = "a.service"): UnitFileCheck {
  const result = checkUnitFile(text, unitName);
  assert.ok(result.ok, JSON.stringify(result));
  assert.deepEqual(result.check.errors, []);
  return result.check;
}

describe("checkUnitFile: limits", () => {
  test("at most 1000 options", () => {
    const lines = (count: number) =>
      `[Service]\n${Array.from({ length: count }, (_, i) => `Environment=N${i}=1\n`).join("")}`;
    success(lines(1000));
    assert.deepEqual(failure(lines(1001)).errors, [
      { line: 1, message: "the unit file sets 1001 options; at most 1000 are accepted" },
    ]);
  });

  test("at most 256 KiB of text", () => {
    const text = (length: number) => {
      const head = "[Service]\nExecStart=/bin/true\n[Unit]\nDescription=";
      return `${head}${"x".repeat(length - head.length - 1)}\n`;
    };
    success(text(256 * 1024));
    assert.deepEqual(failure(text(256 * 1024 + 1)).errors, [
      {
        line: 1,
        message: "the unit file has 262145 characters; at most 262144 are accepted",
      },
    ]);
  });
});

describe("checkUnitFile: sections and keys", () => {
  test("an unknown key in a systemd section is an error with its line", () => {
    assert.deepEqual(failure("[Service]\nExecStart=/bin/true\nFoo=bar\n").errors, [
      { line: 3, message: "unknown key Foo in section [Service]" },
    ]);
  });

  test("the error hints at a wrong case or a key from another section", () => {
    assert.deepEqual(
      failure(
        "[Service]\nExecstart=/bin/true\nAfter=x.service\n[Unit]\nWantedBy=y.target\nMachineOf=z.service\n",
      ).errors,
      [
        {
          line: 2,
          message: "unknown key Execstart in section [Service] (did you mean ExecStart?)",
        },
        { line: 3, message: "unknown key After in section [Service] (After belongs in [Unit])" },
        {
          line: 5,
          message: "unknown key WantedBy in section [Unit] (WantedBy belongs in [Install])",
        },
        {
          line: 6,
          message: "unknown key MachineOf in section [Unit] (MachineOf belongs in [X-Fleet])",
        },
      ],
    );
  });

  test("commonly used keys of [Unit], [Service] and [Install] are known", () => {
    const text = `[Unit]
Description=d
Documentation=man:x
Requires=a.service
Wants=b.service
BindsTo=c.service
PartOf=d.service
Conflicts=e.service
After=f.service
Before=g.service
Requisite=h.service
ConditionPathExists=/etc/x
AssertPathExists=/etc/y
ConditionHost=h
StartLimitIntervalSec=10

[Service]
Type=simple
ExecStartPre=-/bin/true
ExecStart=/bin/true
ExecStartPost=/bin/true
ExecReload=/bin/true
ExecStop=/bin/true
ExecStopPost=/bin/true
Restart=always
RestartSec=5
TimeoutStartSec=0
TimeoutStopSec=10
TimeoutSec=20
KillMode=none
KillSignal=SIGTERM
Environment=A=1
EnvironmentFile=-/etc/environment
User=core
Group=core
WorkingDirectory=/tmp
RemainAfterExit=yes
SuccessExitStatus=143
LimitNOFILE=4096
MemoryLimit=1G

[Install]
WantedBy=multi-user.target
RequiredBy=x.target
Alias=y.service
Also=z.service
DefaultInstance=1
`;
    assert.deepEqual(success(text).warnings, []);
  });

  test("an X- key in a systemd section is allowed with a warning", () => {
    assert.deepEqual(success("[Service]\nExecStart=/bin/true\nX-Note=hello\n").warnings, [
      {
        line: 3,
        message:
          "key X-Note in section [Service] is an extension (X-) key; systemd and Flotilla ignore it",
      },
    ]);
  });

  test("a section for another unit type is accepted with a warning, once", () => {
    assert.deepEqual(
      success("[Socket]\nListenStream=80\nAccept=yes\n[Timer]\nOnCalendar=daily\n").warnings,
      [
        {
          line: 2,
          message:
            "section [Socket] configures a socket unit; Flotilla runs only services and timers, and ignores it",
        },
        {
          line: 5,
          message: "section [Timer] belongs in a .timer unit; this unit ignores it",
        },
      ],
    );
  });

  test("an X- section is accepted with a warning", () => {
    assert.deepEqual(success("[Service]\nExecStart=/bin/true\n[X-Mine]\nA=1\nB=2\n").warnings, [
      { line: 4, message: "section [X-Mine] is an extension (X-) section; Flotilla ignores it" },
    ]);
  });

  test("any other section is an error, with a hint for near misses", () => {
    assert.deepEqual(
      failure("[Foo]\nA=1\n[service]\nExecStart=/bin/true\n[X-fleet]\nMachineOf=b.service\n")
        .errors,
      [
        { line: 2, message: "unknown section [Foo]" },
        { line: 4, message: "unknown section [service] (did you mean [Service]?)" },
        { line: 6, message: "unknown section [X-fleet] (did you mean [X-Fleet]?)" },
      ],
    );
    assert.deepEqual(failure("[ Unit ]\nDescription=x\n").errors, [
      { line: 2, message: "unknown section [ Unit ] (did you mean [Unit]?)" },
    ]);
  });

  test("ExecStart is not required", () => {
    assert.deepEqual(success("[Unit]\nDescription=nothing to run\n").warnings, []);
  });
});

describe("checkUnitFile: whole files", () => {
  test("an empty file is an error", () => {
    for (const text of ["", "\n\n", "# just a comment\n", "[Unit]\n[Service]\n"]) {
      assert.deepEqual(failure(text).errors, [
        { line: 1, message: "the unit file is empty: it sets no options" },
      ]);
    }
  });

  test("syntax errors come straight from the parser", () => {
    assert.deepEqual(checkUnitFile("[Service]\nExecStart\n", "a.service"), {
      ok: false,
      errors: [{ line: 2, message: 'expected Key=Value but the line has no "=": "ExecStart"' }],
      warnings: [],
    });
  });

  test("[X-Fleet] errors are errors and its warnings are warnings, all sorted by line", () => {
    const result = failure(
      "[X-Fleet]\nBogus=1\nGlobal=true\nMachineOf=b.service\n[Service]\nExecStart=/bin/true\nNope=1\n",
    );
    assert.deepEqual(result.errors, [
      { line: 4, message: "Global cannot be used with Peers" },
      { line: 7, message: "unknown key Nope in section [Service]" },
    ]);
    assert.deepEqual(result.warnings, [
      { line: 2, message: 'unrecognized requirement in [X-Fleet] section: "Bogus"' },
    ]);
  });

  test("a file with only warnings is ok and carries them", () => {
    const result = checkUnitFile(
      "[Service]\nExecStart=/bin/true\n[X-Fleet]\nBogus=1\n",
      "a.service",
    );
    assert.ok(result.ok);
    assert.equal(result.check.warnings.length, 1);
  });

  test("success returns the parsed file, its hash and the requirements", () => {
    const result = checkUnitFile(APACHE_TEMPLATE, "apache@80.service");
    assert.ok(result.ok);
    assert.equal(result.file.options.length, 13);
    assert.match(result.hash, /^[0-9a-f]{40}$/);
    assert.deepEqual(result.check.requirements.conflicts, ["apache@*.service"]);
  });

  test("the hash ignores formatting", () => {
    const a = checkUnitFile("[Service]\nExecStart=/bin/sleep 100\n", "a.service");
    const b = checkUnitFile(
      "# comment\n[Service]\n  ExecStart = /bin/sleep 100  \n\n",
      "a.service",
    );
    assert.ok(a.ok && b.ok);
    assert.equal(a.hash, "1c6fb6f3684bafb0c173d8b8b957ceff031180c1");
    assert.equal(b.hash, a.hash);
  });
});

describe("checkUnitFile: Exec command lines", () => {
  test("both tutorial units check with no errors and no warnings, as templates and instances", () => {
    for (const [text, name] of [
      [APACHE_TEMPLATE, "apache@.service"],
      [APACHE_TEMPLATE, "apache@80.service"],
      [DISCOVERY_TEMPLATE, "apache-discovery@.service"],
      [DISCOVERY_TEMPLATE, "apache-discovery@8080.service"],
    ] as const) {
      assert.deepEqual(success(text, name).warnings, [], name);
    }
  });

  test("a refused docker flag is an error on its line", () => {
    const text =
      "[Service]\nExecStartPre=/usr/bin/docker pull busybox\nExecStart=/usr/bin/docker run --privileged busybox\n";
    assert.deepEqual(failure(text).errors, [
      { line: 3, message: "ExecStart: unsupported docker run flag --privileged" },
    ]);
  });

  test("an etcdctl typo is an error on its line, also inside an announce loop", () => {
    const text = [
      "[Service]",
      `ExecStart=/bin/sh -c "while true; do etcdctl sett /announce/x \${IP}:%i --ttl 60; sleep 45; done"`,
      "ExecStop=/usr/bin/etcdctl rmm /announce/x",
    ].join("\n");
    assert.deepEqual(failure(text, "x@.service").errors, [
      { line: 2, message: "ExecStart: unknown etcdctl command sett (did you mean set?)" },
      { line: 3, message: "ExecStop: unknown etcdctl command rmm (did you mean rm?)" },
    ]);
  });

  test("every Exec key of [Service] is checked, after specifiers, with its prefixes", () => {
    const keys = ["ExecStartPre", "ExecStartPost", "ExecReload", "ExecStopPost", "ExecCondition"];
    const text = `[Service]\n${keys.map((k) => `${k}=-docker stop -x %n`).join("\n")}\n`;
    assert.deepEqual(
      failure(text).errors.map((e) => e.message),
      keys.map((k) => `${k}: unsupported docker stop flag -x`),
    );
  });

  test("command-line syntax errors are errors", () => {
    assert.deepEqual(failure('[Service]\nExecStart=/bin/echo "open\n').errors, [
      { line: 2, message: 'ExecStart: unbalanced quoting in "/bin/echo \\"open"' },
    ]);
    assert.deepEqual(failure("[Service]\nExecStart=/bin/true ; /bin/false\n").errors.length, 1);
    assert.deepEqual(failure("[Service]\nExecStart=bin/true\n").errors.length, 1);
  });

  test("variables are placeholders: a value-dependent check never fails a valid unit", () => {
    const text = [
      "[Service]",
      `ExecStart=/usr/bin/docker run -p \${HOST_IP}:\${PORT}:80 -m \${MEM} --cpus $CPUS --name \${NAME} busybox`,
      `ExecStop=/usr/bin/docker stop -t $TIMEOUT \${NAME}`,
      `ExecStopPost=/usr/bin/etcdctl set --ttl \${TTL} /k \${VALUE}`,
    ].join("\n");
    assert.deepEqual(success(text).warnings, []);
  });

  test("errors that no value can fix are still reported", () => {
    const text = `[Service]\nExecStart=/usr/bin/docker run -p \${IP}:80:80 --bogus \${X} busybox\n`;
    assert.deepEqual(failure(text).errors, [
      { line: 2, message: "ExecStart: unsupported docker run flag --bogus" },
    ]);
  });

  test("the ':' prefix keeps variables unexpanded, as systemd does", () => {
    const text = `[Service]\nExecStart=:/usr/bin/docker run -p \${IP}:80:80 busybox\n`;
    assert.match(
      failure(text).errors[0]?.message ?? "",
      /^ExecStart: invalid --publish "?\$\{IP\}:80:80/,
    );
  });

  test("a reset (empty Exec line) and Exec keys outside [Service] are not checked", () => {
    assert.deepEqual(success("[Service]\nExecStart=\nExecStart=/bin/true\n").warnings, []);
    assert.equal(
      failure("[Unit]\nExecStart=/usr/bin/docker run --privileged x\n").errors[0]?.message,
      "unknown key ExecStart in section [Unit] (ExecStart belongs in [Service])",
    );
  });

  test("Environment= values must be valid assignments", () => {
    assert.deepEqual(success('[Service]\nEnvironment="A=1 2" B=%i\n', "a@.service").warnings, []);
    assert.deepEqual(failure("[Service]\nEnvironment=A=1 2\n").errors, [
      { line: 2, message: 'Environment: invalid environment assignment "2": expected NAME=VALUE' },
    ]);
  });
});
