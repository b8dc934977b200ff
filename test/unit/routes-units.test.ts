// /v1/units in process: listing and paging, one unit, desired state, destroying, and every
// way a request can be wrong.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type InjectApp, injectApp } from "../support/inject-app.ts";
import { assertProblem } from "../support/problem.ts";
import { assertRouteCoverage } from "../support/route-coverage.ts";
import { specUnit } from "../support/spec.ts";

const HELLO = "[Service]\nExecStart=/bin/sleep 1000\n";
const LIMIT_PATTERN = String.raw`querystring/limit must match pattern "^(?:[1-9][0-9]{0,4})(?![\s\S])"`;

describe("/v1/units", () => {
  let api: InjectApp;
  before(async () => {
    api = await injectApp();
    await api.submit("apache@.service", specUnit("apache@.service"));
    await api.submit("hello.service", HELLO);
  });
  after(() => api.close());

  describe("PUT /v1/units/{name}", () => {
    test("loading an instance creates it from its template: 201", async () => {
      const loaded = await api.request("PUT", "/v1/units/apache@80.service", {
        json: { desiredState: "loaded" },
      });
      assert.equal(loaded.status, 201, loaded.text);
      const template = await api.request("GET", "/v1/unit-files/apache@.service");
      assert.equal(
        loaded.json.hash,
        template.json.hash,
        "an instance takes its template's content",
      );
      assert.equal(loaded.json.template, "apache@.service");
      assert.equal(loaded.json.kind, "instance");
      assert.equal(loaded.json.desiredState, "loaded");
      assert.equal(loaded.json.currentState, "inactive");
      assert.equal(loaded.json.machineId, undefined);
      assert.equal(loaded.json.reason, "waiting to be placed on a machine");
    });

    test("setting a state again is a 200 that changes nothing; another state is a 200", async () => {
      const launched = await api.request("PUT", "/v1/units/apache@80.service", {
        json: { desiredState: "launched" },
      });
      assert.equal(launched.status, 200, launched.text);
      assert.equal(launched.json.desiredState, "launched");
      const again = await api.request("PUT", "/v1/units/apache@80.service", {
        json: { desiredState: "launched" },
      });
      assert.equal(again.status, 200);
      assert.equal(again.json.updatedAt, launched.json.updatedAt);
      // A +json media type is JSON too.
      const loaded = await api.request("PUT", "/v1/units/apache@80.service", {
        body: '{"desiredState":"loaded"}',
        headers: { "content-type": "application/merge-patch+json" },
      });
      assert.equal(loaded.status, 200, loaded.text);
      assert.equal(loaded.json.desiredState, "loaded");
    });

    test("bad requests are problem documents and change nothing", async () => {
      const put = (name: string, options: Parameters<InjectApp["request"]>[2]) =>
        api.request("PUT", `/v1/units/${name}`, options);
      const loaded = { json: { desiredState: "loaded" } };
      assertProblem(await put("apache@.service", loaded), 400, "template-not-loadable", {
        instance: "/v1/units/apache@.service",
        detail:
          "apache@.service is a template, not a unit: it is a unit file (/v1/unit-files/apache@.service)",
      });
      assertProblem(await put("nothing.service", loaded), 404, "unit-not-found", {
        instance: "/v1/units/nothing.service",
        detail: "unit nothing.service has not been submitted",
      });
      assertProblem(await put("nginx@1.service", loaded), 404, "unit-not-found", {
        instance: "/v1/units/nginx@1.service",
        detail: "neither nginx@1.service nor its template nginx@.service has been submitted",
      });
      assertProblem(await put("hello", loaded), 400, "invalid-unit-name", {
        instance: "/v1/units/hello",
        detail: 'unit name "hello" must contain "." followed by a unit type, as in "hello.service"',
      });
      const notAllowed = "body/desiredState must be equal to one of the allowed values";
      assertProblem(
        await put("hello.service", { json: { desiredState: "running" } }),
        400,
        "invalid-request",
        {
          instance: "/v1/units/hello.service",
          detail: notAllowed,
          errors: [{ message: notAllowed, path: "body/desiredState" }],
        },
      );
      assertProblem(
        await put("hello.service", { json: { desiredstate: "loaded" } }),
        400,
        "invalid-request",
        {
          instance: "/v1/units/hello.service",
          detail:
            "body must have required property 'desiredState', body must NOT have additional properties",
          errors: [
            { message: "body must have required property 'desiredState'", path: "body" },
            { message: "body must NOT have additional properties", path: "body" },
          ],
        },
      );
      assertProblem(
        await put("hello.service", { json: { desiredState: "loaded", machine: "x" } }),
        400,
        "invalid-request",
        {
          instance: "/v1/units/hello.service",
          detail: "body must NOT have additional properties",
          errors: [{ message: "body must NOT have additional properties", path: "body" }],
        },
      );
      assertProblem(
        await put("hello.service", { json: { desiredState: 1 } }),
        400,
        "invalid-request",
        {
          instance: "/v1/units/hello.service",
          detail: `body/desiredState must be string, ${notAllowed}`,
          errors: [
            { message: "body/desiredState must be string", path: "body/desiredState" },
            { message: notAllowed, path: "body/desiredState" },
          ],
        },
      );
      assertProblem(
        await put("hello.service", { body: "{", headers: { "content-type": "application/json" } }),
        400,
        "invalid-request",
        {
          instance: "/v1/units/hello.service",
          detail: "Body is not valid JSON but content-type is set to 'application/json'",
        },
      );
      assertProblem(
        await put("hello.service", { body: "", headers: { "content-type": "application/json" } }),
        400,
        "invalid-request",
        {
          instance: "/v1/units/hello.service",
          detail: "Body cannot be empty when content-type is set to 'application/json'",
        },
      );
      assertProblem(
        await put("hello.service", { body: "loaded", headers: { "content-type": "text/plain" } }),
        415,
        "unsupported-media-type",
        {
          instance: "/v1/units/hello.service",
          detail: "this resource takes application/json, not text/plain",
        },
      );
      assertProblem(await put("hello.service", {}), 415, "unsupported-media-type", {
        instance: "/v1/units/hello.service",
        detail: "this resource takes application/json, not a body without a content type",
      });
      assertProblem(
        await put("hello.service", {
          body: "<x/>",
          headers: { "content-type": "application/xml" },
        }),
        415,
        "unsupported-media-type",
        { instance: "/v1/units/hello.service", detail: "Unsupported Media Type" },
      );

      const hello = await api.request("GET", "/v1/units/hello.service");
      assert.equal(hello.json.desiredState, "inactive");
      assert.equal((await api.request("GET", "/v1/units/nginx@1.service")).status, 404);
      assert.equal((await api.request("GET", "/v1/units/nothing.service")).status, 404);
    });

    test("a write that keeps losing to concurrent writers: 409 write-conflict", async () => {
      api.loseEveryRace(true);
      try {
        assertProblem(
          await api.request("PUT", "/v1/units/hello.service", {
            json: { desiredState: "launched" },
          }),
          409,
          "write-conflict",
          {
            instance: "/v1/units/hello.service",
            detail: "the unit kept changing under concurrent writes; retry",
          },
        );
      } finally {
        api.loseEveryRace(false);
      }
      assert.equal(
        (await api.request("GET", "/v1/units/hello.service")).json.desiredState,
        "inactive",
      );
    });
  });

  describe("GET /v1/units/{name}", () => {
    test("a plain submitted unit is a unit with desired state inactive and no reason", async () => {
      const unit = await api.request("GET", "/v1/units/hello.service");
      assert.equal(unit.status, 200, unit.text);
      assert.equal(unit.headers["content-type"], "application/json; charset=utf-8");
      assert.equal(unit.json.name, "hello.service");
      assert.equal(unit.json.kind, "unit");
      assert.equal(unit.json.desiredState, "inactive");
      assert.equal(unit.json.currentState, "inactive");
      assert.equal(unit.json.reason, undefined);
      assert.equal(unit.json.template, undefined);
      assert.equal(unit.json.shortHash, unit.json.hash.slice(0, 7));
    });

    test("a placed unit shows its machine and what the machine reports", async () => {
      const machineId = "ab12cd34ef56ab12cd34ef56ab12cd34";
      await api.announceMachine(machineId);
      await api.setDesiredState("apache@81.service", "launched");
      await api.place("apache@81.service", machineId);
      await api.report(machineId, "apache@81.service", { launch: 1 });
      const unit = await api.request("GET", "/v1/units/apache@81.service");
      assert.equal(unit.status, 200, unit.text);
      assert.equal(unit.json.machineId, machineId);
      assert.equal(unit.json.currentState, "launched");
      assert.deepEqual(
        [unit.json.loadState, unit.json.activeState, unit.json.subState],
        ["loaded", "active", "running"],
      );
      assert.equal(unit.json.reason, undefined);
      // Its agent reports no check: its health is none.
      assert.deepEqual(unit.json.health, { status: "none" });
      // A unit no machine reports has no health at all.
      const hello = await api.request("GET", "/v1/units/hello.service");
      assert.equal(hello.json.health, undefined);
    });

    test("unknown units are 404; bad names and templates are 400", async () => {
      assertProblem(await api.request("GET", "/v1/units/nothing.service"), 404, "unit-not-found", {
        instance: "/v1/units/nothing.service",
        detail: "unit nothing.service does not exist",
      });
      assertProblem(
        await api.request("GET", "/v1/units/bad%20name.service"),
        400,
        "invalid-unit-name",
        {
          instance: "/v1/units/bad%20name.service",
          detail:
            'invalid character U+0020 in unit name "bad name.service"; allowed are letters, digits and : - _ . \\ @',
        },
      );
      assertProblem(
        await api.request("GET", "/v1/units/apache@.service"),
        400,
        "template-not-loadable",
        {
          instance: "/v1/units/apache@.service",
          detail:
            "apache@.service is a template, not a unit: it is a unit file (/v1/unit-files/apache@.service)",
        },
      );
      assertProblem(await api.request("GET", "/v1/units/%40x.service"), 400, "invalid-unit-name", {
        instance: "/v1/units/%40x.service",
        detail: /@x\.service/,
      });
    });
  });

  describe("GET /v1/units", () => {
    test("lists units in name order, templates excluded", async () => {
      const list = await api.request("GET", "/v1/units");
      assert.equal(list.status, 200, list.text);
      const names = list.json.units.map((unit: any) => unit.name);
      assert.deepEqual(names, ["apache@80.service", "apache@81.service", "hello.service"]);
      assert.equal(list.json.nextPageToken, undefined);
    });

    test("pages in name order with limit and pageToken", async () => {
      for (let i = 0; i < 7; i++) await api.setDesiredState(`apache@${9000 + i}.service`, "loaded");
      const all = (await api.request("GET", "/v1/units")).json.units.map((unit: any) => unit.name);
      const names: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const query = token ? `limit=3&pageToken=${token}` : "limit=3";
        const page = await api.request("GET", `/v1/units?${query}`);
        assert.equal(page.status, 200, page.text);
        assert.ok(page.json.units.length <= 3);
        names.push(...page.json.units.map((unit: any) => unit.name));
        token = page.json.nextPageToken;
        pages++;
      } while (token);
      assert.deepEqual(names, all);
      assert.deepEqual(names, [...names].sort());
      assert.equal(pages, Math.ceil(all.length / 3));
    });

    test("machineId lists the units placed on that machine", async () => {
      const placed = await api.request(
        "GET",
        "/v1/units?machineId=ab12cd34ef56ab12cd34ef56ab12cd34",
      );
      assert.deepEqual(
        placed.json.units.map((unit: any) => unit.name),
        ["apache@81.service"],
      );
      const none = await api.request("GET", "/v1/units?machineId=nowhere");
      assert.deepEqual(none.json, { units: [] });
    });

    test("bad query parameters are 400 problems that name them", async () => {
      for (const limit of ["0", "abc", "100000"]) {
        assertProblem(
          await api.request("GET", `/v1/units?limit=${limit}`),
          400,
          "invalid-request",
          {
            instance: `/v1/units?limit=${limit}`,
            detail: LIMIT_PATTERN,
            errors: [{ message: LIMIT_PATTERN, path: "querystring/limit" }],
          },
        );
      }
      assertProblem(await api.request("GET", "/v1/units?sort=name"), 400, "invalid-request", {
        instance: "/v1/units?sort=name",
        detail: "querystring must NOT have additional properties",
        errors: [
          { message: "querystring must NOT have additional properties", path: "querystring" },
        ],
      });
      // A token is the unpadded base64url of the name a page ended with: "aGVsbG8=" is padded.
      for (const token of ["***", "", "aGVsbG8="]) {
        assertProblem(
          await api.request("GET", `/v1/units?pageToken=${token}`),
          400,
          "invalid-request",
          {
            instance: `/v1/units?pageToken=${token}`,
            detail: "pageToken is not one this API issued",
          },
        );
      }
      const long = "a".repeat(513);
      assertProblem(
        await api.request("GET", `/v1/units?pageToken=${long}`),
        400,
        "invalid-request",
        {
          instance: `/v1/units?pageToken=${long}`,
          detail: "querystring/pageToken must NOT have more than 512 characters",
          errors: [
            {
              message: "querystring/pageToken must NOT have more than 512 characters",
              path: "querystring/pageToken",
            },
          ],
        },
      );
    });
  });

  describe("DELETE /v1/units/{name}", () => {
    test("destroying a unit removes it and its content when unused: 204, then 404", async () => {
      const destroyed = await api.request("DELETE", "/v1/units/hello.service");
      assert.equal(destroyed.status, 204);
      assert.equal(destroyed.text, "");
      assert.equal((await api.request("GET", "/v1/units/hello.service")).status, 404);
      assert.equal((await api.request("GET", "/v1/unit-files/hello.service")).status, 404);
      assertProblem(await api.request("DELETE", "/v1/units/hello.service"), 404, "unit-not-found", {
        instance: "/v1/units/hello.service",
        detail: "hello.service does not exist",
      });
      const used = new Set([...api.view.units.values()].map((unit) => unit.hash));
      assert.deepEqual(
        [...api.view.unitTexts.keys()].filter((hash) => !used.has(hash)),
        [],
        "no orphaned unit text is left",
      );
    });

    test("a destroy that keeps losing to concurrent writers: 409, and the unit stays", async () => {
      await api.submit("contested.service", "[Service]\nExecStart=/bin/true\n");
      api.loseEveryRace(true);
      try {
        assertProblem(
          await api.request("DELETE", "/v1/units/contested.service"),
          409,
          "write-conflict",
          {
            instance: "/v1/units/contested.service",
            detail: "the unit kept changing under concurrent writes; retry",
          },
        );
      } finally {
        api.loseEveryRace(false);
      }
      assert.equal((await api.request("GET", "/v1/units/contested.service")).status, 200);
    });

    test("a template is a unit file, not a unit; a bad name is refused", async () => {
      assertProblem(
        await api.request("DELETE", "/v1/units/apache@.service"),
        400,
        "template-not-loadable",
        {
          instance: "/v1/units/apache@.service",
          detail:
            "apache@.service is a template, not a unit: it is a unit file (/v1/unit-files/apache@.service)",
        },
      );
      assertProblem(
        await api.request("DELETE", "/v1/units/bad%20name.service"),
        400,
        "invalid-unit-name",
        {
          instance: "/v1/units/bad%20name.service",
          detail:
            'invalid character U+0020 in unit name "bad name.service"; allowed are letters, digits and : - _ . \\ @',
        },
      );
      assert.equal((await api.request("GET", "/v1/unit-files/apache@.service")).status, 200);
    });
  });
});

