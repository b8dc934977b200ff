import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { request } from "undici";
import { Keys } from "../../src/registry/keys.ts";
import type { MachineRecord, PlacementRecord } from "../../src/registry/records.ts";
import type { Presence } from "../../src/registry/registry.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { rawEtcd } from "../support/etcd.ts";
import { type HttpResult, http } from "../support/http.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { specUnit } from "../support/spec.ts";

/**
 * fleet's v1 HTTP API on the wire, as fleetctl (google-api-go-client) speaks it: every request
 * carries `?alt=json` and fleetctl's User-Agent, PUT bodies end in a newline, and every status,
 * body and error message is fleet's (see fleet's api/*.go).
 */

const FLEETCTL_HEADERS = {
  "user-agent": "google-api-go-client/0.5",
  "accept-encoding": "gzip",
};

interface FleetOption {
  section: string;
  name: string;
  value?: string;
}

/** A request as fleetctl sends it: `?alt=json` first, then any other query. */
function fleetUrl(server: TestServer, path: string, prefix = "/fleet/v1"): string {
  const [route, query] = path.split("?");
  return `${server.url}${prefix}${route}?alt=json${query ? `&${query}` : ""}`;
}

async function fleetctl(
  server: TestServer,
  method: string,
  path: string,
  body?: unknown,
  prefix?: string,
): Promise<HttpResult> {
  if (body === undefined) {
    return http(method, fleetUrl(server, path, prefix), { headers: FLEETCTL_HEADERS });
  }
  return http(method, fleetUrl(server, path, prefix), {
    // Go's json.Encoder ends what it writes with a newline.
    body: `${JSON.stringify(body)}\n`,
    headers: { ...FLEETCTL_HEADERS, "content-type": "application/json" },
  });
}

/** A raw PUT with whatever body and headers a test needs. */
function put(server: TestServer, name: string, body: string, headers: Record<string, string>) {
  return http("PUT", fleetUrl(server, `/units/${name}`), {
    body,
    headers: { ...FLEETCTL_HEADERS, ...headers },
  });
}

/** fleet's error entity, byte for byte: compact JSON, no trailing newline, message always set. */
function assertFleetError(response: HttpResult, code: number, message: string | RegExp): void {
  assert.equal(response.status, code, response.text);
  assert.equal(response.headers["content-type"], "application/json", response.text);
  if (typeof message === "string") {
    assert.equal(response.text, JSON.stringify({ error: { code, message } }));
  } else {
    assert.deepEqual(Object.keys(response.json), ["error"]);
    assert.deepEqual(Object.keys(response.json.error), ["code", "message"]);
    assert.equal(response.json.error.code, code);
    assert.match(response.json.error.message, message);
  }
}

/** 201 and 204 from PUT and DELETE: a status only, no body and no Content-Type. */
function assertBare(response: HttpResult, status: 201 | 204): void {
  assert.equal(response.status, status, response.text);
  assert.equal(response.text, "");
  assert.equal(response.headers["content-type"], undefined);
}

/** A unit file as fleetctl sends it: go-systemd's options, with empty values left out. */
function optionsOf(text: string): FleetOption[] {
  const parsed = parseUnitFile(text);
  assert.ok(parsed.ok, "fixture parses");
  return parsed.file.options.map(({ section, name, value }) =>
    value === "" ? { name, section } : { name, section, value },
  );
}

/** fleetctl's lazyCreateUnits for one unit: look, create, wait for "inactive". */
async function fleetctlSubmit(server: TestServer, name: string, options: FleetOption[]) {
  const path = `/units/${encodeURIComponent(name)}`;
  assertFleetError(await fleetctl(server, "GET", path), 404, "unit does not exist");
  assertBare(await fleetctl(server, "PUT", path, { name, options }), 201);
  const created = await fleetctl(server, "GET", path);
  assert.equal(created.status, 200, created.text);
  assert.equal(created.json.currentState, "inactive", "fleetctl waits for this forever");
  return created.json;
}

function machine(id: string, ip: string, metadata: Record<string, string> = {}): MachineRecord {
  const now = new Date().toISOString();
  return {
    id,
    publicIP: ip,
    privateIP: "10.0.0.1",
    metadata,
    agentURL: `http://${ip}:7601`,
    version: "test",
    startedAt: now,
    heartbeatAt: now,
  };
}

async function settle(server: TestServer): Promise<void> {
  await server.controlPlane.view.waitFor(await server.controlPlane.registry.ping());
}

const HELLO: FleetOption[] = [
  { section: "Unit", name: "Description", value: "Hello World" },
  { section: "Service", name: "ExecStart", value: "/bin/sh -c 'while true; do echo hi; done'" },
];
const GOODBYE: FleetOption[] = [{ section: "Service", name: "ExecStart", value: "/bin/true" }];

