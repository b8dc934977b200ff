import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  type DockerCommand,
  type DockerRunSpec,
  imageReferenceError,
  isDockerProgram,
  parseDockerCommand,
  parseDockerEnvFile,
  parseMemory,
  parsePublish,
  resolveDockerEnv,
} from "../../src/unit/docker-command.ts";

function words(text: string): string[] {
  return text.split(" ").filter((w) => w !== "");
}

function command(text: string | string[]): DockerCommand {
  const argv = typeof text === "string" ? words(text) : text;
  const parsed = parseDockerCommand(argv);
  assert.ok(parsed.ok, `${argv.join(" ")}: ${JSON.stringify(parsed)}`);
  return parsed.command;
}

function run(text: string | string[]): DockerRunSpec {
  const c = command(text);
  assert.ok(c.verb === "run" || c.verb === "create");
  return c.run;
}

function refused(text: string | string[]): string {
  const argv = typeof text === "string" ? words(text) : text;
  const parsed = parseDockerCommand(argv);
  assert.equal(parsed.ok, false, `${argv.join(" ")} should fail: ${JSON.stringify(parsed)}`);
  return parsed.ok ? "" : parsed.error;
}

const EMPTY_RUN: Omit<DockerRunSpec, "image" | "command"> = {
  detach: false,
  remove: false,
  publish: [],
  env: [],
  envFiles: [],
  volumes: [],
  labels: {},
  addHosts: [],
  interactive: false,
  tty: false,
};

describe("the tutorial's docker lines", () => {
  test("docker kill, rm, pull, run and stop", () => {
    assert.deepEqual(command("/usr/bin/docker kill apache80"), {
      verb: "kill",
      containers: ["apache80"],
    });
    assert.deepEqual(command("/usr/bin/docker rm apache80"), {
      verb: "rm",
      containers: ["apache80"],
      force: false,
      volumes: false,
    });
    assert.deepEqual(command("/usr/bin/docker pull user_name/apache"), {
      verb: "pull",
      image: "user_name/apache",
    });
    assert.deepEqual(
      command(
        "/usr/bin/docker run --name apache80 -p 127.0.0.11:80:80 user_name/apache /usr/sbin/apache2ctl -D FOREGROUND",
      ),
      {
        verb: "run",
        run: {
          ...EMPTY_RUN,
          image: "user_name/apache",
          command: ["/usr/sbin/apache2ctl", "-D", "FOREGROUND"],
          name: "apache80",
          publish: [{ hostIp: "127.0.0.11", hostPort: "80", containerPort: "80", protocol: "tcp" }],
        },
      },
    );
    assert.deepEqual(command("/usr/bin/docker stop apache80"), {
      verb: "stop",
      containers: ["apache80"],
    });
  });
});

describe("isDockerProgram", () => {
  test("docker by name or by any path", () => {
    for (const p of ["docker", "/usr/bin/docker", "/usr/local/bin/docker", "/opt/x/docker"]) {
      assert.equal(isDockerProgram(p), true, p);
    }
    for (const p of ["dockerd", "/usr/bin/docker-compose", "/usr/bin/docker/", "mydocker", ""]) {
      assert.equal(isDockerProgram(p), false, p);
    }
  });
});