describe("timers in PUT /v1/units/{name}", () => {
  const TIMER = "[Timer]\nOnActiveSec=1h\n";
  let api: InjectApp;
  before(async () => {
    api = await injectApp();
    for (const name of [
      "backup.service",
      "backup@.service",
      "report-daily.service",
      "weekly.service",
    ])
      await api.submit(name, HELLO);
    await api.submit("web.service", HELLO, "launched");
    for (const name of ["backup.timer", "backup@.timer", "web.timer", "orphan.timer"])
      await api.submit(name, TIMER);
    await api.submit("nightly@.timer", TIMER);
    await api.submit("report@.timer", `${TIMER}Unit=report-%i.service\n`);
  });
  after(() => api.close());

  const put = (name: string, desiredState: string) =>
    api.request("PUT", `/v1/units/${name}`, { json: { desiredState } });
  const stored = async (name: string) => {
    const unit = await api.registry.getUnit(name);
    assert.ok(unit, `${name} is stored`);
    return unit;
  };

  test("launching a timer loads its service in the same write", async () => {
    const launched = await put("backup.timer", "launched");
    assert.equal(launched.status, 200, launched.text);
    assert.equal(launched.json.desiredState, "launched");
    const service = await stored("backup.service");
    assert.equal(service.value.desiredState, "loaded");
    assert.equal(service.version, (await stored("backup.timer")).version);
    assert.equal(
      (await api.request("GET", "/v1/units/backup.service")).json.desiredState,
      "loaded",
      "the answer comes after the view saw both",
    );
  });

  test("an instance of a timer template creates its service's instance from its template", async () => {
    const loaded = await put("backup@db.timer", "loaded");
    assert.equal(loaded.status, 201, loaded.text);
    const service = await stored("backup@db.service");
    assert.equal(service.value.desiredState, "loaded");
    assert.equal(service.value.hash, (await stored("backup@.service")).value.hash);
    assert.equal(service.version, (await stored("backup@db.timer")).version);
    const shown = await api.request("GET", "/v1/units/backup@db.service");
    assert.equal(shown.json.template, "backup@.service");
  });

  test("Unit= names the service, with the timer's own name in its specifiers", async () => {
    assert.equal((await put("report@daily.timer", "launched")).status, 201);
    assert.equal((await stored("report-daily.service")).value.desiredState, "loaded");
    assert.equal(await api.registry.getUnit("report@daily.service"), undefined);
  });

  test("a service loaded or launched already is left as it is", async () => {
    const before = await stored("web.service");
    assert.equal((await put("web.timer", "launched")).status, 200);
    assert.deepEqual(await stored("web.service"), before);
    assert.equal((await stored("web.timer")).value.desiredState, "launched");
  });

  test("a timer whose service is neither submitted nor made from a template: 409, nothing written", async () => {
    assertProblem(await put("orphan.timer", "launched"), 409, "timer-unit-not-found", {
      instance: "/v1/units/orphan.timer",
      detail: "timer orphan.timer starts orphan.service, which has not been submitted",
    });
    assert.equal((await stored("orphan.timer")).value.desiredState, "inactive");
    assertProblem(await put("nightly@1.timer", "loaded"), 409, "timer-unit-not-found", {
      instance: "/v1/units/nightly@1.timer",
      detail:
        "timer nightly@1.timer starts nightly@1.service: neither it nor its template nightly@.service has been submitted",
    });
    assert.equal(await api.registry.getUnit("nightly@1.timer"), undefined);
    assert.equal((await put("orphan.timer", "inactive")).status, 200, "inactive needs nothing");
  });

  test("a timer set inactive leaves its service; a service set inactive leaves its timer", async () => {
    assert.equal((await put("backup.timer", "inactive")).status, 200);
    assert.equal((await stored("backup.service")).value.desiredState, "loaded");
    assert.equal((await put("backup@db.service", "inactive")).status, 200);
    assert.equal((await stored("backup@db.timer")).value.desiredState, "loaded");
  });

  test("new content for a loaded timer loads the service its new Unit= names", async () => {
    assert.equal((await put("web.timer", "launched")).status, 200);
    const replaced = await api.request("PUT", "/v1/unit-files/web.timer?replace=true", {
      body: `${TIMER}Unit=weekly.service\n`,
      headers: { "content-type": "text/plain" },
    });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal((await stored("weekly.service")).value.desiredState, "loaded");
    const refused = await api.request("PUT", "/v1/unit-files/web.timer?replace=true", {
      body: `${TIMER}Unit=missing.service\n`,
      headers: { "content-type": "text/plain" },
    });
    assert.equal(refused.status, 409, "a service that is not there is refused as a start is");
  });

  test("a timer loaded again loads the service set inactive meanwhile", async () => {
    const timer = await stored("backup@db.timer");
    assert.equal((await put("backup@db.timer", "loaded")).status, 200);
    assert.deepEqual(await stored("backup@db.timer"), timer);
    assert.equal((await stored("backup@db.service")).value.desiredState, "loaded");
  });
});