describe("fleet v1 API", () => {
  let server: TestServer;
  const presences: Presence[] = [];
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await Promise.all(presences.map((presence) => presence.revoke().catch(() => {})));
    await server.close();
  });

  describe("fleetctl submit", () => {
    test("GET 404, PUT {name, options} 201, GET shows it inactive", async () => {
      const unit = await fleetctlSubmit(server, "hello.service", HELLO);
      assert.deepEqual(unit, {
        currentState: "inactive",
        desiredState: "inactive",
        name: "hello.service",
        options: HELLO,
      });
      // Keys in fleet's (Go struct) order, compact JSON.
      const raw = await fleetctl(server, "GET", "/units/hello.service");
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
        const unit = await fleetctlSubmit(server, name, options);
        assert.deepEqual(unit.options, options, name);
        assert.equal(unit.desiredState, "inactive");
        assert.equal(unit.machineID, undefined);
      }
    });

    test("an instance is submitted percent-encoded, as fleetctl's URI templates do", async () => {
      const options = optionsOf(specUnit("apache@.service"));
      const unit = await fleetctlSubmit(server, "apache@8080.service", options);
      assert.equal(unit.name, "apache@8080.service");
      const encoded = await fleetctl(server, "GET", "/units/apache%408080.service");
      assert.equal(encoded.status, 200);
      assert.equal(encoded.json.name, "apache@8080.service");
    });

    test("then load: PUT {desiredState, name} answers 204 and GET shows it", async () => {
      assertBare(
        await fleetctl(server, "PUT", "/units/apache%408080.service", {
          desiredState: "loaded",
          name: "apache@8080.service",
        }),
        204,
      );
      const loaded = await fleetctl(server, "GET", "/units/apache%408080.service");
      assert.equal(loaded.json.desiredState, "loaded");
      assert.equal(loaded.json.currentState, "inactive", "nothing placed it yet");
    });

    test("a global unit: GET shows no currentState (fleetctl reads desiredState)", async () => {
      const options: FleetOption[] = [
        { section: "Service", name: "ExecStart", value: "/bin/true" },
        { section: "X-Fleet", name: "Global", value: "true" },
      ];
      const name = "everywhere.service";
      assertFleetError(await fleetctl(server, "GET", `/units/${name}`), 404, "unit does not exist");
      assertBare(await fleetctl(server, "PUT", `/units/${name}`, { name, options }), 201);
      const unit = await fleetctl(server, "GET", `/units/${name}`);
      assert.equal(
        unit.text,
        JSON.stringify({ desiredState: "inactive", name, options }).replace(
          /"section":"(Service|X-Fleet)","name":"(ExecStart|Global)"/g,
          '"name":"$2","section":"$1"',
        ),
      );
      const listed = await fleetctl(server, "GET", "/units");
      const shown = listed.json.units.find((u: any) => u.name === name);
      assert.equal(shown.currentState, "inactive", "fleet's list shows it all the same");
    });

    test("unknown [X-Fleet] keys are accepted, as fleet only warned about them", async () => {
      await fleetctlSubmit(server, "unknown-requirement.service", [
        { section: "Service", name: "ExecStart", value: "/bin/true" },
        { section: "X-Fleet", name: "MachineFoo", value: "bar" },
      ]);
    });

    test("empty option values are stored and sent back without a value key", async () => {
      const options: FleetOption[] = [
        { section: "Service", name: "ExecStart" },
        { section: "Service", name: "ExecStart", value: "/bin/true" },
        { section: "Service", name: "Environment", value: "" },
      ];
      const unit = await fleetctlSubmit(server, "empty-values.service", options);
      assert.deepEqual(unit.options, [
        { name: "ExecStart", section: "Service" },
        { name: "ExecStart", section: "Service", value: "/bin/true" },
        { name: "Environment", section: "Service" },
      ]);
    });
  });

  describe("PUT /units/{name}", () => {
    const json = { "content-type": "application/json" };

    test("Content-Type is checked first: 415", async () => {
      const body = `${JSON.stringify({ name: "x.service", options: GOODBYE })}\n`;
      assertFleetError(
        await put(server, "x.service", body, { "content-type": "text/plain" }),
        415,
        "only acceptable Content-Type is application/json",
      );
      assertFleetError(
        await put(server, "x.service", body, {
          "content-type": "application/x-www-form-urlencoded",
        }),
        415,
        "only acceptable Content-Type is application/json",
      );
      assertFleetError(
        await put(server, "x.service", body, {}),
        415,
        "expected 1 Content-Type, got 0",
      );
      // Even a body that could never decode gets 415 first, and so does a bad name.
      assertFleetError(
        await put(server, "bad", "{", { "content-type": "text/plain" }),
        415,
        "only acceptable Content-Type is application/json",
      );
      // Parameters after the media type are fine.
      assertBare(
        await put(server, "charset.service", body.replace("x.service", "charset.service"), {
          "content-type": "application/json; charset=utf-8",
        }),
        201,
      );
    });

    test("a body that does not decode: 400 unable to decode body", async () => {
      assertFleetError(await put(server, "x.service", "", json), 400, "unable to decode body: EOF");
      assertFleetError(await put(server, "x.service", "{", json), 400, /^unable to decode body: /);
      assertFleetError(
        await put(server, "x.service", "not json", json),
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
      ];
      for (const [body, message] of typeErrors) {
        assertFleetError(
          await put(server, "x.service", body, json),
          400,
          `unable to decode body: ${message}`,
        );
      }
      // JSON null decodes to an empty unit, which has no options.
      assertFleetError(
        await put(server, "x.service", "null", json),
        409,
        "unit does not exist and options field empty",
      );
    });

    test("repeated Content-Type lines: 415", async () => {
      const response = await request(fleetUrl(server, "/units/x.service"), {
        method: "PUT",
        headers: ["content-type", "application/json", "content-type", "application/json"],
        body: JSON.stringify({ options: GOODBYE }),
      });
      const text = await response.body.text();
      assert.equal(response.statusCode, 415);
      assert.equal(
        text,
        JSON.stringify({ error: { code: 415, message: "expected 1 Content-Type, got 2" } }),
      );
    });

    test("a body name other than the URL's: 400", async () => {
      assertFleetError(
        await fleetctl(server, "PUT", "/units/x.service", { name: "y.service", options: GOODBYE }),
        400,
        'name in URL "x.service" differs from unit name in request body "y.service"',
      );
      // Checked before the name itself is validated.
      assertFleetError(
        await fleetctl(server, "PUT", "/units/bad", { name: "also-bad", options: GOODBYE }),
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
        ["%40hello.service", 'unit name cannot start in "@"'],
        [`${"a".repeat(250)}.service`, "unit name exceeds maximum length (256)"],
      ];
      for (const [name, message] of cases) {
        assertFleetError(
          await fleetctl(server, "PUT", `/units/${name}`, { options: GOODBYE }),
          400,
          message,
        );
      }
      // The body's name, when given, is the one validated (it must equal the URL's anyway).
      assertFleetError(
        await fleetctl(server, "PUT", "/units/hello", { name: "hello", options: GOODBYE }),
        400,
        'unit name must contain "."',
      );
    });

    test("a new unit without options: 409", async () => {
      const message = "unit does not exist and options field empty";
      assertFleetError(await fleetctl(server, "PUT", "/units/new.service", {}), 409, message);
      assertFleetError(
        await fleetctl(server, "PUT", "/units/new.service", { name: "new.service", options: [] }),
        409,
        message,
      );
      assertFleetError(
        await fleetctl(server, "PUT", "/units/new.service", { desiredState: "launched" }),
        409,
        message,
      );
      assertFleetError(
        await fleetctl(server, "GET", "/units/new.service"),
        404,
        "unit does not exist",
      );
    });

    test("invalid options: 400 and nothing stored", async () => {
      const conflicting: FleetOption[] = [
        { section: "Service", name: "ExecStart", value: "/bin/true" },
        { section: "X-Fleet", name: "MachineID", value: "abc" },
        { section: "X-Fleet", name: "Global", value: "true" },
      ];
      assertFleetError(
        await fleetctl(server, "PUT", "/units/conflicting.service", { options: conflicting }),
        400,
        "MachineID cannot be used with Global",
      );
      const peers: FleetOption[] = [
        { section: "Service", name: "ExecStart", value: "/bin/true" },
        { section: "X-Fleet", name: "MachineOf", value: "db.service" },
        { section: "X-Fleet", name: "Conflicts", value: "db.*" },
      ];
      assertFleetError(
        await fleetctl(server, "PUT", "/units/peers.service", { options: peers }),
        400,
        'unresolvable requirements: peer "db.service" matches conflict "db.*"',
      );
      const newline: FleetOption[] = [{ section: "Service", name: "Exec\nStart", value: "x" }];
      assertFleetError(
        await fleetctl(server, "PUT", "/units/newline.service", { options: newline }),
        400,
        /.+/,
      );
      const many: FleetOption[] = Array.from({ length: 1001 }, (_, i) => ({
        section: "Service",
        name: "Environment",
        value: `N${i}=1`,
      }));
      assertFleetError(
        await fleetctl(server, "PUT", "/units/many.service", { options: many }),
        400,
        "the unit file sets 1001 options; at most 1000 are accepted",
      );
      const huge: FleetOption[] = [
        { section: "Service", name: "ExecStart", value: "/bin/true" },
        ...Array.from({ length: 5 }, () => ({
          section: "Unit",
          name: "Description",
          value: "x".repeat(60_000),
        })),
      ];
      assertFleetError(
        await fleetctl(server, "PUT", "/units/huge.service", { options: huge }),
        400,
        /at most 262144 are accepted/,
      );
      for (const name of [
        "conflicting.service",
        "peers.service",
        "newline.service",
        "many.service",
        "huge.service",
      ]) {
        assertFleetError(
          await fleetctl(server, "GET", `/units/${name}`),
          404,
          "unit does not exist",
        );
      }
    });

    test("create with a desiredState stores it", async () => {
      assertBare(
        await fleetctl(server, "PUT", "/units/born-loaded.service", {
          desiredState: "loaded",
          name: "born-loaded.service",
          options: GOODBYE,
        }),
        201,
      );
      const unit = await fleetctl(server, "GET", "/units/born-loaded.service");
      assert.equal(unit.json.desiredState, "loaded");
    });

    test("other options replace the unit (201) and reset desiredState unless given", async () => {
      await fleetctlSubmit(server, "replaced.service", GOODBYE);
      assertBare(
        await fleetctl(server, "PUT", "/units/replaced.service", {
          desiredState: "launched",
          name: "replaced.service",
        }),
        204,
      );
      assert.equal(
        (await fleetctl(server, "GET", "/units/replaced.service")).json.desiredState,
        "launched",
      );

      assertBare(
        await fleetctl(server, "PUT", "/units/replaced.service", {
          name: "replaced.service",
          options: HELLO,
        }),
        201,
      );
      const replaced = await fleetctl(server, "GET", "/units/replaced.service");
      assert.equal(replaced.json.desiredState, "inactive", "fleet's create resets the state");
      assert.deepEqual(replaced.json.options, HELLO);

      assertBare(
        await fleetctl(server, "PUT", "/units/replaced.service", {
          desiredState: "loaded",
          name: "replaced.service",
          options: GOODBYE,
        }),
        201,
      );
      const again = await fleetctl(server, "GET", "/units/replaced.service");
      assert.equal(again.json.desiredState, "loaded");
      assert.deepEqual(again.json.options, GOODBYE);
    });

    test("the same options are not a replace: desiredState is required (409)", async () => {
      await fleetctlSubmit(server, "same.service", GOODBYE);
      const message = "must provide DesiredState to update existing unit";
      assertFleetError(
        await fleetctl(server, "PUT", "/units/same.service", { name: "same.service" }),
        409,
        message,
      );
      assertFleetError(
        await fleetctl(server, "PUT", "/units/same.service", {
          name: "same.service",
          options: GOODBYE,
        }),
        409,
        message,
      );
      assertFleetError(
        await fleetctl(server, "PUT", "/units/same.service", { desiredState: "" }),
        409,
        message,
      );
      assertBare(
        await fleetctl(server, "PUT", "/units/same.service", {
          desiredState: "launched",
          options: GOODBYE,
        }),
        204,
      );
      const unit = await fleetctl(server, "GET", "/units/same.service");
      assert.equal(unit.json.desiredState, "launched");
      assert.deepEqual(unit.json.options, GOODBYE);
    });

    test("desiredState changes answer 204, repeated or not", async () => {
      await fleetctlSubmit(server, "states.service", GOODBYE);
      for (const desiredState of ["loaded", "launched", "launched", "loaded", "inactive"]) {
        assertBare(
          await fleetctl(server, "PUT", "/units/states.service", {
            desiredState,
            name: "states.service",
          }),
          204,
        );
        const unit = await fleetctl(server, "GET", "/units/states.service");
        assert.equal(unit.json.desiredState, desiredState);
      }
    });

    test("a template cannot be activated (400) but can be set inactive (204)", async () => {
      for (const desiredState of ["loaded", "launched"]) {
        assertFleetError(
          await fleetctl(server, "PUT", "/units/apache%40.service", {
            desiredState,
            name: "apache@.service",
          }),
          400,
          'cannot activate template "apache@.service"',
        );
      }
      assertBare(
        await fleetctl(server, "PUT", "/units/apache%40.service", {
          desiredState: "inactive",
          name: "apache@.service",
        }),
        204,
      );
      assert.equal(
        (await fleetctl(server, "GET", "/units/apache%40.service")).json.desiredState,
        "inactive",
      );
    });

    test("an invalid desiredState is refused with 400 and changes nothing", async () => {
      await fleetctlSubmit(server, "invalid-state.service", GOODBYE);
      const refused = await fleetctl(server, "PUT", "/units/invalid-state.service", {
        desiredState: "running",
      });
      assertFleetError(refused, 400, /running/);
      const unit = await fleetctl(server, "GET", "/units/invalid-state.service");
      assert.equal(unit.status, 200, "fleet stored it and then failed every read");
      assert.equal(unit.json.desiredState, "inactive");
      const listed = await fleetctl(server, "GET", "/units");
      assert.ok(listed.json.units.some((u: any) => u.name === "invalid-state.service"));
    });

    test("JSON keys match case-insensitively, unknown keys are ignored", async () => {
      assertBare(
        await put(
          server,
          "cased.service",
          JSON.stringify({ Name: "cased.service", OPTIONS: GOODBYE, extra: 1 }),
          json,
        ),
        201,
      );
      assertBare(
        await put(server, "cased.service", JSON.stringify({ DesiredState: "loaded" }), json),
        204,
      );
      const unit = await fleetctl(server, "GET", "/units/cased.service");
      assert.equal(unit.json.desiredState, "loaded");
      assert.deepEqual(unit.json.options, GOODBYE);
      assertFleetError(
        await put(server, "cased.service", JSON.stringify({ NAME: "other.service" }), json),
        400,
        'name in URL "cased.service" differs from unit name in request body "other.service"',
      );
      // Option fields too, and a missing value is an empty one.
      assertBare(
        await put(
          server,
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
      const options = await fleetctl(server, "GET", "/units/cased-options.service");
      assert.deepEqual(options.json.options, [
        { name: "ExecStart", section: "Service", value: "/bin/true" },
        { name: "ExecStop", section: "Service" },
      ]);
    });

    test("of a field spelt twice the last wins, as in Go", async () => {
      await fleetctlSubmit(server, "twice.service", GOODBYE);
      assertBare(
        await put(
          server,
          "twice.service",
          '{"desiredState":"loaded","DESIREDSTATE":"launched"}',
          json,
        ),
        204,
      );
      const unit = await fleetctl(server, "GET", "/units/twice.service");
      assert.equal(unit.json.desiredState, "launched");
    });

    test("names up to fleet's 256 bytes work on every item route", async () => {
      const name = `${"long-".repeat(49)}abc.service`;
      assert.equal(name.length, 256);
      const path = `/units/${name}`;
      const unit = await fleetctlSubmit(server, name, GOODBYE);
      assert.equal(unit.name, name);
      assertBare(await fleetctl(server, "PUT", path, { desiredState: "loaded", name }), 204);
      assert.equal((await fleetctl(server, "GET", path)).json.desiredState, "loaded");
      assertFleetError(
        await fleetctl(server, "PUT", path, { name: "other.service" }),
        400,
        `name in URL "${name}" differs from unit name in request body "other.service"`,
      );
      assertFleetError(
        await fleetctl(server, "POST", path, {}),
        405,
        "only GET, PUT and DELETE supported against this resource",
      );
      assertFleetError(
        await fleetctl(server, "GET", `/state/${name}`),
        404,
        "unit state does not exist",
      );
      assertBare(await fleetctl(server, "DELETE", path), 204);
      assertFleetError(await fleetctl(server, "GET", path), 404, "unit does not exist");
      assertFleetError(await fleetctl(server, "GET", `/units/${name}/x`), 404, "");
    });

    test("percent-encoded names address the decoded unit", async () => {
      assertBare(
        await fleetctl(server, "PUT", "/units/web%401.service", {
          name: "web@1.service",
          options: GOODBYE,
        }),
        201,
      );
      const unit = await fleetctl(server, "GET", "/units/web@1.service");
      assert.equal(unit.json.name, "web@1.service");
      assertBare(
        await fleetctl(server, "PUT", "/units/web%401.service", {
          desiredState: "loaded",
          name: "web@1.service",
        }),
        204,
      );
      const colon = "a%3Ab%5Cx2d.service";
      assertBare(await fleetctl(server, "PUT", `/units/${colon}`, { options: GOODBYE }), 201);
      assert.equal(
        (await fleetctl(server, "GET", `/units/${colon}`)).json.name,
        "a:b\\x2d.service",
      );
    });
  });

  describe("GET and DELETE /units/{name}", () => {
    test("GET of an unknown unit: 404 unit does not exist", async () => {
      assertFleetError(
        await fleetctl(server, "GET", "/units/nope.service"),
        404,
        "unit does not exist",
      );
      // The name is not validated on GET.
      assertFleetError(await fleetctl(server, "GET", "/units/nope"), 404, "unit does not exist");
    });

    test("DELETE answers 204, then 404", async () => {
      await fleetctlSubmit(server, "doomed.service", GOODBYE);
      assertBare(await fleetctl(server, "DELETE", "/units/doomed.service"), 204);
      assertFleetError(
        await fleetctl(server, "GET", "/units/doomed.service"),
        404,
        "unit does not exist",
      );
      assertFleetError(
        await fleetctl(server, "DELETE", "/units/doomed.service"),
        404,
        "unit does not exist",
      );
      assertFleetError(await fleetctl(server, "DELETE", "/units/nope"), 404, "unit does not exist");
    });

    test("DELETE destroys a template even while it has instances, like fleet", async () => {
      await fleetctlSubmit(server, "tpl@.service", GOODBYE);
      await fleetctlSubmit(server, "tpl@1.service", GOODBYE);
      assertBare(await fleetctl(server, "DELETE", "/units/tpl%40.service"), 204);
      assert.equal((await fleetctl(server, "GET", "/units/tpl%401.service")).status, 200);
      assertBare(await fleetctl(server, "DELETE", "/units/tpl%401.service"), 204);
    });

    test("a unit can be submitted again after it was destroyed", async () => {
      await fleetctlSubmit(server, "phoenix.service", GOODBYE);
      assertBare(await fleetctl(server, "DELETE", "/units/phoenix.service"), 204);
      await fleetctlSubmit(server, "phoenix.service", HELLO);
    });
  });

  describe("routing", () => {
    test("wrong methods: 405 with fleet's messages", async () => {
      const cases: [string, string, string][] = [
        ["POST", "/units", "only GET supported against this resource"],
        ["PUT", "/units", "only GET supported against this resource"],
        ["DELETE", "/units", "only GET supported against this resource"],
        [
          "POST",
          "/units/hello.service",
          "only GET, PUT and DELETE supported against this resource",
        ],
        [
          "PATCH",
          "/units/hello.service",
          "only GET, PUT and DELETE supported against this resource",
        ],
        ["POST", "/state", "only GET supported against this resource"],
        ["DELETE", "/state/hello.service", "only GET supported against this resource"],
        ["POST", "/machines", "only GET and PATCH supported against this resource"],
        ["PUT", "/machines", "only GET and PATCH supported against this resource"],
        ["DELETE", "/machines", "only GET and PATCH supported against this resource"],
      ];
      for (const [method, path, message] of cases) {
        const response = await http(method, fleetUrl(server, path), {
          headers: FLEETCTL_HEADERS,
          ...(method === "GET" || method === "DELETE" ? {} : { body: "{}" }),
        });
        assertFleetError(response, 405, message);
        // fleet sent no Allow; HTTP asks for one, and fleetctl ignores it.
        assert.equal(
          response.headers.allow,
          message.replace(/^only (.*) supported.*$/, "$1").replace(" and ", ", "),
        );
      }
    });

    test("the prefix itself is 405; unknown paths and trailing slashes are 404 with no message", async () => {
      assertFleetError(await http("GET", `${server.url}/fleet/v1`), 405, "");
      assertFleetError(await http("POST", `${server.url}/fleet/v1`, { body: "" }), 405, "");
      for (const path of [
        "/",
        "/units/",
        "/state/",
        "/machines/",
        "/machines/x",
        "/discovery/",
        "/units/a/b",
        "/units/a%2Fb",
        "/nothing",
      ]) {
        for (const method of ["GET", "PUT", "POST", "DELETE"]) {
          const response = await http(method, fleetUrl(server, path), {
            headers: { ...FLEETCTL_HEADERS, "content-type": "application/json" },
            ...(method === "GET" || method === "DELETE" ? {} : { body: "{}" }),
          });
          assert.equal(response.status, 404, `${method} ${path}: ${response.text}`);
          assertFleetError(response, 404, "");
        }
      }
    });

    test("HEAD is a method like any other: 405", async () => {
      for (const path of [
        "/discovery",
        "/units",
        "/units/hello.service",
        "/state",
        "/state/x.service",
        "/machines",
      ]) {
        const response = await http("HEAD", fleetUrl(server, path));
        assert.equal(response.status, 405, path);
      }
    });

    test("bodies are read only where fleet read them", async () => {
      await fleetctlSubmit(server, "body-ignored.service", GOODBYE);
      const get = await http("GET", fleetUrl(server, "/units/body-ignored.service"), {
        headers: { "content-type": "application/json" },
      });
      assert.equal(get.status, 200, get.text);
      assertBare(
        await http("DELETE", fleetUrl(server, "/units/body-ignored.service"), {
          headers: { "content-type": "application/json" },
          body: "",
        }),
        204,
      );
      assertFleetError(
        await http("DELETE", fleetUrl(server, "/units/body-ignored.service"), {
          headers: { "content-type": "application/json" },
          body: "{not json",
        }),
        404,
        "unit does not exist",
      );
    });

    test("non-GET on /discovery: 405 with Allow (fleet answered 400)", async () => {
      for (const method of ["POST", "PUT", "DELETE", "PATCH", "TRACE"]) {
        const response = await http(method, fleetUrl(server, "/discovery"), {
          ...(method === "DELETE" || method === "TRACE" ? {} : { body: "{}" }),
        });
        assertFleetError(response, 405, "only HTTP GET supported against this resource");
        assert.equal(response.headers.allow, "GET");
      }
    });

    test("GET /discovery: fleet's discovery document", async () => {
      const response = await fleetctl(server, "GET", "/discovery");
      assert.equal(response.status, 200);
      assert.equal(response.headers["content-type"], "application/json");
      assert.equal(response.json.id, "fleet:v1");
      assert.equal(response.json.name, "schema");
      assert.equal(response.json.version, "v1");
      assert.equal(response.json.basePath, "/fleet/v1/");
      for (const schema of [
        "Machine",
        "MachinePage",
        "UnitOption",
        "Unit",
        "UnitPage",
        "UnitState",
        "UnitStatePage",
      ]) {
        assert.ok(response.json.schemas[schema], schema);
      }
      assert.deepEqual(Object.keys(response.json.resources.Units.methods).sort(), [
        "Delete",
        "Get",
        "List",
        "Set",
      ]);
    });

    test("query parameters other than fleet's are ignored", async () => {
      const response = await http(
        "GET",
        `${server.url}/fleet/v1/units/hello.service?alt=json&fields=name&prettyPrint=false`,
      );
      assert.equal(response.status, 200);
      assert.equal(response.json.name, "hello.service");
      const bare = await http("GET", `${server.url}/fleet/v1/units/hello.service`);
      assert.equal(bare.text, response.text);
    });
  });

  describe("/state", () => {
    const m1 = "1111111111111111111111111111111a";
    const m2 = "2222222222222222222222222222222b";
    const hash = "5f0c6a3e4f1b8d2a9c7e6b5a4d3c2b1a0f9e8d7c";
    let p1: Presence;
    let p2: Presence;
    before(async () => {
      p1 = await server.controlPlane.registry.announceMachine(machine(m1, "192.0.2.1"), 30);
      p2 = await server.controlPlane.registry.announceMachine(machine(m2, "192.0.2.2"), 30);
      presences.push(p1, p2);
      const since = new Date().toISOString();
      const report = (presence: Presence, machineId: string, name: string, active: string) =>
        server.controlPlane.registry.reportUnitState(presence, {
          name,
          machineId,
          hash,
          desiredState: "launched",
          loadState: "loaded",
          activeState: active,
          subState: active === "active" ? "running" : "dead",
          since,
        });
      await report(p2, m2, "hello.service", "active");
      await report(p1, m1, "hello.service", "inactive");
      await report(p1, m1, "apache@8080.service", "active");
      await report(p2, m2, "orphan.service", "failed");
      await settle(server);
    });

    test("GET /state lists every report by unit name, then machine", async () => {
      const response = await fleetctl(server, "GET", "/state");
      assert.equal(response.status, 200);
      assert.deepEqual(response.json, {
        states: [
          {
            hash,
            machineID: m1,
            name: "apache@8080.service",
            systemdActiveState: "active",
            systemdLoadState: "loaded",
            systemdSubState: "running",
          },
          {
            hash,
            machineID: m1,
            name: "hello.service",
            systemdActiveState: "inactive",
            systemdLoadState: "loaded",
            systemdSubState: "dead",
          },
          {
            hash,
            machineID: m2,
            name: "hello.service",
            systemdActiveState: "active",
            systemdLoadState: "loaded",
            systemdSubState: "running",
          },
          {
            hash,
            machineID: m2,
            name: "orphan.service",
            systemdActiveState: "failed",
            systemdLoadState: "loaded",
            systemdSubState: "dead",
          },
        ],
      });
      assert.equal(
        response.text.slice(0, 60),
        `{"states":[{"hash":"${hash}","machineID":"`.slice(0, 60),
      );
    });

    test("machineID and unitName filter, first value only, empty means none", async () => {
      const byMachine = await fleetctl(server, "GET", `/state?machineID=${m2}`);
      assert.deepEqual(
        byMachine.json.states.map((s: any) => s.name),
        ["hello.service", "orphan.service"],
      );
      const byUnit = await fleetctl(server, "GET", "/state?unitName=hello.service");
      assert.deepEqual(
        byUnit.json.states.map((s: any) => s.machineID),
        [m1, m2],
      );
      const both = await fleetctl(
        server,
        "GET",
        `/state?unitName=hello.service&machineID=${m1}&machineID=${m2}`,
      );
      assert.deepEqual(
        both.json.states.map((s: any) => [s.name, s.machineID]),
        [["hello.service", m1]],
      );
      const encoded = await fleetctl(server, "GET", "/state?unitName=apache%408080.service");
      assert.equal(encoded.json.states.length, 1);
      const empty = await fleetctl(server, "GET", "/state?unitName=&machineID=");
      assert.equal(empty.json.states.length, 4);
      const none = await fleetctl(server, "GET", "/state?unitName=nope.service");
      assert.equal(none.status, 200);
      assert.equal(none.text, "{}");
    });

    test("GET /state/{name}: the first state, or 404", async () => {
      const hello = await fleetctl(server, "GET", "/state/hello.service");
      assert.equal(hello.status, 200);
      assert.equal(hello.json.name, "hello.service");
      assert.equal(hello.json.machineID, m1);
      const apache = await fleetctl(server, "GET", "/state/apache%408080.service");
      assert.equal(apache.json.systemdActiveState, "active");
      assert.equal(apache.json.systemdLoadState, "loaded");
      assertFleetError(
        await fleetctl(server, "GET", "/state/nope.service"),
        404,
        "unit state does not exist",
      );
    });

    test("a report alone places nothing: currentState stays inactive", async () => {
      const unit = await fleetctl(server, "GET", "/units/hello.service");
      assert.equal(unit.json.currentState, "inactive");
      assert.equal(unit.json.machineID, undefined);
    });

    test("currentState follows the placement and its machine's report", async () => {
      const keys = new Keys(server.prefix);
      const etcd = rawEtcd();
      try {
        const place = async (name: string, machineId: string) => {
          const record: PlacementRecord = { machineId, placedAt: new Date().toISOString() };
          await etcd.put(keys.placement(name)).value(JSON.stringify(record));
        };
        await place("hello.service", m2);
        await place("apache@8080.service", m2);
        await settle(server);
        const hello = await fleetctl(server, "GET", "/units/hello.service");
        assert.equal(hello.json.currentState, "launched", "m2 reports it active");
        assert.equal(hello.json.machineID, m2);
        const apache = await fleetctl(server, "GET", "/units/apache%408080.service");
        assert.equal(apache.json.currentState, "inactive", "m2 has not reported it");
        assert.equal(apache.json.machineID, m2);
        const listed = await fleetctl(server, "GET", "/units");
        const shown = listed.json.units.find((u: any) => u.name === "hello.service");
        assert.deepEqual(Object.keys(shown), [
          "currentState",
          "desiredState",
          "machineID",
          "name",
          "options",
        ]);
      } finally {
        etcd.close();
      }
    });
  });

  describe("/machines", () => {
    const m3 = "3333333333333333333333333333333c";
    before(async () => {
      presences.push(
        await server.controlPlane.registry.announceMachine(
          machine(m3, "198.51.100.3", { region: "eu", disk: "ssd" }),
          30,
        ),
      );
      await settle(server);
    });

    test("GET lists machines by id: primaryIP is the public IP, empty metadata omitted", async () => {
      const response = await fleetctl(server, "GET", "/machines");
      assert.equal(response.status, 200);
      assert.equal(response.headers["content-type"], "application/json");
      const machines = response.json.machines;
      assert.deepEqual(
        machines.map((m: any) => m.id),
        ["1111111111111111111111111111111a", "2222222222222222222222222222222b", m3],
      );
      assert.deepEqual(machines[0], {
        id: "1111111111111111111111111111111a",
        primaryIP: "192.0.2.1",
      });
      assert.deepEqual(machines[2], {
        id: m3,
        metadata: { region: "eu", disk: "ssd" },
        primaryIP: "198.51.100.3",
      });
      assert.equal(response.json.nextPageToken, undefined);
      assert.ok(response.text.startsWith('{"machines":[{"id":'));
    });

    test("PATCH with fleet's {value: {value}} operations: 204", async () => {
      const response = await http("PATCH", fleetUrl(server, "/machines"), {
        json: [
          { op: "add", path: `/${m3}/metadata/role`, value: { value: "web" } },
          { op: "replace", path: `/${m3}/metadata/region`, value: { value: "us" } },
          { op: "remove", path: `/${m3}/metadata/disk` },
        ],
      });
      assert.equal(response.status, 204, response.text);
      assert.equal(response.text, "");
      assert.equal(response.headers["content-type"], "application/json");
      const listed = await fleetctl(server, "GET", "/machines");
      const shown = listed.json.machines.find((m: any) => m.id === m3);
      assert.deepEqual(shown.metadata, { region: "us", role: "web" });
    });

    test("PATCH keys match case-insensitively, and any Content-Type is accepted", async () => {
      const cased = await http("PATCH", fleetUrl(server, "/machines"), {
        body: JSON.stringify([
          { Op: "add", Path: `/${m3}/metadata/tier`, Value: { VALUE: "gold" } },
        ]),
        headers: { "content-type": "application/json" },
      });
      assert.equal(cased.status, 204, cased.text);
      const types: Record<string, string>[] = [
        { "content-type": "application/x-www-form-urlencoded" },
        { "content-type": "text/plain" },
        {},
      ];
      for (const headers of types) {
        const response = await http("PATCH", fleetUrl(server, "/machines"), {
          body: JSON.stringify([
            { op: "replace", path: `/${m3}/metadata/tier`, value: { value: "silver" } },
          ]),
          headers,
        });
        assert.equal(response.status, 204, `${JSON.stringify(headers)}: ${response.text}`);
      }
      const listed = await fleetctl(server, "GET", "/machines");
      assert.equal(listed.json.machines.find((m: any) => m.id === m3).metadata.tier, "silver");
      const empty = await http("PATCH", fleetUrl(server, "/machines"), { json: [] });
      assert.equal(empty.status, 204);
    });

    test("PATCH of a machine that has not joined is accepted", async () => {
      const response = await http("PATCH", fleetUrl(server, "/machines"), {
        json: [{ op: "add", path: "/not-here-yet/metadata/role", value: { value: "db" } }],
      });
      assert.equal(response.status, 204, response.text);
    });

    test("PATCH errors: 400 with fleet's messages, and nothing applied", async () => {
      const path = `/${m3}/metadata/role`;
      const cases: [unknown, string | RegExp][] = [
        [
          [{ op: "move", path, value: { value: "x" } }],
          "invalid op: expect add, remove, or replace",
        ],
        [[{ path, value: { value: "x" } }], "invalid op: expect add, remove, or replace"],
        [
          [{ op: "add", path: `/${m3}/role`, value: { value: "x" } }],
          "machine metadata path invalid",
        ],
        [
          [{ op: "add", path: `/${m3}/metadata/bad key`, value: { value: "x" } }],
          "machine metadata path invalid",
        ],
        [
          [{ op: "add", path: `${m3}/metadata/role`, value: { value: "x" } }],
          "machine metadata path invalid",
        ],
        [[{ op: "add", path }], "invalid value: add and replace require a value"],
        [
          [{ op: "replace", path, value: { value: "" } }],
          "invalid value: add and replace require a value",
        ],
        [[{ op: "add", path, value: "x" }], /.+/],
        [
          [
            { op: "add", path, value: { value: "changed" } },
            { op: "bogus", path, value: { value: "x" } },
          ],
          "invalid op: expect add, remove, or replace",
        ],
        [{ op: "add", path, value: { value: "x" } }, /.+/],
        [["add"], /.+/],
      ];
      for (const [body, message] of cases) {
        const response = await http("PATCH", fleetUrl(server, "/machines"), { json: body });
        assertFleetError(response, 400, message);
        assert.ok(!response.json.error.message.startsWith("unable to decode body"));
      }
      const invalidJson = await http("PATCH", fleetUrl(server, "/machines"), {
        body: "[{",
        headers: { "content-type": "application/json" },
      });
      assertFleetError(invalidJson, 400, /^(?!unable to decode body)./);
      const empty = await http("PATCH", fleetUrl(server, "/machines"), {
        body: "",
        headers: { "content-type": "application/json" },
      });
      assertFleetError(empty, 400, "EOF");
      // JSON null is an empty list of operations.
      const nothing = await http("PATCH", fleetUrl(server, "/machines"), { body: "null" });
      assert.equal(nothing.status, 204);
      const listed = await fleetctl(server, "GET", "/machines");
      assert.equal(listed.json.machines.find((m: any) => m.id === m3).metadata.role, "web");
    });
  });

  describe("/v1-alpha", () => {
    test("serves the same resources as /fleet/v1", async () => {
      const alpha = (method: string, path: string, body?: unknown) =>
        fleetctl(server, method, path, body, "/v1-alpha");
      for (const path of ["/units", "/units/hello.service", "/state", "/machines"]) {
        const [a, b] = [await alpha("GET", path), await fleetctl(server, "GET", path)];
        assert.equal(a.status, 200, path);
        assert.equal(a.text, b.text, path);
      }
      assertFleetError(await alpha("GET", "/units/nope.service"), 404, "unit does not exist");
      assertBare(await alpha("PUT", "/units/alpha.service", { options: GOODBYE }), 201);
      assertBare(await alpha("PUT", "/units/alpha.service", { desiredState: "loaded" }), 204);
      assert.equal(
        (await fleetctl(server, "GET", "/units/alpha.service")).json.desiredState,
        "loaded",
      );
      assertBare(await alpha("DELETE", "/units/alpha.service"), 204);
      assertFleetError(
        await alpha("POST", "/units", {}),
        405,
        "only GET supported against this resource",
      );
      assertFleetError(await http("GET", `${server.url}/v1-alpha/units/`), 404, "");
      assertFleetError(await http("GET", `${server.url}/v1-alpha`), 405, "");
      assertFleetError(
        await http("POST", `${server.url}/v1-alpha/discovery`, { body: "" }),
        405,
        "only HTTP GET supported against this resource",
      );
      const discovery = await alpha("GET", "/discovery");
      assert.equal(discovery.json.id, "fleet:v1");
      const patch = await http("PATCH", `${server.url}/v1-alpha/machines`, {
        json: [{ op: "remove", path: "/3333333333333333333333333333333c/metadata/tier" }],
      });
      assert.equal(patch.status, 204);
      assertFleetError(
        await http("PATCH", `${server.url}/v1-alpha/machines`, { json: [{ op: "x" }] }),
        400,
        "invalid op: expect add, remove, or replace",
      );
      assertFleetError(
        await alpha("GET", "/units?nextPageToken=ZAAAAA%3D%3D"),
        400,
        "token page must be greater than zero",
      );
    });
  });

  describe("Flotilla's own API sees the same units", () => {
    test("a unit submitted through /fleet/v1 is a unit file and a unit in /v1", async () => {
      await fleetctlSubmit(server, "crossing.service", HELLO);
      const files = await http("GET", `${server.url}/v1/unit-files`);
      assert.ok(files.json.unitFiles.some((f: any) => f.name === "crossing.service"));
      const file = await http("GET", `${server.url}/v1/unit-files/crossing.service`);
      assert.equal(file.status, 200);
      const units = await http("GET", `${server.url}/v1/units`);
      const unit = units.json.units.find((u: any) => u.name === "crossing.service");
      assert.equal(unit.desiredState, "inactive");
      assertBare(
        await fleetctl(server, "PUT", "/units/crossing.service", {
          desiredState: "loaded",
          name: "crossing.service",
        }),
        204,
      );
      const after = await http("GET", `${server.url}/v1/units/crossing.service`);
      assert.equal(after.json.desiredState, "loaded");
      // fleet's hash is the SHA-1 of the serialized options: the same in both APIs.
      const text =
        "[Unit]\nDescription=Hello World\n\n[Service]\nExecStart=/bin/sh -c 'while true; do echo hi; done'\n";
      assert.equal(after.json.hash, createHash("sha1").update(text).digest("hex"));
      assert.equal(file.json.hash, after.json.hash);
    });

    test("a unit submitted through /v1 is a fleet unit with its options", async () => {
      const submitted = await http("PUT", `${server.url}/v1/unit-files/native.service`, {
        body: "# a comment\n[Service]\nExecStart=/bin/true\nExecStop=\n",
        headers: { "content-type": "text/plain" },
      });
      assert.equal(submitted.status, 201, submitted.text);
      const unit = await fleetctl(server, "GET", "/units/native.service");
      assert.deepEqual(unit.json, {
        currentState: "inactive",
        desiredState: "inactive",
        name: "native.service",
        options: [
          { name: "ExecStart", section: "Service", value: "/bin/true" },
          { name: "ExecStop", section: "Service" },
        ],
      });
      const loaded = await http("PUT", `${server.url}/v1/units/native.service`, {
        json: { desiredState: "launched" },
      });
      assert.equal(loaded.status, 200, loaded.text);
      assert.equal(
        (await fleetctl(server, "GET", "/units/native.service")).json.desiredState,
        "launched",
      );
      const listed = await fleetctl(server, "GET", "/units");
      assert.ok(listed.json.units.some((u: any) => u.name === "native.service"));
      await http("DELETE", `${server.url}/v1/units/native.service`);
      assertFleetError(
        await fleetctl(server, "GET", "/units/native.service"),
        404,
        "unit does not exist",
      );
    });

    test("a template from /v1 instantiated through /v1 shows in fleet's list", async () => {
      const submitted = await http("PUT", `${server.url}/v1/unit-files/worker@.service`, {
        body: "[Service]\nExecStart=/bin/sleep %i\n",
        headers: { "content-type": "text/plain" },
      });
      assert.equal(submitted.status, 201);
      const loaded = await http("PUT", `${server.url}/v1/units/worker@5.service`, {
        json: { desiredState: "loaded" },
      });
      assert.equal(loaded.status, 201, loaded.text);
      const listed = await fleetctl(server, "GET", "/units");
      const names = listed.json.units.map((u: any) => u.name);
      assert.ok(names.includes("worker@.service"));
      assert.ok(names.includes("worker@5.service"));
      const sorted = [...names].sort();
      assert.deepEqual(names, sorted, "units are sorted by name");
    });
  });
});

