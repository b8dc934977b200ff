import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  cleanKey,
  type EtcdctlCommand,
  isEtcdctlProgram,
  parseEtcdctlCommand,
} from "../../src/unit/etcdctl-command.ts";

function words(text: string): string[] {
  return text.split(" ").filter((w) => w !== "");
}

function command(text: string | string[]): EtcdctlCommand {
  const argv = typeof text === "string" ? words(text) : text;
  const parsed = parseEtcdctlCommand(argv);
  assert.ok(parsed.ok, `${argv.join(" ")}: ${JSON.stringify(parsed)}`);
  return parsed.command;
}

function refused(text: string | string[]): string {
  const argv = typeof text === "string" ? words(text) : text;
  const parsed = parseEtcdctlCommand(argv);
  assert.equal(parsed.ok, false, `${argv.join(" ")} should fail: ${JSON.stringify(parsed)}`);
  return parsed.ok ? "" : parsed.error;
}

describe("the tutorial's etcdctl lines", () => {
  test("set with a trailing --ttl, and rm", () => {
    assert.deepEqual(command("etcdctl set /announce/services/apache80 127.0.0.11:80 --ttl 60"), {
      verb: "set",
      key: "/announce/services/apache80",
      value: "127.0.0.11:80",
      ttlSeconds: 60,
    });
    assert.deepEqual(command("/usr/bin/etcdctl rm /announce/services/apache80"), {
      verb: "rm",
      key: "/announce/services/apache80",
      recursive: false,
      dir: false,
    });
  });
});

describe("isEtcdctlProgram", () => {
  test("etcdctl by name or any path", () => {
    assert.equal(isEtcdctlProgram("etcdctl"), true);
    assert.equal(isEtcdctlProgram("/usr/bin/etcdctl"), true);
    assert.equal(isEtcdctlProgram("/opt/etcd/etcdctl"), true);
    assert.equal(isEtcdctlProgram("etcd"), false);
    assert.equal(isEtcdctlProgram("/usr/bin/etcdctl3"), false);
  });
});

describe("parseEtcdctlCommand: commands", () => {
  test("set, mk and update, with --ttl before or after, -ttl and --ttl=N", () => {
    assert.deepEqual(command("etcdctl mk --ttl 30 /a b"), {
      verb: "mk",
      key: "/a",
      value: "b",
      ttlSeconds: 30,
    });
    assert.deepEqual(command("etcdctl update /a b -ttl=5"), {
      verb: "update",
      key: "/a",
      value: "b",
      ttlSeconds: 5,
    });
    assert.deepEqual(command("etcdctl set /a b"), { verb: "set", key: "/a", value: "b" });
    assert.deepEqual(command("etcdctl set /a b --ttl 0"), { verb: "set", key: "/a", value: "b" });
    assert.deepEqual(command(["etcdctl", "set", "/a", ""]), { verb: "set", key: "/a", value: "" });
  });

  test("a value that starts with '-' goes after --", () => {
    assert.deepEqual(command("etcdctl set -- /a -5"), { verb: "set", key: "/a", value: "-5" });
    assert.deepEqual(command("etcdctl set --ttl 9 -- /a -5"), {
      verb: "set",
      key: "/a",
      value: "-5",
      ttlSeconds: 9,
    });
    assert.match(refused("etcdctl set /a -5"), /unsupported etcdctl set flag -5/);
  });

  test("get, rm and ls with their flags", () => {
    assert.deepEqual(command("etcdctl get --quorum /a"), { verb: "get", key: "/a" });
    assert.deepEqual(command("etcdctl rm --recursive /dir"), {
      verb: "rm",
      key: "/dir",
      recursive: true,
      dir: false,
    });
    assert.deepEqual(command("etcdctl rm /dir -r --dir"), {
      verb: "rm",
      key: "/dir",
      recursive: true,
      dir: true,
    });
    assert.deepEqual(command("etcdctl rm --recursive=false /dir"), {
      verb: "rm",
      key: "/dir",
      recursive: false,
      dir: false,
    });
    assert.deepEqual(command("etcdctl ls"), { verb: "ls", key: "/", recursive: false });
    assert.deepEqual(command("etcdctl ls --sort -r /announce"), {
      verb: "ls",
      key: "/announce",
      recursive: true,
    });
  });

  test("keys are cleaned as etcd v2 cleaned them", () => {
    assert.equal(cleanKey("a//b/"), "/a/b");
    assert.equal(cleanKey("/a/./b/../c"), "/a/c");
    assert.equal(cleanKey("//x"), "/x");
    assert.equal(cleanKey("/"), "/");
    assert.equal((command("etcdctl get announce//x/") as { key: string }).key, "/announce/x");
  });

  test("global options are accepted and ignored; --output is recorded", () => {
    assert.deepEqual(
      command(
        "etcdctl --peers 10.0.0.1:4001,10.0.0.2:4001 -C http://x:2379 --endpoint=http://y --endpoints http://z --no-sync --debug set /a b",
      ),
      { verb: "set", key: "/a", value: "b" },
    );
    assert.deepEqual(command("etcdctl -o json get /a"), { verb: "get", key: "/a", output: "json" });
    assert.deepEqual(command("etcdctl --output=extended ls"), {
      verb: "ls",
      key: "/",
      recursive: false,
      output: "extended",
    });
  });
});

