// fleet's /fleet/v1/units in process, as fleetctl speaks it: submitting, loading, replacing
// and destroying units, with every status, body and error message fleet had (see fleet's
// api/units.go), and the same units seen through Flotilla's own API. Pages: routes-fleet-paging.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { assertBare, assertFleetError } from "../support/fleet-answers.ts";
import {
  type FleetOption,
  fleetctl,
  fleetctlSubmit,
  GOODBYE,
  HELLO,
  optionsOf,
  putUnit,
} from "../support/fleet-client.ts";
import { type InjectApp, injectApp } from "../support/inject-app.ts";
import { assertRouteCoverage } from "../support/route-coverage.ts";
import { specUnit } from "../support/spec.ts";

const json = { "content-type": "application/json" };
const TIMER: FleetOption[] = [{ section: "Timer", name: "OnActiveSec", value: "1h" }];

describe("fleet's /fleet/v1/units", () => {
  let api: InjectApp;
  before(async () => {
    // A stop held for a client's read would otherwise end by itself during a slow run.
    api = await injectApp({ fleetStopHoldMs: 600_000 });
  });
  after(() => api.close());

  describe("fleetctl submit", () => {
    test("GET 404, PUT {name, options} 201, GET shows it inactive, in fleet's key order", async () => {
      const unit = await fleetctlSubmit(api, "hello.service", HELLO);
      assert.deepEqual(unit, {
        currentState: "inactive",
        desiredState: "inactive",
        name: "hello.service",
        options: HELLO,
      });
      const raw = await fleetctl(api, "GET", "/units/hello.service");
      assert.equal(raw.headers["content-type"], "application/json");
      assert.equal(
        raw.text,
        '{"currentState":"inactive","desiredState":"inactive","name":"hello.service","options":[' +
          '{"name":"Description","section":"Unit","value":"Hello World"},' +
          `{"name":"ExecStart","section":"Service","value":"/bin/sh -c 'while true; do echo hi; done'"}]}`,
      );
    });

    test("the tutorial's templates, parsed into options, round-trip exactly", async () => {
      for (const name of ["apache@.service", "apache-discovery@.service"] as const) {
        const options = optionsOf(specUnit(name));
        const unit = await fleetctlSubmit(api, name, options);
        assert.deepEqual(unit.options, options, name);
        assert.equal(unit.desiredState, "inactive");
        assert.equal(unit.machineID, undefined);
      }
    });

    test("an instance is submitted percent-encoded, as fleetctl's URI templates do", async () => {
      const unit = await fleetctlSubmit(
        api,
        "apache@8080.service",
        optionsOf(specUnit("apache@.service")),
      );
      assert.equal(unit.name, "apache@8080.service");
      const encoded = await fleetctl(api, "GET", "/units/apache%408080.service");
      assert.equal(encoded.status, 200);
      assert.equal(encoded.json.name, "apache@8080.service");
    });

    test("then load: PUT {desiredState, name} answers 204 and GET shows it", async () => {
      assertBare(
        await fleetctl(api, "PUT", "/units/apache%408080.service", {
          desiredState: "loaded",
          name: "apache@8080.service",
        }),
        204,
      );
      const loaded = await fleetctl(api, "GET", "/units/apache%408080.service");
      assert.equal(loaded.json.desiredState, "loaded");
      assert.equal(loaded.json.currentState, "inactive", "nothing placed it yet");
    });

    test("a global unit: GET shows no currentState (fleetctl reads desiredState)", async () => {
      const options: FleetOption[] = [
        { section: "Service", name: "ExecStart", value: "/bin/true" },
        { section: "X-Fleet", name: "Global", value: "true" },
      ];
      const name = "everywhere.service";
      assertFleetError(await fleetctl(api, "GET", `/units/${name}`), 404, "unit does not exist");
      assertBare(await fleetctl(api, "PUT", `/units/${name}`, { name, options }), 201);
      const unit = await fleetctl(api, "GET", `/units/${name}`);
      assert.equal(
        unit.text,
        JSON.stringify({
          desiredState: "inactive",
          name,
          options: options.map(({ section, name, value }) => ({ name, section, value })),
        }),
      );
      const listed = await fleetctl(api, "GET", "/units");
      const shown = listed.json.units.find((u: any) => u.name === name);
      assert.equal(shown.currentState, "inactive", "fleet's list shows it all the same");
    });

    test("unknown [X-Fleet] keys are accepted, as fleet only warned about them", async () => {
      await fleetctlSubmit(api, "unknown-requirement.service", [
        { section: "Service", name: "ExecStart", value: "/bin/true" },
        { section: "X-Fleet", name: "MachineFoo", value: "bar" },
      ]);
    });

    test("empty option values are stored and sent back without a value key", async () => {
      const unit = await fleetctlSubmit(api, "empty-values.service", [
        { section: "Service", name: "ExecStart" },
        { section: "Service", name: "ExecStart", value: "/bin/true" },
        { section: "Service", name: "Environment", value: "" },
      ]);
      assert.deepEqual(unit.options, [
        { name: "ExecStart", section: "Service" },
        { name: "ExecStart", section: "Service", value: "/bin/true" },
        { name: "Environment", section: "Service" },
      ]);
    });
  });

  describe("PUT /fleet/v1/units/{name}", () => {
    test("Content-Type is checked first: 415", async () => {
      const body = `${JSON.stringify({ name: "x.service", options: GOODBYE })}\n`;
      const onlyJson = "only acceptable Content-Type is application/json";
      assertFleetError(
        await putUnit(api, "x.service", body, { "content-type": "text/plain" }),
        415,
        onlyJson,
      );
      assertFleetError(
        await putUnit(api, "x.service", body, {
          "content-type": "application/x-www-form-urlencoded",
        }),
        415,
        onlyJson,
      );
      assertFleetError(
        await putUnit(api, "x.service", body, {}),
        415,
        "expected 1 Content-Type, got 0",
      );
      // Node keeps the first of repeated lines; fleet counted them all.
      assertFleetError(
        await putUnit(api, "x.service", body, {
          "content-type": ["application/json", "application/json"],
        }),
        415,
        "expected 1 Content-Type, got 2",
      );
      // Even a body that could never decode gets 415 first, and so does a bad name.
      assertFleetError(
        await putUnit(api, "bad", "{", { "content-type": "text/plain" }),
        415,
        onlyJson,
      );
      // Parameters after the media type are fine.
      assertBare(
        await putUnit(api, "charset.service", body.replace("x.service", "charset.service"), {
          "content-type": "application/json; charset=utf-8",
        }),
        201,
      );
      assertFleetError(await fleetctl(api, "GET", "/units/x.service"), 404, "unit does not exist");
    });

    test("a body that does not decode: 400 unable to decode body", async () => {
      assertFleetError(
        await putUnit(api, "x.service", "", json),
        400,
        "unable to decode body: EOF",
      );
      assertFleetError(
        await putUnit(api, "x.service", "{", json),
        400,
        "unable to decode body: Expected property name or '}' in JSON at position 1",
      );
      assertFleetError(
        await putUnit(api, "x.service", "not json", json),
        400,
        /^unable to decode body: /,
      );
      const typeErrors: [string, string][] = [
        ["[]", "json: cannot unmarshal array into Go value of type schema.Unit"],
        ['"x"', "json: cannot unmarshal string into Go value of type schema.Unit"],
        [
          '{"name":5}',
          "json: cannot unmarshal number into Go struct field Unit.name of type string",
        ],
        [
          '{"desiredState":true}',
          "json: cannot unmarshal bool into Go struct field Unit.desiredState of type string",
        ],
        [
          '{"options":"x"}',
          "json: cannot unmarshal string into Go struct field Unit.options of type []*schema.UnitOption",
        ],
        [
          '{"options":[{"section":"Service","name":"ExecStart","value":1}]}',
          "json: cannot unmarshal number into Go struct field UnitOption.value of type string",
        ],
        [
          '{"options":[["Service"]]}',
          "json: cannot unmarshal array into Go struct field Unit.options of type schema.UnitOption",
        ],
      ];
      for (const [body, message] of typeErrors) {
        assertFleetError(
          await putUnit(api, "x.service", body, json),
          400,
          `unable to decode body: ${message}`,
        );
      }
      // JSON null decodes to an empty unit, which has no options.
      assertFleetError(
        await putUnit(api, "x.service", "null", json),
        409,
        "unit does not exist and options field empty",
      );
    });

    test("a body name other than the URL's: 400, checked before the name itself", async () => {
      assertFleetError(
        await fleetctl(api, "PUT", "/units/x.service", { name: "y.service", options: GOODBYE }),
        400,
        'name in URL "x.service" differs from unit name in request body "y.service"',
      );
      assertFleetError(
        await fleetctl(api, "PUT", "/units/bad", { name: "also-bad", options: GOODBYE }),
        400,
        'name in URL "bad" differs from unit name in request body "also-bad"',
      );
    });

    test("an invalid name: 400 with fleet's ValidateName message", async () => {
      const cases: [string, string][] = [
        ["hello", 'unit name must contain "."'],
        ["hello.", 'unit name cannot end in "."'],
        ["hello.exe", 'invalid unit type: "exe"'],
        ["hello@1.mount", 'invalid unit type for template: "mount"'],
        ["he%20llo.service", "invalid character ' ' in unit name"],
        ["he%2Bllo.service", "invalid character '+' in unit name"],
        ["he%09llo.service", "invalid character '\\t' in unit name"],
        ["%40hello.service", 'unit name cannot start in "@"'],
        [`${"a".repeat(250)}.service`, "unit name exceeds maximum length (256)"],
      ];
      for (const [name, message] of cases) {
        assertFleetError(
          await fleetctl(api, "PUT", `/units/${name}`, { options: GOODBYE }),
          400,
          message,
        );
      }
      assertFleetError(
        await fleetctl(api, "PUT", "/units/hello", { name: "hello", options: GOODBYE }),
        400,
        'unit name must contain "."',
      );
    });

    test("a name with a slash is an unknown path: 404", async () => {
      assertFleetError(
        await fleetctl(api, "PUT", "/units/a%2Fb.service", { options: GOODBYE }),
        404,
        "",
      );
    });

    test("a new unit without options: 409", async () => {
      const message = "unit does not exist and options field empty";
      assertFleetError(await fleetctl(api, "PUT", "/units/new.service", {}), 409, message);
      assertFleetError(
        await fleetctl(api, "PUT", "/units/new.service", { name: "new.service", options: [] }),
        409,
        message,
      );
      assertFleetError(
        await fleetctl(api, "PUT", "/units/new.service", { desiredState: "launched" }),
        409,
        message,
      );
      assertFleetError(
        await fleetctl(api, "GET", "/units/new.service"),
        404,
        "unit does not exist",
      );
    });

    test("invalid options: 400 with the reason, and nothing stored", async () => {
      const cases: [string, FleetOption[], string | RegExp][] = [
        [
          "conflicting.service",
          [
            { section: "Service", name: "ExecStart", value: "/bin/true" },
            { section: "X-Fleet", name: "MachineID", value: "abc" },
            { section: "X-Fleet", name: "Global", value: "true" },
          ],
          "MachineID cannot be used with Global",
        ],
        [
          "peers.service",
          [
            { section: "Service", name: "ExecStart", value: "/bin/true" },
            { section: "X-Fleet", name: "MachineOf", value: "db.service" },
            { section: "X-Fleet", name: "Conflicts", value: "db.*" },
          ],
          'unresolvable requirements: peer "db.service" matches conflict "db.*"',
        ],
        ["newline.service", [{ section: "Service", name: "Exec\nStart", value: "x" }], /.+/],
        [
          "many.service",
          Array.from({ length: 1001 }, (_, i) => ({
            section: "Service",
            name: "Environment",
            value: `N${i}=1`,
          })),
          "the unit file sets 1001 options; at most 1000 are accepted",
        ],
        [
          "huge.service",
          [
            { section: "Service", name: "ExecStart", value: "/bin/true" },
            ...Array.from({ length: 5 }, () => ({
              section: "Unit",
              name: "Description",
              value: "x".repeat(60_000),
            })),
          ],
          /at most 262144 are accepted/,
        ],
        [
          "typo.service",
          [{ section: "Service", name: "ExecStrat", value: "/bin/true" }],
          "unknown key ExecStrat in section [Service]",
        ],
      ];
      for (const [name, options, message] of cases) {
        assertFleetError(await fleetctl(api, "PUT", `/units/${name}`, { options }), 400, message);
        assertFleetError(await fleetctl(api, "GET", `/units/${name}`), 404, "unit does not exist");
      }
    });

    test("create with a desiredState stores it", async () => {
      assertBare(
        await fleetctl(api, "PUT", "/units/born-loaded.service", {
          desiredState: "loaded",
          name: "born-loaded.service",
          options: GOODBYE,
        }),
        201,
      );
      assert.equal(
        (await fleetctl(api, "GET", "/units/born-loaded.service")).json.desiredState,
        "loaded",
      );
    });

    test("other options replace the unit (201) and reset desiredState unless given", async () => {
      await fleetctlSubmit(api, "replaced.service", GOODBYE);
      assertBare(
        await fleetctl(api, "PUT", "/units/replaced.service", {
          desiredState: "launched",
          name: "replaced.service",
        }),
        204,
      );
      assert.equal(
        (await fleetctl(api, "GET", "/units/replaced.service")).json.desiredState,
        "launched",
      );
      assertBare(
        await fleetctl(api, "PUT", "/units/replaced.service", {
          name: "replaced.service",
          options: HELLO,
        }),
        201,
      );
      const replaced = await fleetctl(api, "GET", "/units/replaced.service");
      assert.equal(replaced.json.desiredState, "inactive", "fleet's create resets the state");
      assert.deepEqual(replaced.json.options, HELLO);
      assertBare(
        await fleetctl(api, "PUT", "/units/replaced.service", {
          desiredState: "loaded",
          name: "replaced.service",
          options: GOODBYE,
        }),
        201,
      );
      const again = await fleetctl(api, "GET", "/units/replaced.service");
      assert.equal(again.json.desiredState, "loaded");
      assert.deepEqual(again.json.options, GOODBYE);
    });

    test("the same options are not a replace: desiredState is required (409)", async () => {
      await fleetctlSubmit(api, "same.service", GOODBYE);
      const message = "must provide DesiredState to update existing unit";
      for (const body of [
        { name: "same.service" },
        { name: "same.service", options: GOODBYE },
        { desiredState: "" },
      ]) {
        assertFleetError(await fleetctl(api, "PUT", "/units/same.service", body), 409, message);
      }
      assertBare(
        await fleetctl(api, "PUT", "/units/same.service", {
          desiredState: "launched",
          options: GOODBYE,
        }),
        204,
      );
      const unit = await fleetctl(api, "GET", "/units/same.service");
      assert.equal(unit.json.desiredState, "launched");
      assert.deepEqual(unit.json.options, GOODBYE);
    });

    test("desiredState changes answer 204, repeated or not", async () => {
      await fleetctlSubmit(api, "states.service", GOODBYE);
      for (const desiredState of ["loaded", "launched", "launched", "loaded", "inactive"]) {
        assertBare(
          await fleetctl(api, "PUT", "/units/states.service", {
            desiredState,
            name: "states.service",
          }),
          204,
        );
        assert.equal(
          (await fleetctl(api, "GET", "/units/states.service")).json.desiredState,
          desiredState,
        );
      }
    });

    test("a stop asked through fleet waits for the client's next read of the unit", async () => {
      await fleetctlSubmit(api, "held.service", GOODBYE);
      assertBare(
        await fleetctl(api, "PUT", "/units/held.service", { desiredState: "launched" }),
        204,
      );
      assertBare(
        await fleetctl(api, "PUT", "/units/held.service", { desiredState: "loaded" }),
        204,
      );
      assert.ok(api.view.units.get("held.service")?.stopHeldUntil, "the stop is held");
      const read = await fleetctl(api, "GET", "/units/held.service");
      assert.equal(read.json.desiredState, "loaded");
      assert.equal(api.view.units.get("held.service")?.stopHeldUntil, undefined, "and released");
    });

    test("a template cannot be activated (400) but can be set inactive (204)", async () => {
      for (const desiredState of ["loaded", "launched"]) {
        assertFleetError(
          await fleetctl(api, "PUT", "/units/apache%40.service", {
            desiredState,
            name: "apache@.service",
          }),
          400,
          'cannot activate template "apache@.service"',
        );
        assertFleetError(
          await fleetctl(api, "PUT", "/units/new-template%40.service", {
            desiredState,
            options: GOODBYE,
          }),
          400,
          'cannot activate template "new-template@.service"',
        );
      }
      assertBare(
        await fleetctl(api, "PUT", "/units/apache%40.service", {
          desiredState: "inactive",
          name: "apache@.service",
        }),
        204,
      );
      assert.equal(
        (await fleetctl(api, "GET", "/units/apache%40.service")).json.desiredState,
        "inactive",
      );
      assertFleetError(
        await fleetctl(api, "GET", "/units/new-template%40.service"),
        404,
        "unit does not exist",
      );
    });

    test("a timer loaded or launched loads its service in the same write", async () => {
      await fleetctlSubmit(api, "tick.service", GOODBYE);
      assertBare(
        await fleetctl(api, "PUT", "/units/tick.timer", {
          desiredState: "launched",
          name: "tick.timer",
          options: TIMER,
        }),
        201,
      );
      const service = await api.registry.getUnit("tick.service");
      assert.equal(service?.value.desiredState, "loaded");
      assert.equal(service?.version, (await api.registry.getUnit("tick.timer"))?.version);
      assert.equal((await fleetctl(api, "GET", "/units/tick.service")).json.desiredState, "loaded");

      await fleetctlSubmit(api, "tock.service", GOODBYE);
      await fleetctlSubmit(api, "tock.timer", TIMER);
      assertBare(
        await fleetctl(api, "PUT", "/units/tock.timer", {
          desiredState: "loaded",
          name: "tock.timer",
        }),
        204,
      );
      assert.equal((await fleetctl(api, "GET", "/units/tock.service")).json.desiredState, "loaded");
      assert.equal((await fleetctl(api, "GET", "/units/tock.timer")).json.desiredState, "loaded");
    });

    test("a timer whose service has not been submitted: 409, and nothing stored", async () => {
      assertFleetError(
        await fleetctl(api, "PUT", "/units/lonely.timer", {
          desiredState: "launched",
          name: "lonely.timer",
          options: TIMER,
        }),
        409,
        "timer lonely.timer starts lonely.service, which has not been submitted",
      );
      assertFleetError(
        await fleetctl(api, "GET", "/units/lonely.timer"),
        404,
        "unit does not exist",
      );
      await fleetctlSubmit(api, "lonely.timer", TIMER);
      assertFleetError(
        await fleetctl(api, "PUT", "/units/lonely.timer", {
          desiredState: "loaded",
          name: "lonely.timer",
        }),
        409,
        "timer lonely.timer starts lonely.service, which has not been submitted",
      );
      assert.equal(
        (await fleetctl(api, "GET", "/units/lonely.timer")).json.desiredState,
        "inactive",
      );
    });

    test("an invalid desiredState is refused with 400 and changes nothing", async () => {
      await fleetctlSubmit(api, "invalid-state.service", GOODBYE);
      assertFleetError(
        await fleetctl(api, "PUT", "/units/invalid-state.service", { desiredState: "running" }),
        400,
        'invalid desiredState "running": expected inactive, loaded or launched',
      );
      const unit = await fleetctl(api, "GET", "/units/invalid-state.service");
      assert.equal(unit.status, 200, "fleet stored it and then failed every read");
      assert.equal(unit.json.desiredState, "inactive");
      const listed = await fleetctl(api, "GET", "/units");
      assert.ok(listed.json.units.some((u: any) => u.name === "invalid-state.service"));
    });

    test("JSON keys match case-insensitively, unknown keys are ignored", async () => {
      assertBare(
        await putUnit(
          api,
          "cased.service",
          JSON.stringify({ Name: "cased.service", OPTIONS: GOODBYE, extra: 1 }),
          json,
        ),
        201,
      );
      assertBare(
        await putUnit(api, "cased.service", JSON.stringify({ DesiredState: "loaded" }), json),
        204,
      );
      const unit = await fleetctl(api, "GET", "/units/cased.service");
      assert.equal(unit.json.desiredState, "loaded");
      assert.deepEqual(unit.json.options, GOODBYE);
      assertFleetError(
        await putUnit(api, "cased.service", JSON.stringify({ NAME: "other.service" }), json),
        400,
        'name in URL "cased.service" differs from unit name in request body "other.service"',
      );
      assertBare(
        await putUnit(
          api,
          "cased-options.service",
          JSON.stringify({
            options: [
              { Section: "Service", NAME: "ExecStart", Value: "/bin/true" },
              { section: "Service", name: "ExecStop" },
            ],
          }),
          json,
        ),
        201,
      );
      assert.deepEqual((await fleetctl(api, "GET", "/units/cased-options.service")).json.options, [
        { name: "ExecStart", section: "Service", value: "/bin/true" },
        { name: "ExecStop", section: "Service" },
      ]);
    });

    test("of a field spelt twice the last wins, as in Go", async () => {
      await fleetctlSubmit(api, "twice.service", GOODBYE);
      assertBare(
        await putUnit(
          api,
          "twice.service",
          '{"desiredState":"loaded","DESIREDSTATE":"launched"}',
          json,
        ),
        204,
      );
      assert.equal(
        (await fleetctl(api, "GET", "/units/twice.service")).json.desiredState,
        "launched",
      );
    });

    test("names up to fleet's 256 bytes work on every item route", async () => {
      const name = `${"long-".repeat(49)}abc.service`;
      assert.equal(name.length, 256);
      const path = `/units/${name}`;
      assert.equal((await fleetctlSubmit(api, name, GOODBYE)).name, name);
      assertBare(await fleetctl(api, "PUT", path, { desiredState: "loaded", name }), 204);
      assert.equal((await fleetctl(api, "GET", path)).json.desiredState, "loaded");
      assertFleetError(
        await fleetctl(api, "PUT", path, { name: "other.service" }),
        400,
        `name in URL "${name}" differs from unit name in request body "other.service"`,
      );
      assertFleetError(
        await fleetctl(api, "POST", path, {}),
        405,
        "only GET, PUT and DELETE supported against this resource",
      );
      assertFleetError(
        await fleetctl(api, "GET", `/state/${name}`),
        404,
        "unit state does not exist",
      );
      assertBare(await fleetctl(api, "DELETE", path), 204);
      assertFleetError(await fleetctl(api, "GET", path), 404, "unit does not exist");
      assertFleetError(await fleetctl(api, "GET", `/units/${name}/x`), 404, "");
    });

    test("percent-encoded names address the decoded unit", async () => {
      assertBare(
        await fleetctl(api, "PUT", "/units/web%401.service", {
          name: "web@1.service",
          options: GOODBYE,
        }),
        201,
      );
      assert.equal((await fleetctl(api, "GET", "/units/web@1.service")).json.name, "web@1.service");
      assertBare(
        await fleetctl(api, "PUT", "/units/web%401.service", {
          desiredState: "loaded",
          name: "web@1.service",
        }),
        204,
      );
      const colon = "a%3Ab%5Cx2d.service";
      assertBare(await fleetctl(api, "PUT", `/units/${colon}`, { options: GOODBYE }), 201);
      assert.equal((await fleetctl(api, "GET", `/units/${colon}`)).json.name, "a:b\\x2d.service");
    });
  });

  describe("GET and DELETE /fleet/v1/units/{name}", () => {
    test("GET of an unknown unit: 404 unit does not exist, whatever the name", async () => {
      assertFleetError(
        await fleetctl(api, "GET", "/units/nope.service"),
        404,
        "unit does not exist",
      );
      assertFleetError(await fleetctl(api, "GET", "/units/nope"), 404, "unit does not exist");
      assertFleetError(await fleetctl(api, "GET", "/units/a%2Fb"), 404, "");
    });

    test("DELETE answers 204, then 404", async () => {
      await fleetctlSubmit(api, "doomed.service", GOODBYE);
      assertBare(await fleetctl(api, "DELETE", "/units/doomed.service"), 204);
      assertFleetError(
        await fleetctl(api, "GET", "/units/doomed.service"),
        404,
        "unit does not exist",
      );
      assertFleetError(
        await fleetctl(api, "DELETE", "/units/doomed.service"),
        404,
        "unit does not exist",
      );
      assertFleetError(await fleetctl(api, "DELETE", "/units/nope"), 404, "unit does not exist");
    });

    test("DELETE that keeps losing to concurrent writers: 409, and the unit stays", async () => {
      await fleetctlSubmit(api, "contested.service", GOODBYE);
      api.loseEveryRace(true);
      try {
        assertFleetError(
          await fleetctl(api, "DELETE", "/units/contested.service"),
          409,
          "the unit kept changing under concurrent writes; retry",
        );
      } finally {
        api.loseEveryRace(false);
      }
      assert.equal((await fleetctl(api, "GET", "/units/contested.service")).status, 200);
    });

    test("DELETE destroys a template even while it has instances, like fleet", async () => {
      await fleetctlSubmit(api, "tpl@.service", GOODBYE);
      await fleetctlSubmit(api, "tpl@1.service", GOODBYE);
      assertBare(await fleetctl(api, "DELETE", "/units/tpl%40.service"), 204);
      assert.equal((await fleetctl(api, "GET", "/units/tpl%401.service")).status, 200);
      assertBare(await fleetctl(api, "DELETE", "/units/tpl%401.service"), 204);
    });

    test("a unit can be submitted again after it was destroyed", async () => {
      await fleetctlSubmit(api, "phoenix.service", GOODBYE);
      assertBare(await fleetctl(api, "DELETE", "/units/phoenix.service"), 204);
      await fleetctlSubmit(api, "phoenix.service", HELLO);
    });

    test("a path that is not a valid URL: 400", async () => {
      for (const method of ["GET", "DELETE"]) {
        assertFleetError(
          await api.request(method, "/fleet/v1/units/%E0%A4%A"),
          400,
          "the path is not a valid URL",
        );
      }
    });
  });

  describe("Flotilla's own API sees the same units", () => {
    test("a unit submitted through /fleet/v1 is a unit file and a unit in /v1, with fleet's hash", async () => {
      await fleetctlSubmit(api, "crossing.service", HELLO);
      const file = await api.request("GET", "/v1/unit-files/crossing.service");
      assert.equal(file.status, 200);
      assertBare(
        await fleetctl(api, "PUT", "/units/crossing.service", {
          desiredState: "loaded",
          name: "crossing.service",
        }),
        204,
      );
      const unit = await api.request("GET", "/v1/units/crossing.service");
      assert.equal(unit.json.desiredState, "loaded");
      // fleet's hash is the SHA-1 of the serialized options: the same in both APIs.
      const text =
        "[Unit]\nDescription=Hello World\n\n[Service]\nExecStart=/bin/sh -c 'while true; do echo hi; done'\n";
      assert.equal(unit.json.hash, createHash("sha1").update(text).digest("hex"));
      assert.equal(file.json.hash, unit.json.hash);
    });

    test("a unit submitted through /v1 is a fleet unit with its options", async () => {
      const submitted = await api.request("PUT", "/v1/unit-files/native.service", {
        body: "# a comment\n[Service]\nExecStart=/bin/true\nExecStop=\n",
        headers: { "content-type": "text/plain" },
      });
      assert.equal(submitted.status, 201, submitted.text);
      const unit = await fleetctl(api, "GET", "/units/native.service");
      assert.deepEqual(unit.json, {
        currentState: "inactive",
        desiredState: "inactive",
        name: "native.service",
        options: [
          { name: "ExecStart", section: "Service", value: "/bin/true" },
          { name: "ExecStop", section: "Service" },
        ],
      });
      const launched = await api.request("PUT", "/v1/units/native.service", {
        json: { desiredState: "launched" },
      });
      assert.equal(launched.status, 200, launched.text);
      assert.equal(
        (await fleetctl(api, "GET", "/units/native.service")).json.desiredState,
        "launched",
      );
      assert.equal((await api.request("DELETE", "/v1/units/native.service")).status, 204);
      assertFleetError(
        await fleetctl(api, "GET", "/units/native.service"),
        404,
        "unit does not exist",
      );
    });

    test("templates and their instances from /v1 are listed by name", async () => {
      await api.submit("worker@.service", "[Service]\nExecStart=/bin/sleep %i\n");
      await api.setDesiredState("worker@5.service", "loaded");
      const names = (await fleetctl(api, "GET", "/units")).json.units.map((u: any) => u.name);
      assert.ok(names.includes("worker@.service"));
      assert.ok(names.includes("worker@5.service"));
      assert.deepEqual(names, [...names].sort(), "units are sorted by name");
    });
  });
});

test("every operation and status route-coverage.ts gives this file was answered", () =>
  assertRouteCoverage("fleet-units"));
