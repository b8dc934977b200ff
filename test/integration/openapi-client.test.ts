import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import createClient from "openapi-fetch";
import openapiTS, { astToString } from "openapi-typescript";
import type { paths } from "../../src/client/openapi.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { specUnit } from "../support/spec.ts";

describe("the OpenAPI document and the client generated from it", () => {
  let server: TestServer;
  let workDir: string;
  before(async () => {
    server = await startServer();
    workDir = await mkdtemp(join(tmpdir(), "flotilla-openapi-"));
  });
  after(async () => {
    await server.close();
    await rm(workDir, { recursive: true, force: true });
  });

  test("the committed client types are what openapi-typescript generates from the document", async () => {
    const document = JSON.parse(await readFile("openapi/openapi.json", "utf8"));
    const generated = astToString(await openapiTS(document, { alphabetize: true }));
    const committed = await readFile("src/client/openapi.ts", "utf8");
    assert.ok(committed.endsWith(generated), "src/client/openapi.ts is stale: run npm run openapi");
  });

  test("the typed client drives the live API", async () => {
    const client = createClient<paths>({ baseUrl: server.url });
    const submitted = await client.PUT("/v1/unit-files/{name}", {
      params: { path: { name: "apache@.service" } },
      body: specUnit("apache@.service"),
      bodySerializer: (body) => body,
      headers: { "content-type": "text/plain" },
    });
    assert.equal(submitted.response.status, 201);
    assert.equal(submitted.data?.kind, "template");

    const loaded = await client.PUT("/v1/units/{name}", {
      params: { path: { name: "apache@80.service" } },
      body: { desiredState: "loaded" },
    });
    assert.equal(loaded.response.status, 201);
    assert.equal(loaded.data?.desiredState, "loaded");
    assert.equal(loaded.data?.currentState, "inactive");

    const listed = await client.GET("/v1/units", { params: { query: { limit: "10" } } });
    assert.deepEqual(
      listed.data?.units.map((unit) => [unit.name, unit.desiredState]),
      [["apache@80.service", "loaded"]],
    );

    const missing = await client.GET("/v1/units/{name}", {
      params: { path: { name: "nothing.service" } },
    });
    assert.equal(missing.response.status, 404);
    assert.equal(missing.error?.type, "urn:flotilla:problem:unit-not-found");

    const fleet = await client.GET("/fleet/v1/units");
    assert.deepEqual(
      fleet.data?.units?.map((unit) => unit.name),
      ["apache@.service", "apache@80.service"],
    );
  });

  test("a second generator with its own runtime, @hey-api/openapi-ts, warns of nothing and its client drives the live API", async () => {
    const output = join(workDir, "hey-api");
    const config = join(workDir, "openapi-ts.config.mjs");
    await writeFile(
      config,
      `export default ${JSON.stringify({
        input: resolve("openapi/openapi.json"),
        output,
        plugins: ["@hey-api/client-fetch", "@hey-api/typescript", "@hey-api/sdk"],
      })};\n`,
    );
    const bin = join(
      dirname(createRequire(import.meta.url).resolve("@hey-api/openapi-ts/package.json")),
      "bin",
      "run.js",
    );
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, "-f", config]);
    // Its output is a banner and progress lines; anything else is a warning.
    const said = `${stdout}${stderr}`
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the generator colours its output
      .replace(/\u001b\[[0-9;]*m/g, "")
      .split("\n")
      .filter((line) => line.trim() !== "" && !/^@hey-api\/openapi-ts v|^\[Job 1\] /.test(line));
    assert.deepEqual(said, [], "the generator said nothing but its progress");

    const sdk = await import(pathToFileURL(join(output, "sdk.gen.ts")).href);
    const { client } = await import(pathToFileURL(join(output, "client.gen.ts")).href);
    client.setConfig({ baseUrl: server.url });
    const submitted = await sdk.submitUnitFile({
      path: { name: "hey@.service" },
      body: { content: specUnit("apache@.service") },
    });
    assert.equal(submitted.response.status, 201);
    assert.equal(submitted.data.kind, "template");
    const started = await sdk.setUnitDesiredState({
      path: { name: "hey@1.service" },
      body: { desiredState: "launched" },
    });
    assert.equal(started.response.status, 201);
    assert.equal(started.data.desiredState, "launched");
    const read = await sdk.getUnit({ path: { name: "hey@1.service" } });
    assert.equal(read.data.template, "hey@.service");
    const listed = await sdk.listUnits({ query: { limit: "100" } });
    assert.ok(listed.data.units.some((unit: { name: string }) => unit.name === "hey@1.service"));
    const destroyed = await sdk.destroyUnit({ path: { name: "hey@1.service" } });
    assert.equal(destroyed.response.status, 204);
    const gone = await sdk.getUnit({ path: { name: "hey@1.service" } });
    assert.equal(gone.response.status, 404);
    assert.equal(gone.error.type, "urn:flotilla:problem:unit-not-found");

    // A rollout, from its preview to its revert, through the generated SDK alone. This server
    // runs no engine: the rollout stays where the operator's actions leave it.
    await sdk.setUnitDesiredState({
      path: { name: "hey@2.service" },
      body: { desiredState: "loaded" },
    });
    const text = specUnit("apache@.service").replace("Apache", "Apache, version 2");
    const preview = await sdk.plan({ body: { rollout: { target: "hey@.service", text } } });
    assert.equal(preview.response.status, 200);
    assert.deepEqual(
      preview.data.rollout.instances.map((instance: { name: string; change: string }) => [
        instance.name,
        instance.change,
      ]),
      [["hey@2.service", "restart-free"]],
    );
    const rolling = await sdk.startRollout({
      body: { target: "hey@.service", text, options: { maxParallel: 2 } },
    });
    assert.equal(rolling.response.status, 201);
    assert.equal(rolling.data.toHash, preview.data.rollout.toHash);
    const again = await sdk.startRollout({ body: { target: "hey@.service", text } });
    assert.equal(again.response.status, 409);
    assert.equal(again.error.type, "urn:flotilla:problem:rollout-conflict");
    const paused = await sdk.pauseRollout({ path: { id: rolling.data.id } });
    assert.equal(paused.data.paused, true);
    const aborted = await sdk.abortRollout({
      path: { id: rolling.data.id },
      body: { reason: "changed my mind" },
    });
    assert.equal(aborted.data.phase, "aborted");
    assert.equal(aborted.data.reason, "changed my mind");
    const reverting = await sdk.revertRollout({ path: { id: rolling.data.id } });
    assert.equal(reverting.response.status, 201);
    assert.equal(reverting.data.revertOf, rolling.data.id);
    assert.equal(reverting.data.toHash, rolling.data.template.fromHash);
    const listed2 = await sdk.listRollouts({ query: { target: "hey@.service" } });
    assert.deepEqual(
      listed2.data.rollouts.map((rollout: { id: string }) => rollout.id),
      [reverting.data.id, rolling.data.id],
    );
    const unknown = await sdk.getRollout({ path: { id: "00000000" } });
    assert.equal(unknown.response.status, 404);
    assert.equal(unknown.error.type, "urn:flotilla:problem:rollout-not-found");

    // A timer: refused while its service is missing, then started with it, which loads it.
    const timer = await sdk.submitUnitFile({
      path: { name: "nightly.timer" },
      body: { content: "[Timer]\nOnCalendar=*-*-* 02:00 UTC\nPersistent=true\n" },
    });
    assert.equal(timer.response.status, 201);
    const orphan = await sdk.setUnitDesiredState({
      path: { name: "nightly.timer" },
      body: { desiredState: "launched" },
    });
    assert.equal(orphan.response.status, 409);
    assert.equal(orphan.error.type, "urn:flotilla:problem:timer-unit-not-found");
    await sdk.submitUnitFile({
      path: { name: "nightly.service" },
      body: { content: "[Service]\nType=oneshot\nExecStart=/bin/true\n" },
    });
    const timed = await sdk.setUnitDesiredState({
      path: { name: "nightly.timer" },
      body: { desiredState: "launched" },
    });
    assert.equal(timed.response.status, 200);
    const service = await sdk.getUnit({ path: { name: "nightly.service" } });
    assert.equal(service.data.desiredState, "loaded");
    const refused = await sdk.submitUnitFile({
      path: { name: "broken.timer" },
      body: { content: "[Timer]\nOnCalendar=*:*:99\n" },
    });
    assert.equal(refused.response.status, 400);
    assert.match(JSON.stringify(refused.error), /OnCalendar=\*:\*:99/);
  });
});