describe("health in /v1/units", () => {
  let api: InjectApp;
  before(async () => {
    api = await injectApp();
  });
  after(() => api.close());

  test("a unit's health is what its machine reports, with the check that gave it", async () => {
    const machineId = "cd34ef56ab12cd34ef56ab12cd34ef56";
    await api.announceMachine(machineId);
    await api.submit("checked.service", HELLO, "launched");
    await api.place("checked.service", machineId);
    const health = {
      status: "unhealthy",
      since: "2026-12-07T10:00:40.000Z",
      failures: 3,
      lastCheckAt: "2026-12-07T10:00:40.000Z",
      lastOutput: "connect ECONNREFUSED 192.0.2.1:80",
      probe: "tcp",
    } as const;
    await api.report(machineId, "checked.service", { launch: 1, health });
    const unit = await api.request("GET", "/v1/units/checked.service");
    assert.equal(unit.status, 200, unit.text);
    assert.deepEqual(unit.json.health, health);
    const listed = await api.request("GET", `/v1/units?machineId=${machineId}`);
    assert.deepEqual(
      listed.json.units.map((u: { name: string; health: unknown }) => [u.name, u.health]),
      [["checked.service", health]],
    );
  });
});

test("every operation and status route-coverage.ts gives this file was answered", () =>
  assertRouteCoverage("units"));