describe("parseEtcdctlCommand: errors name the problem", () => {
  test("unknown and unsupported commands, with a hint for typos", () => {
    assert.equal(refused("etcdctl sett /a b"), "unknown etcdctl command sett (did you mean set?)");
    assert.equal(refused("etcdctl lss"), "unknown etcdctl command lss (did you mean ls?)");
    assert.equal(refused("etcdctl remove /a"), "unknown etcdctl command remove");
    assert.equal(refused("etcdctl watch /a"), "unsupported etcdctl command watch");
    assert.equal(refused("etcdctl mkdir /a"), "unsupported etcdctl command mkdir");
    assert.equal(refused("etcdctl"), "etcdctl needs a command such as set, get, rm or ls");
    assert.equal(refused("etcdctl --debug"), "etcdctl needs a command such as set, get, rm or ls");
  });

  test("missing key or value, extra arguments", () => {
    assert.equal(refused("etcdctl get"), "etcdctl get needs a key");
    assert.equal(refused(["etcdctl", "get", ""]), "etcdctl get needs a key");
    assert.match(refused("etcdctl set /a"), /^etcdctl set needs a value after the key/);
    assert.match(refused("etcdctl set --ttl 60 /a"), /^etcdctl set needs a value/);
    assert.equal(refused("etcdctl set /a b c"), "etcdctl set: unexpected argument c");
    assert.equal(refused("etcdctl rm /a /b"), "etcdctl rm: unexpected argument /b");
    assert.equal(refused("etcdctl rm /"), "etcdctl rm: the root key / is read-only");
  });

  test("bad ttl values", () => {
    assert.match(refused("etcdctl set /a b --ttl soon"), /bad --ttl soon/);
    assert.match(refused("etcdctl set /a b --ttl -1"), /bad --ttl -1/);
    assert.match(refused("etcdctl set /a b --ttl 1.5"), /bad --ttl 1.5/);
    assert.match(refused("etcdctl set /a b --ttl 060"), /bad --ttl 060/);
    assert.match(refused("etcdctl set /a --ttl x"), /bad --ttl x/);
    assert.equal(refused("etcdctl set /a b --ttl"), "etcdctl set flag --ttl needs a value");
    assert.equal(refused("etcdctl get /a --ttl 5"), "unsupported etcdctl get flag --ttl");
  });

  test("flags between the arguments are refused (etcdctl v2 swapped them)", () => {
    assert.match(refused("etcdctl set /a --ttl 5 b"), /put the flags before or after all/);
  });

  test("unsupported flags and options", () => {
    assert.equal(
      refused("etcdctl set --swap-with-value x /a b"),
      "unsupported etcdctl set flag --swap-with-value",
    );
    assert.equal(refused("etcdctl mk --in-order /q v"), "unsupported etcdctl mk flag --in-order");
    assert.equal(refused("etcdctl ls -p /"), "unsupported etcdctl ls flag -p");
    assert.equal(
      refused("etcdctl --ca-file /ca.pem get /a"),
      "unsupported etcdctl option --ca-file",
    );
    assert.match(refused("etcdctl -o yaml get /a"), /invalid etcdctl --output yaml/);
    assert.match(refused("etcdctl --debug=maybe get /a"), /takes true or false/);
    assert.equal(refused("etcdctl ---x get /a"), "bad flag syntax: ---x");
    assert.match(refused("etcdctl --peers"), /needs a value/);
    assert.match(refused("etcd get /a"), /not an etcdctl command line/);
  });
});

describe("parseEtcdctlCommand: properties", () => {
  test("never throws on arbitrary argv", () => {
    const word = fc.oneof(
      fc.constantFrom("set", "mk", "rm", "ls", "get", "--ttl", "-r", "--", "-", "/a", "b", "-o"),
      fc.string({ maxLength: 10 }),
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (rest) => {
        const parsed = parseEtcdctlCommand(["etcdctl", ...rest]);
        if (parsed.ok) assert.ok(parsed.command.key.startsWith("/"));
        else assert.ok(parsed.error.length > 0);
      }),
      { numRuns: 3000 },
    );
  });
});
