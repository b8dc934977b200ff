// fleet's /fleet/v1/state in process: the unit states agents report, listed, filtered and
// one by one, and how a unit's currentState follows its placement and its machine's report.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertFleetError } from "../support/fleet-answers.ts";
import { fleetctl, GOODBYE } from "../support/fleet-client.ts";
import { type InjectApp, injectApp } from "../support/inject-app.ts";
import { assertRouteCoverage } from "../support/route-coverage.ts";

const M1 = "1111111111111111111111111111111a";
const M2 = "2222222222222222222222222222222b";
const HASH = "5f0c6a3e4f1b8d2a9c7e6b5a4d3c2b1a0f9e8d7c";

function reported(name: string, machineID: string, active: string) {
  return {
    hash: HASH,
    machineID,
    name,
    systemdActiveState: active,
    systemdLoadState: "loaded",
    systemdSubState: active === "active" ? "running" : "dead",
  };
}

describe("fleet's /fleet/v1/state", () => {
  let api: InjectApp;
  before(async () => {
    api = await injectApp();
    await api.announceMachine(M1, { publicIP: "192.0.2.1" });
    await api.announceMachine(M2, { publicIP: "192.0.2.2" });
    const report = (machineId: string, name: string, active: string) =>
      api.report(machineId, name, {
        hash: HASH,
        activeState: active,
        subState: active === "active" ? "running" : "dead",
      });
    await report(M2, "hello.service", "active");
    await report(M1, "hello.service", "inactive");
    await report(M1, "apache@8080.service", "active");
    await report(M2, "orphan.service", "failed");
    for (const name of ["hello.service", "apache@8080.service"]) {
      await api.submit(name, "[Service]\nExecStart=/bin/true\n");
    }
  });
  after(() => api.close());

  test("GET /state lists every report by unit name, then machine, in fleet's key order", async () => {
    const response = await fleetctl(api, "GET", "/state");
    assert.equal(response.status, 200);
    assert.equal(response.headers["content-type"], "application/json");
    assert.equal(
      response.text,
      JSON.stringify({
        states: [
          reported("apache@8080.service", M1, "active"),
          reported("hello.service", M1, "inactive"),
          reported("hello.service", M2, "active"),
          reported("orphan.service", M2, "failed"),
        ],
      }),
    );
  });

  test("machineID and unitName filter, first value only, empty means none", async () => {
    const byMachine = await fleetctl(api, "GET", `/state?machineID=${M2}`);
    assert.deepEqual(
      byMachine.json.states.map((s: any) => s.name),
      ["hello.service", "orphan.service"],
    );
    const byUnit = await fleetctl(api, "GET", "/state?unitName=hello.service");
    assert.deepEqual(
      byUnit.json.states.map((s: any) => s.machineID),
      [M1, M2],
    );
    const both = await fleetctl(
      api,
      "GET",
      `/state?unitName=hello.service&machineID=${M1}&machineID=${M2}`,
    );
    assert.deepEqual(
      both.json.states.map((s: any) => [s.name, s.machineID]),
      [["hello.service", M1]],
    );
    const encoded = await fleetctl(api, "GET", "/state?unitName=apache%408080.service");
    assert.equal(encoded.json.states.length, 1);
    const empty = await fleetctl(api, "GET", "/state?unitName=&machineID=");
    assert.equal(empty.json.states.length, 4);
    const none = await fleetctl(api, "GET", "/state?unitName=nope.service");
    assert.equal(none.status, 200);
    assert.equal(none.text, "{}");
  });

  test("GET /state/{name}: the first machine's state, or 404", async () => {
    const hello = await fleetctl(api, "GET", "/state/hello.service");
    assert.equal(hello.status, 200);
    assert.deepEqual(hello.json, reported("hello.service", M1, "inactive"));
    const apache = await fleetctl(api, "GET", "/state/apache%408080.service");
    assert.deepEqual(apache.json, reported("apache@8080.service", M1, "active"));
    assertFleetError(
      await fleetctl(api, "GET", "/state/nope.service"),
      404,
      "unit state does not exist",
    );
    // A name with a slash is an unknown path to fleet, whatever the method.
    for (const path of ["/state/a%2Fb", "/state/a/b"]) {
      for (const method of ["GET", "DELETE"]) {
        assertFleetError(await fleetctl(api, method, path), 404, "");
      }
    }
  });

  test("GET /state/{name} of a name over 1024 characters: 414, as on /units/{name}", async () => {
    // fleet looked any name up (404); every Flotilla route with a name refuses it first.
    const long = "a".repeat(1100);
    for (const path of [
      `/state/${long}`,
      `/state/${"%F0%9F%98%80".repeat(513)}`,
      `/state/${long}/b`,
    ]) {
      for (const prefix of ["/fleet/v1", "/v1-alpha"]) {
        assertFleetError(
          await api.request("GET", `${prefix}${path}`),
          414,
          "a path segment is longer than 1024 characters",
        );
      }
    }
  });

  test("GET /state/{name} of a path that is not a valid URL: 400", async () => {
    assertFleetError(
      await api.request("GET", "/fleet/v1/state/%E0%A4%A"),
      400,
      "the path is not a valid URL",
    );
  });

  test("a report alone places nothing: currentState stays inactive", async () => {
    const unit = await fleetctl(api, "GET", "/units/hello.service");
    assert.equal(unit.json.currentState, "inactive");
    assert.equal(unit.json.machineID, undefined);
  });

  test("currentState follows the placement and its machine's report", async () => {
    await api.place("hello.service", M2);
    await api.place("apache@8080.service", M2);
    const hello = await fleetctl(api, "GET", "/units/hello.service");
    assert.equal(hello.json.currentState, "launched", "M2 reports it active");
    assert.equal(hello.json.machineID, M2);
    const apache = await fleetctl(api, "GET", "/units/apache%408080.service");
    assert.equal(apache.json.currentState, "inactive", "M2 has not reported it");
    assert.equal(apache.json.machineID, M2);
    const listed = await fleetctl(api, "GET", "/units");
    const shown = listed.json.units.find((u: any) => u.name === "hello.service");
    assert.deepEqual(Object.keys(shown), [
      "currentState",
      "desiredState",
      "machineID",
      "name",
      "options",
    ]);
    assert.deepEqual(shown.options, [
      { name: "ExecStart", section: "Service", value: GOODBYE[0]?.value },
    ]);
  });
});

test("every operation and status route-coverage.ts gives this file was answered", () =>
  assertRouteCoverage("fleet-state"));