describe("docker run flags", () => {
  test("every supported flag, long and short", () => {
    const spec = run(
      [
        "docker run -d --rm --name web -p 8080:80 --publish=53:53/udp",
        "-e A=1 --env B --env=C= --env-file /etc/web.env -v /data:/var/data:ro",
        "--volume named:/x --network=host -l a=b --label c -w /srv --entrypoint /bin/sh",
        "-u 1000:1000 -m 512m --cpus 1.5 -h web1 --add-host db:10.0.0.2 -i -t",
        "nginx:1.25 -c echo",
      ].join(" "),
    );
    assert.deepEqual(spec, {
      image: "nginx:1.25",
      command: ["-c", "echo"],
      name: "web",
      detach: true,
      remove: true,
      publish: [
        { hostPort: "8080", containerPort: "80", protocol: "tcp" },
        { hostPort: "53", containerPort: "53", protocol: "udp" },
      ],
      env: ["A=1", "B", "C="],
      envFiles: ["/etc/web.env"],
      volumes: ["/data:/var/data:ro", "named:/x"],
      network: "host",
      labels: { a: "b", c: "" },
      workdir: "/srv",
      entrypoint: "/bin/sh",
      user: "1000:1000",
      memoryBytes: 512 * 1024 * 1024,
      nanoCpus: 1_500_000_000,
      hostname: "web1",
      addHosts: ["db:10.0.0.2"],
      interactive: true,
      tty: true,
    });
  });

  test("combined short flags and attached values", () => {
    const spec = run("docker run -dit -p80:80 -eX=1 -p=81:81 -dp 82:82 busybox");
    assert.equal(spec.detach, true);
    assert.equal(spec.interactive, true);
    assert.equal(spec.tty, true);
    assert.deepEqual(
      spec.publish.map((p) => p.hostPort),
      ["80", "81", "82"],
    );
    assert.deepEqual(spec.env, ["X=1"]);
    assert.equal(run("docker run -itdeX=2 busybox").env[0], "X=2");
  });

  test("--flag=value and --flag value forms; booleans take =true/=false", () => {
    assert.equal(run("docker run --name=a1 busybox").name, "a1");
    assert.equal(run("docker run --name a1 busybox").name, "a1");
    assert.equal(run("docker run --rm=false busybox").remove, false);
    assert.equal(run("docker run --rm=true -d=false busybox").detach, false);
    assert.equal(run("docker run --net bridge busybox").network, "bridge");
    assert.match(refused("docker run --rm=yes busybox"), /--rm takes true or false, not yes/);
  });

  test("a boolean flag does not take the next word: it is the image", () => {
    const spec = run("docker run --rm false");
    assert.equal(spec.image, "false");
  });

  test("options end at the image, or at --", () => {
    const spec = run("docker run busybox --rm -p 1:1");
    assert.equal(spec.remove, false);
    assert.deepEqual(spec.command, ["--rm", "-p", "1:1"]);
    const dashed = run("docker run --rm -- busybox -x");
    assert.equal(dashed.image, "busybox");
    assert.deepEqual(dashed.command, ["-x"]);
  });

  test("repeated single-valued flags: the last wins", () => {
    assert.equal(run("docker run --name a1 --name b2 busybox").name, "b2");
  });

  test("-m accepts b, k, m, g (and t, p) suffixes, kb/KiB spellings, decimals", () => {
    assert.equal(parseMemory("1024"), 1024);
    assert.equal(parseMemory("100b"), 100);
    assert.equal(parseMemory("4k"), 4096);
    assert.equal(parseMemory("4KB"), 4096);
    assert.equal(parseMemory("4KiB"), 4096);
    assert.equal(parseMemory("1.5g"), 1.5 * 1024 ** 3);
    assert.equal(parseMemory("2 m"), 2 * 1024 ** 2);
    assert.equal(parseMemory("1t"), 1024 ** 4);
    assert.equal(parseMemory(""), undefined);
    assert.equal(parseMemory("-1m"), undefined);
    assert.equal(parseMemory("1x"), undefined);
    assert.equal(parseMemory("m"), undefined);
    assert.match(refused("docker run -m lots busybox"), /invalid --memory "?lots/);
  });

  test("--cpus is exact to the nanoCPU", () => {
    assert.equal(run("docker run --cpus 2 busybox").nanoCpus, 2_000_000_000);
    assert.equal(run("docker run --cpus .25 busybox").nanoCpus, 250_000_000);
    assert.equal(run("docker run --cpus 0.000000001 busybox").nanoCpus, 1);
    assert.equal(run("docker run --cpus 1.10000000000 busybox").nanoCpus, 1_100_000_000);
    assert.match(refused("docker run --cpus 0.0000000001 busybox"), /more precise/);
    assert.match(refused("docker run --cpus -1 busybox"), /invalid --cpus/);
    assert.match(refused("docker run --cpus one busybox"), /invalid --cpus/);
  });

  test("-e KEY alone is kept, to inherit from the unit's environment", () => {
    assert.deepEqual(run("docker run -e HOME -e A=b busybox").env, ["HOME", "A=b"]);
    assert.deepEqual(resolveDockerEnv(["HOME", "A=b", "UNSET"], { HOME: "/root", A: "x" }), [
      "HOME=/root",
      "A=b",
      "UNSET",
    ]);
    assert.match(refused("docker run -e =x busybox"), /invalid environment variable "?=x/);
  });

  test("--restart policies, and its conflict with --rm", () => {
    assert.equal(run("docker run --restart always busybox").restart, "always");
    assert.equal(run("docker run --restart on-failure:3 busybox").restart, "on-failure:3");
    assert.equal(run("docker run --restart no --rm busybox").restart, "no");
    assert.equal(run("docker run --restart= busybox").restart, undefined);
    assert.match(refused("docker run --restart sometimes busybox"), /invalid --restart policy/);
    assert.match(refused("docker run --restart always:3 busybox"), /only on-failure/);
    assert.match(refused("docker run --restart on-failure:x busybox"), /retry count/);
    assert.match(refused("docker run --rm --restart always busybox"), /conflicts with --rm/);
  });

  test("values that are checked", () => {
    assert.match(refused("docker run --name a busybox"), /invalid container name "?a/);
    assert.match(refused("docker run --name -x busybox"), /invalid container name/);
    assert.match(refused("docker run -w relative busybox"), /absolute path/);
    assert.match(refused("docker run -v data busybox"), /destination must be an absolute path/);
    assert.match(refused("docker run -v ./d:/x busybox"), /source must be/);
    assert.match(refused("docker run -v /a:/b:bogus busybox"), /unknown mode/);
    assert.match(refused("docker run -v /a:/b:ro:x busybox"), /expected \[source:\]destination/);
    assert.deepEqual(run("docker run -v /a:/b:ro,Z -v /anon busybox").volumes, [
      "/a:/b:ro,Z",
      "/anon",
    ]);
    assert.match(refused("docker run --add-host db busybox"), /expected host:ip/);
    assert.match(refused("docker run --add-host db:nope busybox"), /not an IP address/);
    assert.deepEqual(
      run("docker run --add-host a=::1 --add-host b:[::2] --add-host c:host-gateway busybox")
        .addHosts,
      ["a:::1", "b:::2", "c:host-gateway"],
    );
    assert.match(refused("docker run -l =x busybox"), /empty name/);
    assert.match(refused("docker run --network= busybox"), /--network needs a non-empty value/);
    assert.equal(run("docker run --entrypoint= busybox").entrypoint, "");
  });

  test("labels named like Object.prototype members are plain labels", () => {
    const spec = run("docker run -l __proto__=x -l constructor busybox");
    assert.deepEqual(Object.keys(spec.labels), ["__proto__", "constructor"]);
    assert.equal(Object.getPrototypeOf(spec.labels), Object.prototype);
  });

  test("unsupported flags are errors naming the flag as written", () => {
    assert.equal(
      refused("docker run --privileged busybox"),
      "unsupported docker run flag --privileged",
    );
    assert.equal(
      refused("docker run --privileged=true busybox"),
      "unsupported docker run flag --privileged",
    );
    assert.equal(refused("docker run -itP busybox"), "unsupported docker run flag -P");
    assert.equal(
      refused("docker run --cap-add NET_ADMIN x"),
      "unsupported docker run flag --cap-add",
    );
    assert.equal(refused("docker create -d busybox"), "unsupported docker create flag -d");
  });

  test("a flag missing its value, and a missing image", () => {
    assert.equal(refused("docker run --name"), "docker run flag --name needs a value");
    assert.equal(refused("docker run -p"), "docker run flag -p needs a value");
    assert.equal(refused("docker run --rm"), "docker run needs an image");
    assert.equal(refused("docker run"), "docker run needs an image");
    assert.equal(refused("docker run --rm --"), "docker run needs an image");
  });

  test("create takes the same flags as run but -d", () => {
    assert.deepEqual(command("docker create --name c1 -p 80 busybox"), {
      verb: "create",
      run: {
        ...EMPTY_RUN,
        image: "busybox",
        command: [],
        name: "c1",
        publish: [{ containerPort: "80", protocol: "tcp" }],
      },
    });
  });
});

describe("-p/--publish", () => {
  const one = (spec: string) => {
    const parsed = parsePublish(spec);
    assert.ok(parsed.ok, `${spec}: ${JSON.stringify(parsed)}`);
    return parsed.value;
  };
  const bad = (spec: string) => {
    const parsed = parsePublish(spec);
    assert.equal(parsed.ok, false, spec);
    return parsed.ok ? "" : parsed.error;
  };

  test("every form", () => {
    assert.deepEqual(one("80"), [{ containerPort: "80", protocol: "tcp" }]);
    assert.deepEqual(one("8080:80"), [{ hostPort: "8080", containerPort: "80", protocol: "tcp" }]);
    assert.deepEqual(one("127.0.0.1:8080:80"), [
      { hostIp: "127.0.0.1", hostPort: "8080", containerPort: "80", protocol: "tcp" },
    ]);
    assert.deepEqual(one("127.0.0.1::80"), [
      { hostIp: "127.0.0.1", containerPort: "80", protocol: "tcp" },
    ]);
    assert.deepEqual(one("80/udp"), [{ containerPort: "80", protocol: "udp" }]);
    assert.deepEqual(one("53:53/UDP"), [{ hostPort: "53", containerPort: "53", protocol: "udp" }]);
    assert.deepEqual(one("80/"), [{ containerPort: "80", protocol: "tcp" }]);
    assert.deepEqual(one("[::1]:8080:80"), [
      { hostIp: "::1", hostPort: "8080", containerPort: "80", protocol: "tcp" },
    ]);
    assert.deepEqual(one("::1:8080:80"), [
      { hostIp: "::1", hostPort: "8080", containerPort: "80", protocol: "tcp" },
    ]);
    // The tutorial's ${COREOS_PUBLIC_IPV4}:%i:80 once expanded.
    assert.deepEqual(one("127.0.0.11:80:80"), [
      { hostIp: "127.0.0.11", hostPort: "80", containerPort: "80", protocol: "tcp" },
    ]);
  });

  test("ranges", () => {
    assert.deepEqual(one("8000-8001:80-81"), [
      { hostPort: "8000", containerPort: "80", protocol: "tcp" },
      { hostPort: "8001", containerPort: "81", protocol: "tcp" },
    ]);
    assert.deepEqual(one("7000-7001"), [
      { containerPort: "7000", protocol: "tcp" },
      { containerPort: "7001", protocol: "tcp" },
    ]);
    assert.deepEqual(one("8000-8010:80"), [
      { hostPort: "8000-8010", containerPort: "80", protocol: "tcp" },
    ]);
    assert.match(bad("8000-8002:80-81"), /ranges differ/);
  });

  test("invalid specs", () => {
    assert.match(bad(""), /no container port/);
    assert.match(bad("8080:"), /no container port/);
    assert.match(bad("x"), /invalid container port/);
    assert.match(bad("0"), /invalid container port/);
    assert.match(bad("70000"), /invalid container port/);
    assert.match(bad("81-80"), /invalid container port/);
    assert.match(bad("x:80"), /invalid host port/);
    assert.match(bad("1.2.3:80:80"), /not an IP address/);
    assert.match(bad("localhost:80:80"), /not an IP address/);
    assert.match(bad("80/sctp"), /unsupported protocol sctp/);
    assert.match(refused("docker run -p 1.2.3.4:x:80 busybox"), /invalid --publish/);
  });
});

describe("other verbs", () => {
  test("start", () => {
    assert.deepEqual(command("docker start -a web"), {
      verb: "start",
      containers: ["web"],
      attach: true,
    });
    assert.deepEqual(command("docker start web db -i"), {
      verb: "start",
      containers: ["web", "db"],
      attach: false,
    });
    assert.equal(refused("docker start"), "docker start needs at least one container");
  });

  test("stop and restart, with -t/--time", () => {
    assert.deepEqual(command("docker stop -t 5 web"), {
      verb: "stop",
      containers: ["web"],
      timeoutSeconds: 5,
    });
    assert.deepEqual(command("docker restart web --time=0"), {
      verb: "restart",
      containers: ["web"],
      timeoutSeconds: 0,
    });
    assert.match(refused("docker stop -t soon web"), /expected whole seconds/);
    assert.equal(refused("docker stop -s TERM web"), "unsupported docker stop flag -s");
  });

  test("kill with a signal", () => {
    assert.deepEqual(command("docker kill -s HUP web"), {
      verb: "kill",
      containers: ["web"],
      signal: "HUP",
    });
    assert.equal(
      (command("docker kill --signal=SIGRTMIN+3 web") as { signal?: string }).signal,
      "SIGRTMIN+3",
    );
    assert.equal((command("docker kill -s 9 web") as { signal?: string }).signal, "9");
    assert.match(refused("docker kill -s 'X Y' web"), /invalid docker kill signal/);
  });

  test("rm -f -v, grouped or not", () => {
    assert.deepEqual(command("docker rm -fv web db"), {
      verb: "rm",
      containers: ["web", "db"],
      force: true,
      volumes: true,
    });
    assert.equal(refused("docker rm -l web"), "unsupported docker rm flag -l");
    assert.match(refused("docker rm we/b"), /invalid container name/);
  });

  test("pull", () => {
    assert.deepEqual(command("docker pull -q quay.io/coreos/etcd:v2.3.8"), {
      verb: "pull",
      image: "quay.io/coreos/etcd:v2.3.8",
    });
    assert.equal(refused("docker pull"), "docker pull needs an image");
    assert.match(refused("docker pull a b"), /takes one image/);
    assert.equal(refused("docker pull -a busybox"), "unsupported docker pull flag -a");
    assert.match(refused("docker pull User/Apache"), /must be lowercase/);
  });

  test("management command forms", () => {
    assert.deepEqual(command("docker container stop web"), { verb: "stop", containers: ["web"] });
    assert.deepEqual(command("docker image pull busybox"), { verb: "pull", image: "busybox" });
    assert.equal(run("docker container run busybox").image, "busybox");
    assert.equal(refused("docker container exec web"), "unsupported docker command container exec");
    assert.equal(refused("docker image rm web"), "unsupported docker command image rm");
    assert.equal(refused("docker container"), "docker container needs a command");
  });

  test("unknown verbs are errors naming them", () => {
    assert.equal(refused("docker exec web ls"), "unsupported docker command exec");
    assert.equal(refused("docker runn busybox"), "unsupported docker command runn");
    assert.equal(refused("docker"), "docker needs a command such as run, stop or pull");
    assert.equal(refused(["docker", "a b"]), 'unsupported docker command "a b"');
  });
});

describe("global options", () => {
  test("-D, --debug, -l/--log-level and the local -H are accepted", () => {
    assert.deepEqual(
      command("docker -D --log-level=warn -H unix:///var/run/docker.sock stop web"),
      { verb: "stop", containers: ["web"] },
    );
    assert.deepEqual(command("/usr/bin/docker -l error --debug kill web"), {
      verb: "kill",
      containers: ["web"],
    });
  });

  test("others are refused", () => {
    assert.match(refused("docker -H tcp://10.0.0.1:2375 ps"), /unsupported docker --host/);
    assert.equal(
      refused("docker --tlsverify run busybox"),
      "unsupported docker option --tlsverify",
    );
    assert.equal(refused("docker --config /x run busybox"), "unsupported docker option --config");
    assert.match(refused("docker -l loud run busybox"), /invalid docker --log-level/);
  });

  test("not a docker program", () => {
    assert.match(refused("podman run busybox"), /not a docker command line/);
    assert.match(refused([]), /not a docker command line/);
  });
});

describe("image references", () => {
  test("valid references", () => {
    for (const ref of [
      "busybox",
      "user_name/apache",
      "library/nginx:1.25-alpine",
      "localhost:5000/a/b",
      "quay.io/coreos/etcd:v2.3.8",
      "a--b__c.d/e",
      `busybox@sha256:${"a".repeat(64)}`,
      `nginx:latest@sha256:${"0".repeat(64)}`,
      "[::1]:5000/x",
    ]) {
      assert.equal(imageReferenceError(ref), undefined, ref);
    }
  });

  test("invalid references", () => {
    assert.match(imageReferenceError("Busybox") ?? "", /lowercase/);
    assert.match(imageReferenceError("Registry.io/Foo") ?? "", /lowercase/);
    assert.match(imageReferenceError("") ?? "", /empty/);
    for (const ref of ["-x", "a:b:c", "a/", "/a", "a b", "a@sha256:x", "_a", "a.", "a:"]) {
      assert.notEqual(imageReferenceError(ref), undefined, ref);
    }
    assert.match(imageReferenceError("a".repeat(600)) ?? "", /too long/);
  });
});

describe("parseDockerEnvFile", () => {
  test("docker's env-file rules", () => {
    const text =
      '\uFEFF# comment\n\n  A=1 \nB="quoted"\r\nHOME\nUNSET\nC=x=y\n\t#indented comment\n';
    assert.deepEqual(parseDockerEnvFile(text, { HOME: "/root" }), {
      ok: true,
      env: ["A=1 ", 'B="quoted"', "HOME=/root", "C=x=y"],
    });
  });

  test("a line without a name or with blanks in the name fails the file", () => {
    assert.deepEqual(parseDockerEnvFile("A=1\n=x\n", {}), {
      ok: false,
      error: "line 2: no variable name in =x",
    });
    assert.deepEqual(parseDockerEnvFile("A B=1\n", {}), {
      ok: false,
      error: 'line 1: variable name "A B" contains blanks',
    });
  });
});

describe("parseDockerCommand: properties", () => {
  test("never throws on arbitrary argv", () => {
    const word = fc.oneof(
      fc.constantFrom(
        "run",
        "create",
        "start",
        "stop",
        "kill",
        "rm",
        "pull",
        "container",
        "-p",
        "-e",
        "--rm",
        "-dit",
        "--",
        "-",
        "--name",
        "busybox",
        "=",
        "-H",
        "--cpus",
        "-m",
        "--restart",
      ),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 10 }), (rest) => {
        const parsed = parseDockerCommand(["docker", ...rest]);
        if (!parsed.ok) assert.ok(parsed.error.length > 0);
      }),
      { numRuns: 3000 },
    );
  });
});
