import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { http } from "../support/http.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { specUnit } from "../support/spec.ts";

const text = (body: string) => ({ body, headers: { "content-type": "text/plain" } });

describe("unit files", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  test("the tutorial's templates are accepted unmodified and listed", async () => {
    for (const name of ["apache@.service", "apache-discovery@.service"] as const) {
      const response = await http(
        "PUT",
        `${server.url}/v1/unit-files/${name}`,
        text(specUnit(name)),
      );
      assert.equal(response.status, 201, response.text);
      assert.equal(response.json.kind, "template");
      assert.equal(response.json.created, true);
      assert.deepEqual(response.json.warnings, []);
      assert.match(response.json.hash, /^[0-9a-f]{40}$/);
      assert.equal(response.json.shortHash, response.json.hash.slice(0, 7));
    }
    const list = await http("GET", `${server.url}/v1/unit-files`);
    assert.deepEqual(
      list.json.unitFiles.map((file: any) => [file.name, file.kind]),
      [
        ["apache-discovery@.service", "template"],
        ["apache@.service", "template"],
      ],
    );
  });

  test("submitting the same content again changes nothing", async () => {
    const again = await http(
      "PUT",
      `${server.url}/v1/unit-files/apache@.service`,
      text(specUnit("apache@.service")),
    );
    assert.equal(again.status, 200);
    assert.equal(again.json.created, false);
    assert.equal(again.json.replaced, false);
  });

  test("other content under a submitted name is a conflict unless replace=true", async () => {
    const other = "[Service]\nExecStart=/bin/sleep 1\n";
    const conflict = await http(
      "PUT",
      `${server.url}/v1/unit-files/conflicted.service`,
      text("[Service]\nExecStart=/bin/true\n"),
    );
    assert.equal(conflict.status, 201);
    const refused = await http(
      "PUT",
      `${server.url}/v1/unit-files/conflicted.service`,
      text(other),
    );
    assert.equal(refused.status, 409);
    assert.equal(refused.headers["content-type"], "application/problem+json; charset=utf-8");
    assert.equal(refused.json.type, "urn:flotilla:problem:unit-file-conflict");
    const replaced = await http(
      "PUT",
      `${server.url}/v1/unit-files/conflicted.service?replace=true`,
      text(other),
    );
    assert.equal(replaced.status, 200);
    assert.equal(replaced.json.replaced, true);
    const file = await http("GET", `${server.url}/v1/unit-files/conflicted.service`, {
      headers: { accept: "text/plain" },
    });
    assert.equal(file.text, other);
  });

  test("a unit file can be submitted as JSON options", async () => {
    const options = [
      { section: "Unit", name: "Description", value: "from JSON" },
      { section: "Service", name: "ExecStart", value: "/bin/sleep 100" },
    ];
    const created = await http("PUT", `${server.url}/v1/unit-files/json.service`, {
      json: { options },
    });
    assert.equal(created.status, 201, created.text);
    const file = await http("GET", `${server.url}/v1/unit-files/json.service`);
    assert.equal(file.status, 200);
    assert.deepEqual(file.json.options, options);
    assert.equal(
      file.json.text,
      "[Unit]\nDescription=from JSON\n\n[Service]\nExecStart=/bin/sleep 100\n",
    );
    assert.equal(file.json.kind, "unit");
  });

  test("a unit file can be submitted as JSON content, the same as text/plain", async () => {
    const text = "[Unit]\nDescription=as content\n\n[Service]\nExecStart=/bin/sleep 100\n";
    const created = await http("PUT", `${server.url}/v1/unit-files/content.service`, {
      json: { content: text },
    });
    assert.equal(created.status, 201, created.text);
    const again = await http("PUT", `${server.url}/v1/unit-files/content.service`, {
      body: text,
      headers: { "content-type": "text/plain" },
    });
    assert.equal(again.status, 200, "the same content as text/plain changes nothing");
    assert.equal(again.json.hash, created.json.hash);
    const bad = await http("PUT", `${server.url}/v1/unit-files/content.service`, {
      json: { content: "[Service\n" },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.type, "urn:flotilla:problem:invalid-unit-file");
  });

  test("names up to 256 characters are accepted, longer ones refused", async () => {
    const longest = `${"a".repeat(248)}.service`;
    const accepted = await http(
      "PUT",
      `${server.url}/v1/unit-files/${longest}`,
      text("[Service]\nExecStart=/bin/true\n"),
    );
    assert.equal(accepted.status, 201, accepted.text);
    const refused = await http(
      "PUT",
      `${server.url}/v1/unit-files/a${longest}`,
      text("[Service]\nExecStart=/bin/true\n"),
    );
    assert.equal(refused.status, 400);
    assert.equal(refused.json.type, "urn:flotilla:problem:invalid-unit-name");
    assert.equal((await http("DELETE", `${server.url}/v1/unit-files/${longest}`)).status, 204);
  });

  test("GET returns the file itself for Accept: text/plain", async () => {
    const file = await http("GET", `${server.url}/v1/unit-files/apache@.service`, {
      headers: { accept: "text/plain" },
    });
    assert.equal(file.status, 200);
    assert.match(String(file.headers["content-type"]), /^text\/plain/);
    assert.match(file.text, /^\[Unit\]\nDescription=Apache web server service\n/);
    assert.match(file.text, /X-Conflicts=apache@\*\.service\n$/);
  });

  test("malformed files are refused with the line and the reason", async () => {
    const malformed = await http(
      "PUT",
      `${server.url}/v1/unit-files/bad.service`,
      text("[Unit]\nDescription=ok\nthis line has no equals sign\n"),
    );
    assert.equal(malformed.status, 400);
    assert.equal(malformed.json.type, "urn:flotilla:problem:invalid-unit-file");
    assert.equal(malformed.json.errors[0].line, 3);

    const unknownKey = await http(
      "PUT",
      `${server.url}/v1/unit-files/bad.service`,
      text("[Service]\nExecStart=/bin/true\nExecStrat=/bin/false\n"),
    );
    assert.equal(unknownKey.status, 400);
    assert.equal(unknownKey.json.errors[0].line, 3);
    assert.match(unknownKey.json.errors[0].message, /ExecStrat/);

    const fleetConflict = await http(
      "PUT",
      `${server.url}/v1/unit-files/bad.service`,
      text("[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineID=abc\nGlobal=true\n"),
    );
    assert.equal(fleetConflict.status, 400);
    assert.match(
      fleetConflict.json.errors.map((error: any) => error.message).join("\n"),
      /MachineID cannot be used with Global/,
    );
  });

  test("an unsupported docker flag is refused on submit, naming the flag", async () => {
    const response = await http(
      "PUT",
      `${server.url}/v1/unit-files/privileged@.service`,
      text("[Service]\nExecStart=/usr/bin/docker run --privileged --name web%i busybox\n"),
    );
    assert.equal(response.status, 400);
    assert.equal(response.json.errors[0].line, 2);
    assert.match(response.json.errors[0].message, /unsupported docker run flag --privileged/);
  });

  test("unknown [X-Fleet] keys are a warning, not silence", async () => {
    const response = await http(
      "PUT",
      `${server.url}/v1/unit-files/warned.service`,
      text("[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineOff=typo\n"),
    );
    assert.equal(response.status, 201, response.text);
    assert.equal(response.json.warnings.length, 1);
    assert.match(response.json.warnings[0].message, /MachineOff/);
    assert.equal(response.json.warnings[0].line, 4);
  });

  test("bad names, bodies and content types get the right status", async () => {
    const cases: [string, string, Parameters<typeof http>[2], number, string][] = [
      [
        "bad name",
        "/v1/unit-files/bad%20name.service",
        text("[Service]\nExecStart=/bin/true\n"),
        400,
        "invalid-unit-name",
      ],
      [
        "no suffix",
        "/v1/unit-files/nosuffix",
        text("[Service]\nExecStart=/bin/true\n"),
        400,
        "invalid-unit-name",
      ],
      [
        "leading @",
        "/v1/unit-files/@x.service",
        text("[Service]\nExecStart=/bin/true\n"),
        400,
        "invalid-unit-name",
      ],
      [
        "wrong content type",
        "/v1/unit-files/x.service",
        { body: "<xml/>", headers: { "content-type": "application/xml" } },
        415,
        "unsupported-media-type",
      ],
      [
        "unknown JSON field",
        "/v1/unit-files/x.service",
        { json: { options: [], extra: 1 } },
        400,
        "invalid-request",
      ],
      [
        "both content and options",
        "/v1/unit-files/x.service",
        { json: { content: "[Service]\nExecStart=/bin/true\n", options: [] } },
        400,
        "invalid-request",
      ],
      [
        "neither content nor options",
        "/v1/unit-files/x.service",
        { json: {} },
        400,
        "invalid-request",
      ],
      [
        "misspelled option field",
        "/v1/unit-files/x.service",
        { json: { options: [{ section: "Service", nam: "ExecStart", value: "/bin/true" }] } },
        400,
        "invalid-request",
      ],
      [
        "malformed JSON",
        "/v1/unit-files/x.service",
        { body: "{", headers: { "content-type": "application/json" } },
        400,
        "invalid-request",
      ],
      [
        "oversized body",
        "/v1/unit-files/x.service",
        text(`[Service]\nDescription=${"x".repeat(600 * 1024)}\n`),
        413,
        "body-too-large",
      ],
      [
        "unit file over the size limit",
        "/v1/unit-files/x.service",
        text(`[Service]\nDescription=${"x".repeat(300 * 1024)}\n`),
        400,
        "invalid-request",
      ],
      [
        "more options than a unit file may have",
        "/v1/unit-files/x.service",
        {
          json: {
            options: Array.from({ length: 1001 }, (_, i) => ({
              section: "Service",
              name: "Environment",
              value: `N${i}=1`,
            })),
          },
        },
        400,
        "invalid-request",
      ],
      [
        "bad query value",
        "/v1/unit-files/x.service?replace=yes",
        text("[Service]\nExecStart=/bin/true\n"),
        400,
        "invalid-request",
      ],
      [
        "unknown query field",
        "/v1/unit-files/x.service?force=true",
        text("[Service]\nExecStart=/bin/true\n"),
        400,
        "invalid-request",
      ],
    ];
    for (const [label, path, options, status, kind] of cases) {
      const response = await http("PUT", `${server.url}${path}`, options);
      assert.equal(response.status, status, `${label}: ${response.text.slice(0, 300)}`);
      assert.equal(response.json.type, `urn:flotilla:problem:${kind}`, label);
      assert.equal(typeof response.json.detail, "string", label);
    }
    const missing = await http("GET", `${server.url}/v1/unit-files/missing.service`);
    assert.equal(missing.status, 404);
    assert.equal(missing.json.type, "urn:flotilla:problem:unit-file-not-found");
    const untouched = await http("GET", `${server.url}/v1/unit-files/x.service`);
    assert.equal(untouched.status, 404, "no refused request may leave anything behind");
  });

  test("a template with instances is deleted only when forced", async () => {
    const loaded = await http("PUT", `${server.url}/v1/units/apache@8080.service`, {
      json: { desiredState: "loaded" },
    });
    assert.equal(loaded.status, 201, loaded.text);
    const refused = await http("DELETE", `${server.url}/v1/unit-files/apache@.service`);
    assert.equal(refused.status, 409);
    assert.match(refused.json.detail, /apache@8080\.service/);
    const forced = await http("DELETE", `${server.url}/v1/unit-files/apache@.service?force=true`);
    assert.equal(forced.status, 204);
    const instance = await http("GET", `${server.url}/v1/units/apache@8080.service`);
    assert.equal(instance.status, 200, "instances keep their own copy of the content");
    const gone = await http("DELETE", `${server.url}/v1/unit-files/apache@.service`);
    assert.equal(gone.status, 404);
  });

  test("racing submissions of different content: exactly one wins", async () => {
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        http(
          "PUT",
          `${server.url}/v1/unit-files/raced.service`,
          text(`[Service]\nExecStart=/bin/sleep ${i}\n`),
        ),
      ),
    );
    const statuses = attempts.map((response) => response.status).sort();
    assert.deepEqual(statuses, [201, ...Array(11).fill(409)]);
  });
});
