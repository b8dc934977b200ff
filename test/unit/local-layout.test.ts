import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { components, DEFAULT_PLAN, machineIp, planError } from "../../src/local/layout.ts";

const plan = { ...DEFAULT_PLAN, stateDir: "/state" };
const secrets = { agentToken: "secret", machineIds: ["a1", "b2", "c3"] };

describe("a local cluster's layout", () => {
  test("etcd, then the servers 10 ports apart, then one agent per machine address", () => {
    const list = components(plan, secrets);
    assert.deepEqual(
      list.map((component) => [component.name, component.address]),
      [
        ["etcd", "http://127.0.0.1:2379"],
        ["server-1", "http://127.0.0.1:7600/"],
        ["server-2", "http://127.0.0.1:7610/"],
        ["coreos-1", "127.0.0.11"],
        ["coreos-2", "127.0.0.12"],
        ["coreos-3", "127.0.0.13"],
      ],
    );
    const agent = list.find((component) => component.name === "coreos-2");
    assert.deepEqual(agent?.env, { FLOTILLA_TOKEN: "secret" });
    assert.ok(!agent?.command.includes("secret"), "no secret on a command line");
    assert.ok(agent?.command.includes("b2"));
    assert.equal(agent?.mark, "/state/coreos-2");
  });

  test("a given etcd is used, not started", () => {
    const list = components({ ...plan, etcd: "http://10.0.0.1:2379" }, secrets);
    assert.ok(!list.some((component) => component.kind === "etcd"));
    assert.ok(list.every((component) => component.command.includes("http://10.0.0.1:2379")));
  });

  test("machine addresses count up in the last octet, and must fit in it", () => {
    assert.equal(machineIp("127.0.4.11", 2), "127.0.4.13");
    assert.equal(planError(plan), undefined);
    assert.match(planError({ ...plan, machines: 0 }) ?? "", /--machines 0/);
    assert.match(planError({ ...plan, machines: 1.5 }) ?? "", /whole number/);
    assert.match(planError({ ...plan, servers: 6 }) ?? "", /--servers 6/);
    assert.match(planError({ ...plan, firstMachineIp: "10.0.0.1" }) ?? "", /loopback/);
    assert.match(
      planError({ ...plan, firstMachineIp: "127.0.0.250", machines: 10 }) ?? "",
      /do not fit/,
    );
    assert.match(planError({ ...plan, api: { host: "127.0.0.1", port: 65530 } }) ?? "", /no room/);
  });
});