describe("fleet v1 API paging", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  const submitMany = async (from: number, to: number) => {
    const names: string[] = [];
    for (let i = from; i < to; i++) names.push(`page-${String(i).padStart(3, "0")}.service`);
    for (let i = 0; i < names.length; i += 25) {
      const batch = names.slice(i, i + 25);
      const results = await Promise.all(
        batch.map((name) => fleetctl(server, "PUT", `/units/${name}`, { name, options: GOODBYE })),
      );
      for (const result of results) assertBare(result, 201);
    }
  };

  /** fleetctl's walk over pages: pass nextPageToken back verbatim, URL-encoded. */
  const walk = async (path: string, key: string) => {
    const pages: any[] = [];
    let token: string | undefined;
    do {
      const query = token === undefined ? "" : `?nextPageToken=${encodeURIComponent(token)}`;
      const response = await fleetctl(server, "GET", `${path}${query}`);
      assert.equal(response.status, 200, response.text);
      pages.push(response.json);
      token = response.json.nextPageToken;
      assert.ok(pages.length < 10);
    } while (token);
    return { pages, items: pages.flatMap((page) => page[key] ?? []) };
  };

  test("empty lists are {}", async () => {
    for (const path of ["/units", "/state", "/machines"]) {
      const response = await fleetctl(server, "GET", path);
      assert.equal(response.status, 200);
      assert.equal(response.headers["content-type"], "application/json");
      assert.equal(response.text, "{}", path);
    }
  });

  test("an exact multiple of 100 ends with an empty {} page", async () => {
    await submitMany(0, 200);
    const { pages, items } = await walk("/units", "units");
    assert.equal(pages.length, 3);
    assert.equal(pages[0].units.length, 100);
    assert.equal(pages[0].nextPageToken, "ZAACAA==");
    assert.equal(pages[1].units.length, 100);
    assert.equal(pages[1].nextPageToken, "ZAADAA==");
    assert.deepEqual(pages[2], {});
    assert.equal(items.length, 200);
    assert.equal(items[0].name, "page-000.service");
    assert.equal(items[199].name, "page-199.service");
    const first = await fleetctl(server, "GET", "/units");
    assert.ok(first.text.startsWith('{"nextPageToken":"ZAACAA==","units":[{'));
  });

  test("more than 100 units: the last page is short and has no token", async () => {
    await submitMany(200, 250);
    const { pages, items } = await walk("/units", "units");
    assert.equal(pages.length, 3);
    assert.equal(pages[2].units.length, 50);
    assert.equal(pages[2].nextPageToken, undefined);
    assert.deepEqual(
      items.map((unit: any) => unit.name),
      Array.from({ length: 250 }, (_, i) => `page-${String(i).padStart(3, "0")}.service`),
    );
    // Tokens are accepted with or without URL-encoding of "=".
    const raw = await http("GET", `${server.url}/fleet/v1/units?alt=json&nextPageToken=ZAADAA==`);
    assert.equal(raw.json.units.length, 50);
    const beyond = await fleetctl(server, "GET", "/units?nextPageToken=ZAAEAA%3D%3D");
    assert.equal(beyond.text, "{}");
  });

  test("/state pages after filtering", async () => {
    const machineId = "4444444444444444444444444444444d";
    const presence = await server.controlPlane.registry.announceMachine(
      machine(machineId, "203.0.113.4"),
      30,
    );
    try {
      const since = new Date().toISOString();
      for (let i = 0; i < 120; i += 20) {
        await Promise.all(
          Array.from({ length: 20 }, (_, j) =>
            server.controlPlane.registry.reportUnitState(presence, {
              name: `page-${String(i + j).padStart(3, "0")}.service`,
              machineId,
              hash: "0123456789012345678901234567890123456789",
              desiredState: "launched",
              loadState: "loaded",
              activeState: "active",
              subState: "running",
              since,
            }),
          ),
        );
      }
      await settle(server);
      const { pages, items } = await walk("/state", "states");
      assert.equal(pages.length, 2);
      assert.equal(pages[0].nextPageToken, "ZAACAA==");
      assert.equal(items.length, 120);
      const filtered = await fleetctl(
        server,
        "GET",
        `/state?machineID=${machineId}&unitName=page-007.service`,
      );
      assert.equal(filtered.json.states.length, 1);
      assert.equal(filtered.json.nextPageToken, undefined);
      const machines = await fleetctl(server, "GET", "/machines");
      assert.equal(
        machines.text,
        JSON.stringify({ machines: [{ id: machineId, primaryIP: "203.0.113.4" }] }),
      );
    } finally {
      await presence.revoke();
    }
  });

  test("invalid page tokens: 400 with fleet's messages", async () => {
    const cases: [string, string][] = [
      ["nextPageToken=ZAACAA%3D%3D&nextPageToken=ZAACAA%3D%3D", "too many values for page token"],
      ["nextPageToken=MgABAA%3D%3D", "token limit must be 100"],
      ["nextPageToken=ZAAAAA%3D%3D", "token page must be greater than zero"],
      ["nextPageToken=ZAAC", "unexpected EOF"],
      ["nextPageToken=ZA%3D%3D", "unexpected EOF"],
      ["nextPageToken=", "EOF"],
      ["nextPageToken=!!!!!!!!", "illegal base64 data at input byte 0"],
      ["nextPageToken=ZAAC%2BA%3D%3D", "illegal base64 data at input byte 4"],
      ["nextPageToken=ZAACAA", "illegal base64 data at input byte 4"],
    ];
    for (const path of ["/units", "/state", "/machines"]) {
      for (const [query, message] of cases) {
        assertFleetError(await fleetctl(server, "GET", `${path}?${query}`), 400, message);
      }
    }
    // Bytes beyond the fourth are ignored.
    const long = await fleetctl(server, "GET", "/units?nextPageToken=ZAACAAAA");
    assert.equal(long.status, 200, long.text);
    assert.equal(long.json.units.length, 100);
  });
});
