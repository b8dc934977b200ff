// /v1/unit-files in process: submitting as text or JSON, conflicts and replacing, reading a
// file back, deleting (templates with instances only when forced), and every way a
// submission can be wrong, a malformed file's line included.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type InjectApp, injectApp, type RequestOptions } from "../support/inject-app.ts";
import { assertProblem } from "../support/problem.ts";
import { assertRouteCoverage } from "../support/route-coverage.ts";
import { specUnit } from "../support/spec.ts";

const text = (body: string): RequestOptions => ({
  body,
  headers: { "content-type": "text/plain" },
});
const TRUE = "[Service]\nExecStart=/bin/true\n";

describe("/v1/unit-files", () => {
  let api: InjectApp;
  before(async () => {
    api = await injectApp();
  });
  after(() => api.close());

  const put = (name: string, options: RequestOptions) =>
    api.request("PUT", `/v1/unit-files/${name}`, options);

  describe("PUT /v1/unit-files/{name}", () => {
    test("the tutorial's templates are accepted unmodified: 201, then listed", async () => {
      for (const name of ["apache@.service", "apache-discovery@.service"] as const) {
        const response = await put(name, text(specUnit(name)));
        assert.equal(response.status, 201, response.text);
        assert.equal(response.json.name, name);
        assert.equal(response.json.kind, "template");
        assert.equal(response.json.created, true);
        assert.equal(response.json.replaced, false);
        assert.deepEqual(response.json.warnings, []);
        assert.match(response.json.hash, /^[0-9a-f]{40}$/);
        assert.equal(response.json.shortHash, response.json.hash.slice(0, 7));
      }
      const list = await api.request("GET", "/v1/unit-files");
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.json.unitFiles.map((file: any) => [file.name, file.kind]),
        [
          ["apache-discovery@.service", "template"],
          ["apache@.service", "template"],
        ],
      );
    });

    test("the same content again is a 200 that changes nothing", async () => {
      const again = await put("apache@.service", text(specUnit("apache@.service")));
      assert.equal(again.status, 200);
      assert.equal(again.json.created, false);
      assert.equal(again.json.replaced, false);
    });

    test("other content under a submitted name is a 409 unless replace=true", async () => {
      const first = await put("conflicted.service", text(TRUE));
      assert.equal(first.status, 201);
      const other = "[Service]\nExecStart=/bin/sleep 1\n";
      const refused = await put("conflicted.service", text(other));
      assertProblem(refused, 409, "unit-file-conflict", {
        instance: "/v1/unit-files/conflicted.service",
        detail:
          /^conflicted\.service is already submitted with other content \(hash [0-9a-f]{7}, this is [0-9a-f]{7}\); submit with replace=true to replace it$/,
      });
      assert.ok(refused.json.detail.includes(first.json.shortHash));
      const replaced = await put("conflicted.service?replace=true", text(other));
      assert.equal(replaced.status, 200);
      assert.equal(replaced.json.replaced, true);
      assert.equal(replaced.json.created, false);
      const file = await api.request("GET", "/v1/unit-files/conflicted.service", {
        headers: { accept: "text/plain" },
      });
      assert.equal(file.text, other);
      const explicit = await put("conflicted.service?replace=false", text(TRUE));
      assert.equal(explicit.status, 409);
    });

    test("JSON options are a unit file too, stored as their canonical text", async () => {
      const options = [
        { section: "Unit", name: "Description", value: "from JSON" },
        { section: "Service", name: "ExecStart", value: "/bin/sleep 100" },
      ];
      const created = await put("json.service", { json: { options } });
      assert.equal(created.status, 201, created.text);
      const file = await api.request("GET", "/v1/unit-files/json.service");
      assert.equal(file.status, 200);
      assert.deepEqual(file.json.options, options);
      assert.equal(
        file.json.text,
        "[Unit]\nDescription=from JSON\n\n[Service]\nExecStart=/bin/sleep 100\n",
      );
      assert.equal(file.json.kind, "unit");
    });

    test("JSON content is the same as text/plain", async () => {
      const content = "[Unit]\nDescription=as content\n\n[Service]\nExecStart=/bin/sleep 100\n";
      const created = await put("content.service", { json: { content } });
      assert.equal(created.status, 201, created.text);
      const again = await put("content.service", text(content));
      assert.equal(again.status, 200, "the same content as text/plain changes nothing");
      assert.equal(again.json.hash, created.json.hash);
      assertProblem(
        await put("content.service", { json: { content: "[Service\n" } }),
        400,
        "invalid-unit-file",
        {
          instance: "/v1/unit-files/content.service",
          detail: "unit file content.service is not valid",
          errors: [{ message: 'section header "[Service" is missing its closing "]"', line: 1 }],
        },
      );
    });

    test("names up to 256 characters are accepted, longer ones refused", async () => {
      const longest = `${"a".repeat(248)}.service`;
      const accepted = await put(longest, text(TRUE));
      assert.equal(accepted.status, 201, accepted.text);
      assertProblem(await put(`a${longest}`, text(TRUE)), 400, "invalid-unit-name", {
        instance: `/v1/unit-files/a${longest}`,
        detail: "unit name exceeds maximum length (256)",
      });
      assert.equal((await api.request("DELETE", `/v1/unit-files/${longest}`)).status, 204);
    });

    test("malformed files are refused with the line and the reason", async () => {
      const invalid = (name: string) => ({
        instance: `/v1/unit-files/${name}`,
        detail: `unit file ${name} is not valid`,
      });
      assertProblem(
        await put("bad.service", text("[Unit]\nDescription=ok\nthis line has no equals sign\n")),
        400,
        "invalid-unit-file",
        {
          ...invalid("bad.service"),
          errors: [
            {
              message: 'expected Key=Value but the line has no "=": "this line has no equals sign"',
              line: 3,
            },
          ],
        },
      );
      assertProblem(
        await put("bad.service", text("[Service]\nExecStart=/bin/true\nExecStrat=/bin/false\n")),
        400,
        "invalid-unit-file",
        {
          ...invalid("bad.service"),
          errors: [{ message: "unknown key ExecStrat in section [Service]", line: 3 }],
        },
      );
      assertProblem(
        await put(
          "bad.service",
          text("[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineID=abc\nGlobal=true\n"),
        ),
        400,
        "invalid-unit-file",
        {
          ...invalid("bad.service"),
          errors: [{ message: "MachineID cannot be used with Global", line: 5 }],
        },
      );
      assertProblem(
        await put(
          "privileged@.service",
          text("[Service]\nExecStart=/usr/bin/docker run --privileged --name web%i busybox\n"),
        ),
        400,
        "invalid-unit-file",
        {
          ...invalid("privileged@.service"),
          errors: [{ message: "ExecStart: unsupported docker run flag --privileged", line: 2 }],
        },
      );
      assertProblem(await put("empty.service", text("")), 400, "invalid-unit-file", {
        ...invalid("empty.service"),
        errors: [{ message: "the unit file is empty: it sets no options", line: 1 }],
      });
      for (const name of ["bad.service", "privileged@.service", "empty.service"]) {
        assert.equal((await api.request("GET", `/v1/unit-files/${name}`)).status, 404, name);
      }
    });

    test("unknown [X-Fleet] keys are a warning with their line, not silence", async () => {
      const response = await put(
        "warned.service",
        text("[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineOff=typo\n"),
      );
      assert.equal(response.status, 201, response.text);
      assert.deepEqual(response.json.warnings, [
        { message: 'unrecognized requirement in [X-Fleet] section: "MachineOff"', line: 4 },
      ]);
    });

    test("bad names, queries, bodies and content types: 400, 413 and 415 problems", async () => {
      const at = (path: string) => ({ instance: `/v1/unit-files/${path}` });
      assertProblem(await put("bad%20name.service", text(TRUE)), 400, "invalid-unit-name", {
        ...at("bad%20name.service"),
        detail:
          'invalid character U+0020 in unit name "bad name.service"; allowed are letters, digits and : - _ . \\ @',
      });
      assertProblem(await put("nosuffix", text(TRUE)), 400, "invalid-unit-name", {
        ...at("nosuffix"),
        detail:
          'unit name "nosuffix" must contain "." followed by a unit type, as in "nosuffix.service"',
      });
      assertProblem(await put("@x.service", text(TRUE)), 400, "invalid-unit-name", {
        ...at("@x.service"),
        detail: 'unit name "@x.service" cannot start with "@"',
      });
      const replaceValue = "querystring/replace must be equal to one of the allowed values";
      assertProblem(await put("x.service?replace=yes", text(TRUE)), 400, "invalid-request", {
        ...at("x.service?replace=yes"),
        detail: replaceValue,
        errors: [{ message: replaceValue, path: "querystring/replace" }],
      });
      const extraQuery = "querystring must NOT have additional properties";
      assertProblem(await put("x.service?force=true", text(TRUE)), 400, "invalid-request", {
        ...at("x.service?force=true"),
        detail: extraQuery,
        errors: [{ message: extraQuery, path: "querystring" }],
      });
      const extra = "body must NOT have additional properties";
      const content = "body must have required property 'content'";
      const anyOf = "body must match a schema in anyOf";
      assertProblem(
        await put("x.service", { json: { options: [], extra: 1 } }),
        400,
        "invalid-request",
        {
          ...at("x.service"),
          detail: [content, extra, extra, extra, anyOf].join(", "),
          errors: [content, extra, extra, extra, anyOf].map((message) => ({
            message,
            path: "body",
          })),
        },
      );
      assertProblem(
        await put("x.service", { json: { content: TRUE, options: [] } }),
        400,
        "invalid-request",
        {
          ...at("x.service"),
          detail: [extra, extra, anyOf].join(", "),
          errors: [extra, extra, anyOf].map((message) => ({ message, path: "body" })),
        },
      );
      const options = "body must have required property 'options'";
      assertProblem(await put("x.service", { json: {} }), 400, "invalid-request", {
        ...at("x.service"),
        detail: [content, options, anyOf].join(", "),
        errors: [content, options, anyOf].map((message) => ({ message, path: "body" })),
      });
      const misspelled = await put("x.service", {
        json: { options: [{ section: "Service", nam: "ExecStart", value: "/bin/true" }] },
      });
      assertProblem(misspelled, 400, "invalid-request", {
        ...at("x.service"),
        detail:
          /body\/options\/0 must have required property 'name', body\/options\/0 must NOT have additional properties/,
        errors: [
          { message: content, path: "body" },
          { message: extra, path: "body" },
          { message: "body/options/0 must have required property 'name'", path: "body/options/0" },
          { message: "body/options/0 must NOT have additional properties", path: "body/options/0" },
          { message: anyOf, path: "body" },
        ],
      });
      assertProblem(
        await put("x.service", { body: "{", headers: { "content-type": "application/json" } }),
        400,
        "invalid-request",
        {
          ...at("x.service"),
          detail: "Body is not valid JSON but content-type is set to 'application/json'",
        },
      );
      // The default body limit (512 KiB) is above the largest unit file (256 Ki characters).
      assertProblem(
        await put("x.service", text(`[Service]\nDescription=${"x".repeat(600 * 1024)}\n`)),
        413,
        "body-too-large",
        { ...at("x.service"), detail: "Request body is too large" },
      );
      const tooLong = "body must NOT have more than 262144 characters";
      assertProblem(
        await put("x.service", text(`[Service]\nDescription=${"x".repeat(300 * 1024)}\n`)),
        400,
        "invalid-request",
        { ...at("x.service"), detail: tooLong, errors: [{ message: tooLong, path: "body" }] },
      );
      const tooMany = "body/options must NOT have more than 1000 items";
      const many = Array.from({ length: 1001 }, (_, i) => ({
        section: "Service",
        name: "Environment",
        value: `N${i}=1`,
      }));
      assertProblem(await put("x.service", { json: { options: many } }), 400, "invalid-request", {
        ...at("x.service"),
        detail: [content, extra, tooMany, anyOf].join(", "),
        errors: [
          { message: content, path: "body" },
          { message: extra, path: "body" },
          { message: tooMany, path: "body/options" },
          { message: anyOf, path: "body" },
        ],
      });
      assertProblem(
        await put("x.service", { body: "<xml/>", headers: { "content-type": "application/xml" } }),
        415,
        "unsupported-media-type",
        { ...at("x.service"), detail: "Unsupported Media Type" },
      );
      assertProblem(await put("x.service", {}), 415, "unsupported-media-type", {
        ...at("x.service"),
        detail:
          "this resource takes text/plain or application/json, not a body without a content type",
      });
      assertProblem(
        await api.request("GET", "/v1/unit-files/x.service"),
        404,
        "unit-file-not-found",
        { ...at("x.service"), detail: "unit file x.service has not been submitted" },
      );
    });
  });

  describe("GET /v1/unit-files/{name}", () => {
    test("JSON by default and for JSON first; the file itself for Accept: text/plain", async () => {
      const asText = await api.request("GET", "/v1/unit-files/apache@.service", {
        headers: { accept: "text/plain" },
      });
      assert.equal(asText.status, 200);
      assert.equal(asText.headers["content-type"], "text/plain; charset=utf-8");
      assert.match(asText.text, /^\[Unit\]\nDescription=Apache web server service\n/);
      assert.match(asText.text, /X-Conflicts=apache@\*\.service\n$/);
      for (const accept of [undefined, "application/json, text/plain", "*/*"]) {
        const json = await api.request("GET", "/v1/unit-files/apache@.service", {
          headers: accept === undefined ? {} : { accept },
        });
        assert.equal(json.status, 200, `${accept}`);
        assert.equal(json.headers["content-type"], "application/json; charset=utf-8");
        assert.equal(json.json.text, asText.text);
        assert.equal(json.json.kind, "template");
        assert.equal(json.json.template, undefined);
        assert.equal(json.json.options[0].name, "Description");
      }
    });

    test("an instance's file is its template's, naming the template", async () => {
      await api.setDesiredState("apache@8080.service", "loaded");
      const instance = await api.request("GET", "/v1/unit-files/apache@8080.service");
      const template = await api.request("GET", "/v1/unit-files/apache@.service");
      assert.equal(instance.status, 200);
      assert.equal(instance.json.kind, "instance");
      assert.equal(instance.json.template, "apache@.service");
      assert.equal(instance.json.hash, template.json.hash);
    });

    test("an unknown file is a 404; a bad name a 400", async () => {
      assertProblem(
        await api.request("GET", "/v1/unit-files/missing.service"),
        404,
        "unit-file-not-found",
        {
          instance: "/v1/unit-files/missing.service",
          detail: "unit file missing.service has not been submitted",
        },
      );
      assertProblem(
        await api.request("GET", "/v1/unit-files/no-suffix"),
        400,
        "invalid-unit-name",
        {
          instance: "/v1/unit-files/no-suffix",
          detail:
            'unit name "no-suffix" must contain "." followed by a unit type, as in "no-suffix.service"',
        },
      );
    });
  });

  describe("GET /v1/unit-files/{name}/history", () => {
    const history = (name: string) => api.request("GET", `/v1/unit-files/${name}/history`);
    const SLEEP = "[Service]\nExecStart=/bin/sleep 1\n";

    test("newest first, the current one marked: a version per change, none for the same content", async () => {
      const first = await put("versioned.service", text(TRUE));
      assert.equal((await put("versioned.service", text(TRUE))).status, 200);
      const second = await put("versioned.service?replace=true", text(SLEEP));
      const third = await put("versioned.service?replace=true", text(TRUE));
      assert.equal(third.json.replaced, true);
      const answer = await history("versioned.service");
      assert.equal(answer.status, 200, answer.text);
      const [newest, middle, oldest] = answer.json.history;
      assert.deepEqual(answer.json, {
        name: "versioned.service",
        version: 3,
        history: [
          { version: 3, hash: first.json.hash, at: newest.at, cause: "replaced", current: true },
          { version: 2, hash: second.json.hash, at: middle.at, cause: "replaced", current: false },
          { version: 1, hash: first.json.hash, at: oldest.at, cause: "submitted", current: false },
        ],
      });
      assert.ok(newest.at >= middle.at && middle.at >= oldest.at, "in time order");
      const file = await api.request("GET", "/v1/unit-files/versioned.service");
      assert.equal(file.json.version, 3);
    });

    test("an instance starts at version 1, from its template", async () => {
      assert.equal((await put("versioned@.service", text(TRUE))).status, 201);
      await api.setDesiredState("versioned@1.service", "loaded");
      const answer = await history("versioned@1.service");
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.json.version, 1);
      assert.deepEqual(
        answer.json.history.map((entry: any) => [entry.version, entry.cause, entry.current]),
        [[1, "from template versioned@.service", true]],
      );
    });

    test("the last ten versions are kept, with their content; the older ones' is collected", async () => {
      const hashes: string[] = [];
      for (let n = 1; n <= 12; n++) {
        const answer = await put(
          "kept.service?replace=true",
          text(`[Service]\nExecStart=/bin/kept ${n}\n`),
        );
        hashes.push(answer.json.hash);
      }
      const answer = await history("kept.service");
      assert.equal(answer.json.version, 12);
      assert.deepEqual(
        answer.json.history.map((entry: any) => entry.version),
        [12, 11, 10, 9, 8, 7, 6, 5, 4, 3],
      );
      for (const [index, hash] of hashes.entries()) {
        const stored = await api.registry.getUnitText(hash);
        assert.equal(stored !== undefined, index >= 2, `version ${index + 1}'s content`);
      }
    });

    test("an unknown file is the file's own 404; a bad name a 400", async () => {
      assertProblem(await history("missing.service"), 404, "unit-file-not-found", {
        instance: "/v1/unit-files/missing.service/history",
        detail: "unit file missing.service has not been submitted",
      });
      assertProblem(await history("no-suffix"), 400, "invalid-unit-name", {
        instance: "/v1/unit-files/no-suffix/history",
        detail:
          'unit name "no-suffix" must contain "." followed by a unit type, as in "no-suffix.service"',
      });
    });
  });

  describe("DELETE /v1/unit-files/{name}", () => {
    test("a template with instances is deleted only when forced", async () => {
      assertProblem(
        await api.request("DELETE", "/v1/unit-files/apache@.service"),
        409,
        "template-in-use",
        {
          instance: "/v1/unit-files/apache@.service",
          detail:
            "template apache@.service has 1 instance(s) (apache@8080.service); destroy them first or delete with force=true",
        },
      );
      const forced = await api.request("DELETE", "/v1/unit-files/apache@.service?force=true");
      assert.equal(forced.status, 204);
      assert.equal(forced.text, "");
      const instance = await api.request("GET", "/v1/units/apache@8080.service");
      assert.equal(instance.status, 200, "instances keep their own copy of the content");
      assertProblem(
        await api.request("DELETE", "/v1/unit-files/apache@.service"),
        404,
        "unit-file-not-found",
        { instance: "/v1/unit-files/apache@.service", detail: "apache@.service does not exist" },
      );
    });

    test("a plain unit's file is the unit: deleting it destroys the unit", async () => {
      assert.equal((await api.request("DELETE", "/v1/unit-files/json.service")).status, 204);
      assert.equal((await api.request("GET", "/v1/units/json.service")).status, 404);
    });

    test("bad names and queries are 400 problems", async () => {
      assertProblem(
        await api.request("DELETE", "/v1/unit-files/no-suffix"),
        400,
        "invalid-unit-name",
        {
          instance: "/v1/unit-files/no-suffix",
          detail:
            'unit name "no-suffix" must contain "." followed by a unit type, as in "no-suffix.service"',
        },
      );
      const forceValue = "querystring/force must be equal to one of the allowed values";
      assertProblem(
        await api.request("DELETE", "/v1/unit-files/content.service?force=yes"),
        400,
        "invalid-request",
        {
          instance: "/v1/unit-files/content.service?force=yes",
          detail: forceValue,
          errors: [{ message: forceValue, path: "querystring/force" }],
        },
      );
      const extraQuery = "querystring must NOT have additional properties";
      assertProblem(
        await api.request("DELETE", "/v1/unit-files/content.service?replace=true"),
        400,
        "invalid-request",
        {
          instance: "/v1/unit-files/content.service?replace=true",
          detail: extraQuery,
          errors: [{ message: extraQuery, path: "querystring" }],
        },
      );
      assert.equal((await api.request("GET", "/v1/unit-files/content.service")).status, 200);
    });
  });
});

test("every operation and status route-coverage.ts gives this file was answered", () =>
  assertRouteCoverage("unit-files"));
