// POST /v1/plan in process: what the dry run answers over announced machines, that it
// writes nothing, and every way a request can be wrong. Whether the engine then does what
// the plan says is test/integration/plan-engine.test.ts's job.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { RUNNABLE_UNIT_NAME_PATTERN } from "../../src/unit/name.ts";
import { type InjectApp, injectApp } from "../support/inject-app.ts";
import { assertProblem } from "../support/problem.ts";
import { assertRouteCoverage } from "../support/route-coverage.ts";

const SSD_1 = "aaaa0000000000000000000000000001";
const HDD = "bbbb0000000000000000000000000002";
const SSD_2 = "cccc0000000000000000000000000003";
/** A new version of planned@.service, as POST /v1/rollouts would take it. */
const PREVIEWED = {
  target: "planned@.service",
  text: "[Service]\nExecStart=/bin/true --v2\n[X-Fleet]\nConflicts=planned@*.service\nMachineMetadata=disk=ssd\n",
};
const NOT_A_UNIT_NAME = `body/units/0 must match pattern "${RUNNABLE_UNIT_NAME_PATTERN}"`;

describe("POST /v1/plan", () => {
  let api: InjectApp;
  before(async () => {
    api = await injectApp();
    await api.announceMachine(SSD_1, { metadata: { disk: "ssd" } });
    await api.announceMachine(HDD, { metadata: { disk: "hdd" } });
    await api.announceMachine(SSD_2, { metadata: { disk: "ssd" } });
    await api.submit(
      "planned@.service",
      "[Service]\nExecStart=/bin/true\n[X-Fleet]\nConflicts=planned@*.service\nMachineMetadata=disk=ssd\n",
    );
  });
  after(() => api.close());

  test("says where each unit would go and why every other machine would not do", async () => {
    const plan = await api.request("POST", "/v1/plan", {
      json: { units: ["planned@1.service", "planned@2.service", "planned@3.service"] },
    });
    assert.equal(plan.status, 200, plan.text);
    const hdd = { machineId: HDD, reason: "has metadata disk=hdd, not MachineMetadata=disk=ssd" };
    const conflict = (machineId: string, instance: number) => ({
      machineId,
      reason: `conflicts with planned@${instance}.service (Conflicts=planned@*.service)`,
    });
    assert.deepEqual(plan.json, {
      units: [
        {
          unit: "planned@1.service",
          alreadyPlaced: false,
          displaces: [],
          rejected: [hdd, { machineId: SSD_2, reason: "as loaded as aaaa0000, which sorts first" }],
          machineId: SSD_1,
        },
        {
          unit: "planned@2.service",
          alreadyPlaced: false,
          displaces: [],
          rejected: [conflict(SSD_1, 1), hdd],
          machineId: SSD_2,
        },
        {
          unit: "planned@3.service",
          alreadyPlaced: false,
          displaces: [],
          rejected: [conflict(SSD_1, 1), hdd, conflict(SSD_2, 2)],
          reason: `no machine can run planned@3.service: conflicts with planned@1.service (Conflicts=planned@*.service) on ${SSD_1}; has metadata disk=hdd, not MachineMetadata=disk=ssd on ${HDD}; conflicts with planned@2.service (Conflicts=planned@*.service) on ${SSD_2}`,
        },
      ],
      moved: [],
    });
    assert.equal(
      (await api.request("GET", "/v1/units/planned@1.service")).status,
      404,
      "a plan writes nothing",
    );
  });

  test("a unit already placed is planned where it is", async () => {
    await api.setDesiredState("planned@7.service", "launched");
    await api.place("planned@7.service", SSD_2);
    const plan = await api.request("POST", "/v1/plan", { json: { units: ["planned@7.service"] } });
    assert.equal(plan.status, 200, plan.text);
    assert.equal(plan.json.units[0].machineId, SSD_2);
    assert.equal(plan.json.units[0].alreadyPlaced, true);
  });

  test("units neither submitted nor instances of a submitted template: 404", async () => {
    for (const name of ["nothing.service", "nothing@1.service"]) {
      assertProblem(
        await api.request("POST", "/v1/plan", { json: { units: ["planned@1.service", name] } }),
        404,
        "unit-not-found",
        { instance: "/v1/plan", detail: `neither ${name} nor its template has been submitted` },
      );
    }
  });

  test("bad bodies are 400 problems that name what is wrong", async () => {
    const invalid = async (json: unknown, errors: { message: string; path: string }[]) =>
      assertProblem(await api.request("POST", "/v1/plan", { json }), 400, "invalid-request", {
        instance: "/v1/plan",
        detail: errors.map((error) => error.message).join(", "),
        errors,
      });
    // A template is never started, so it is not a unit name here.
    for (const name of ["planned@.service", "bad name", "@x.service"]) {
      await invalid({ units: [name] }, [{ message: NOT_A_UNIT_NAME, path: "body/units/0" }]);
    }
    await invalid({ units: [] }, [
      { message: "body/units must NOT have fewer than 1 items", path: "body/units" },
    ]);
    const many = Array.from({ length: 1001 }, (_, i) => `u${i}.service`);
    await invalid({ units: many }, [
      { message: "body/units must NOT have more than 1000 items", path: "body/units" },
    ]);
    for (const json of [{}, { units: ["planned@1.service"], rollout: PREVIEWED }])
      assertProblem(await api.request("POST", "/v1/plan", { json }), 400, "invalid-request", {
        instance: "/v1/plan",
        detail: "give either units (to start) or rollout (to preview), not both nor neither",
      });
    await invalid({ units: ["planned@1.service"], dryRun: true }, [
      { message: "body must NOT have additional properties", path: "body" },
    ]);
    assertProblem(
      await api.request("POST", "/v1/plan", {
        body: "{",
        headers: { "content-type": "application/json" },
      }),
      400,
      "invalid-request",
      {
        instance: "/v1/plan",
        detail: "Body is not valid JSON but content-type is set to 'application/json'",
      },
    );
  });

  test("a rollout previewed: its instances in order and waves, where they run; nothing written", async () => {
    await api.setDesiredState("planned@4.service", "launched");
    await api.place("planned@4.service", SSD_1);
    await api.setDesiredState("planned@5.service", "loaded");
    const before = await api.request("GET", "/v1/unit-files/planned@.service");
    const plan = await api.request("POST", "/v1/plan", { json: { rollout: PREVIEWED } });
    assert.equal(plan.status, 200, plan.text);
    assert.deepEqual(plan.json.units, []);
    const { rollout } = plan.json;
    assert.equal(rollout.target, "planned@.service");
    assert.equal(rollout.template, "planned@.service");
    assert.equal(rollout.options.maxParallel, 1, "the defaults filled in");
    // No room for a canary beside the old instances (both machines with an SSD run one,
    // which Conflicts= forbids twice): the first running instance is the canary, in place.
    assert.deepEqual(
      rollout.instances.filter((instance: { name: string }) =>
        ["planned@4.service", "planned@5.service", "planned@7.service"].includes(instance.name),
      ),
      [
        {
          name: "planned@4.service",
          machineId: SSD_1,
          change: "replace",
          order: 1,
          wave: 1,
          canary: true,
        },
        { name: "planned@5.service", change: "restart-free", order: 2, canary: false },
        {
          name: "planned@7.service",
          machineId: SSD_2,
          change: "replace",
          order: 3,
          wave: 2,
          canary: false,
        },
      ],
    );
    const after = await api.request("GET", "/v1/unit-files/planned@.service");
    assert.equal(after.json.hash, before.json.hash, "a preview writes nothing");
    assert.deepEqual((await api.request("GET", "/v1/rollouts")).json.rollouts, []);
  });

  test("a rollout previewed is checked as it would be started: 404, 400 and 409", async () => {
    assertProblem(
      await api.request("POST", "/v1/plan", {
        json: { rollout: { ...PREVIEWED, target: "nothing@.service" } },
      }),
      404,
      "unit-file-not-found",
      { instance: "/v1/plan", detail: "unit file nothing@.service has not been submitted" },
    );
    const broken = await api.request("POST", "/v1/plan", {
      json: { rollout: { ...PREVIEWED, text: "[Service]\nExecStart=/bin/true\nbroken line\n" } },
    });
    assert.equal(broken.status, 400, broken.text);
    assert.equal(broken.json.type, "urn:flotilla:problem:invalid-unit-file");
    assert.equal(broken.json.errors[0].line, 3);
    const started = await api.request("POST", "/v1/rollouts", { json: PREVIEWED });
    assert.equal(started.status, 201, started.text);
    const overlapping = await api.request("POST", "/v1/plan", { json: { rollout: PREVIEWED } });
    assert.equal(overlapping.status, 409, overlapping.text);
    assert.equal(overlapping.json.type, "urn:flotilla:problem:rollout-conflict");
    assert.match(overlapping.json.detail, new RegExp(`overlaps rollout ${started.json.id} `));
  });

  test("a body that is not JSON: 415", async () => {
    assertProblem(
      await api.request("POST", "/v1/plan", {
        body: "planned@1.service",
        headers: { "content-type": "text/plain" },
      }),
      415,
      "unsupported-media-type",
      { instance: "/v1/plan", detail: "this resource takes application/json, not text/plain" },
    );
  });
});

test("every operation and status route-coverage.ts gives this file was answered", () =>
  assertRouteCoverage("plan"));
