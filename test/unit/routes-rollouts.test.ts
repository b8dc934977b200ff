// /v1/rollouts in process: starting a rollout (the template's content replaced in the same
// write; its instances are the engine's to replace, and no engine runs here unless a test
// takes a step as the engine would), reading and listing rollouts, the operator's actions and
// reverts, and every way a request is refused, each refusal writing nothing. How the engine
// carries a rollout on is rollout-step.test.ts's job.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { RolloutDriver } from "../../src/engine/rollouts.ts";
import { ROLLOUT_DEFAULTS } from "../../src/rollout/model.ts";
import type { RolloutRecord } from "../../src/schema/rollouts.ts";
import { type Answer, type InjectApp, injectApp } from "../support/inject-app.ts";
import { assertProblem, type ExpectedProblem } from "../support/problem.ts";
import { assertRouteCoverage } from "../support/route-coverage.ts";

const V1 = "[Service]\nExecStart=/usr/bin/web --version 1\n";
const V2 = "[Service]\nExecStart=/usr/bin/web --version 2\n";
const V3 = "[Service]\nExecStart=/usr/bin/web --version 3\n";
/** lone@.service's first content, and spare.service's: no other unit's. */
const LONE = "[Service]\nExecStart=/usr/bin/lone\n";
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const ACTIONS = ["pause", "resume", "promote", "abort"] as const;
const ID_PATTERN = 'params/id must match pattern "^[0-9a-f]{8}$"';
const MALFORMED_IDS = ["web", "ABCDEF01", "012345678", "0123456g"];

/** An instance a rollout has not started on: the engine has not acted. */
const pending = (name: string, fromHash: string, since: string, canary = false) => ({
  name,
  fromHash,
  step: "pending",
  since,
  ...(canary ? { canary } : {}),
});

/** An instance on the rollout's content from the start: nothing to replace. */
const done = (name: string, fromHash: string, since: string) => ({
  name,
  fromHash,
  step: "done",
  since,
  detail: "already on this content",
});

describe("/v1/rollouts", () => {
  let api: InjectApp;
  /** V1's and V2's hashes, as the unit-files route reports them (a hash is the content's). */
  let v1: string;
  let v2: string;
  before(async () => {
    api = await injectApp();
    // A machine with room for a canary beside the old instances.
    await api.announceMachine("f00d0000000000000000000000000001");
    await api.submit("web@.service", V1);
    // Launched: the engine would drain and replace each (none runs here).
    for (const instance of [10, 2, 1])
      await api.setDesiredState(`web@${instance}.service`, "launched");
    await api.submit("worker@.service", V1);
    await api.submit("api.service", V1, "launched");
    await api.submit("cache-a.service", V1);
    await api.submit("cache-b.service", V2);
    // A template without instances, and a unit that has its content too, for a while.
    await api.submit("lone@.service", LONE);
    await api.submit("spare.service", LONE);
    v1 = await fileHash("web@.service");
    v2 = await fileHash("cache-b.service");
  });
  after(() => api.close());

  const start = (json: unknown) => api.request("POST", "/v1/rollouts", { json });
  const act = (id: string, action: string, json?: unknown) =>
    api.request("POST", `/v1/rollouts/${id}/${action}`, json === undefined ? {} : { json });
  const abort = (id: string, reason?: string) =>
    act(id, "abort", reason === undefined ? {} : { reason });
  const fileHash = async (name: string): Promise<string> => {
    const file = await api.request("GET", `/v1/unit-files/${name}`);
    assert.equal(file.status, 200, file.text);
    return file.json.hash;
  };
  const unitHash = async (name: string): Promise<string> => {
    const unit = await api.request("GET", `/v1/units/${name}`);
    assert.equal(unit.status, 200, unit.text);
    return unit.json.hash;
  };
  const listed = async (query = ""): Promise<string[]> => {
    const list = await api.request("GET", `/v1/rollouts${query}`);
    assert.equal(list.status, 200, list.text);
    return list.json.rollouts.map((rollout: RolloutRecord) => rollout.id);
  };
  const shown = async (id: string): Promise<RolloutRecord> => {
    const one = await api.request("GET", `/v1/rollouts/${id}`);
    assert.equal(one.status, 200, one.text);
    return one.json;
  };
  /** The answer, once it is known that giving it wrote nothing at all to etcd. */
  const writingNothing = async (request: () => Promise<Answer>): Promise<Answer> => {
    const revision = await api.registry.ping();
    const answer = await request();
    assert.equal(await api.registry.ping(), revision, `nothing was written: ${answer.text}`);
    return answer;
  };
  /** The rollout as the action left it: `fields` changed, and its updatedAt moved on. */
  const assertActed = (answer: Answer, previous: RolloutRecord, fields: object): void => {
    assert.equal(answer.status, 200, answer.text);
    assert.ok(answer.json.updatedAt >= previous.updatedAt, "updatedAt moves on");
    assert.deepEqual(answer.json, { ...previous, ...fields, updatedAt: answer.json.updatedAt });
  };

  // Started below, acted on by the tests after.
  let web: RolloutRecord;
  let caches: RolloutRecord;
  let single: RolloutRecord;
  let lone: RolloutRecord;

  describe("POST /v1/rollouts", () => {
    test("a template: 201 with the rollout, and the template's new content in the same write", async () => {
      const created = await start({ target: "web@.service", text: V2 });
      assert.equal(created.status, 201, created.text);
      web = created.json;
      const { id, createdAt } = created.json;
      assert.match(id, /^[0-9a-f]{8}$/);
      assert.equal(created.headers.location, `/v1/rollouts/${id}`);
      assert.match(createdAt, ISO_TIME);
      // A canary to start beside the old instances, named after the highest, then the old
      // ones in natural order (web@10 last).
      assert.deepEqual(created.json, {
        id,
        target: "web@.service",
        toHash: v2,
        template: { name: "web@.service", fromHash: v1 },
        options: ROLLOUT_DEFAULTS,
        phase: "canary",
        paused: false,
        instances: [
          { name: "web@11.service", step: "pending", since: createdAt, canary: true, added: true },
          pending("web@1.service", v1, createdAt),
          pending("web@2.service", v1, createdAt),
          pending("web@10.service", v1, createdAt),
        ],
        createdAt,
        updatedAt: createdAt,
        progressAt: createdAt,
      });
      const template = await api.request("GET", "/v1/unit-files/web@.service");
      assert.equal(template.json.hash, v2);
      assert.equal(template.json.text, V2);
      // The instances keep their content, undrained, until the engine takes them on.
      for (const name of ["web@1.service", "web@2.service", "web@10.service"]) {
        assert.equal(await unitHash(name), v1, name);
        assert.equal(api.view.units.get(name)?.draining, undefined, name);
      }
      assert.deepEqual(await shown(id), created.json);
    });

    test("a glob of units, with options: the others keep their defaults; a unit on the new content already is done", async () => {
      const options = { maxParallel: 2, canaries: 0, autoPromote: false };
      const created = await start({ target: "cache-*.service", text: V2, options });
      assert.equal(created.status, 201, created.text);
      caches = created.json;
      const { id, createdAt } = created.json;
      assert.equal(created.headers.location, `/v1/rollouts/${id}`);
      // No template: nothing's content changes before the engine's.
      assert.deepEqual(created.json, {
        id,
        target: "cache-*.service",
        toHash: v2,
        options: { ...ROLLOUT_DEFAULTS, ...options },
        phase: "rolling",
        paused: false,
        instances: [
          pending("cache-a.service", v1, createdAt),
          done("cache-b.service", v2, createdAt),
        ],
        createdAt,
        updatedAt: createdAt,
        progressAt: createdAt,
      });
      assert.equal(await unitHash("cache-a.service"), v1);
    });

    test("a unit by its name: that unit alone, its content unchanged until the engine acts", async () => {
      const created = await start({ target: "api.service", text: V3 });
      assert.equal(created.status, 201, created.text);
      const { createdAt } = created.json;
      assert.equal(created.json.target, "api.service");
      assert.equal(created.json.template, undefined);
      assert.equal(created.json.phase, "canary");
      assert.notEqual(created.json.toHash, v2);
      assert.deepEqual(created.json.instances, [pending("api.service", v1, createdAt, true)]);
      assert.equal(await unitHash("api.service"), v1);
      single = created.json;
    });

    test("a template without instances: its content is replaced, and the rollout has succeeded already", async () => {
      const created = await start({ target: "lone@.service", text: V2 });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.json.phase, "succeeded");
      assert.deepEqual(created.json.instances, []);
      assert.deepEqual(created.json.template, {
        name: "lone@.service",
        fromHash: await fileHash("spare.service"),
      });
      assert.equal(await fileHash("lone@.service"), v2);
      lone = created.json;
    });

    test("a target that names nothing submitted: 404, and nothing is written", async () => {
      const cases = [
        ["nope@.service", "unit-file-not-found", "unit file nope@.service has not been submitted"],
        ["nope.service", "unit-not-found", "unit nope.service has not been submitted"],
        ["worker@9.service", "unit-not-found", "unit worker@9.service has not been submitted"],
        ["nope-*.service", "unit-not-found", "no submitted unit matches nope-*.service"],
      ] as const;
      for (const [target, kind, detail] of cases) {
        const answer = await writingNothing(() => start({ target, text: V2 }));
        assertProblem(answer, 404, kind, { instance: "/v1/rollouts", detail });
        assert.deepEqual(await listed(`?target=${target}`), [], target);
      }
    });

    test("bad requests: 400 problems that say what is wrong, and nothing is written", async () => {
      const refused = async (
        json: unknown,
        kind: "invalid-request" | "invalid-unit-file",
        expected: Omit<ExpectedProblem, "instance">,
      ) =>
        assertProblem(await writingNothing(() => start(json)), 400, kind, {
          instance: "/v1/rollouts",
          ...expected,
        });
      const schema = (json: unknown, errors: { message: string; path: string }[]) =>
        refused(json, "invalid-request", {
          detail: errors.map((error) => error.message).join(", "),
          errors,
        });
      const target = "worker@.service";
      await refused({ target, text: "[Service\nExecStart=/bin/true\n" }, "invalid-unit-file", {
        detail: "the new content for worker@.service is not a valid unit file",
        errors: [{ message: 'section header "[Service" is missing its closing "]"', line: 1 }],
      });
      await schema({ target, text: V2, options: { maxParallel: 0 } }, [
        { message: "body/options/maxParallel must be >= 1", path: "body/options/maxParallel" },
      ]);
      await schema({ target, text: V2, options: { maxParallel: 41 } }, [
        { message: "body/options/maxParallel must be <= 40", path: "body/options/maxParallel" },
      ]);
      await schema({ target, text: V2, options: { surge: 2 } }, [
        { message: "body/options must NOT have additional properties", path: "body/options" },
      ]);
      for (const [minHealthySeconds, healthyDeadlineSeconds] of [
        [30, 30],
        [undefined, 5],
      ]) {
        await refused(
          { target, text: V2, options: { minHealthySeconds, healthyDeadlineSeconds } },
          "invalid-request",
          {
            detail: `healthyDeadlineSeconds (${healthyDeadlineSeconds}) must exceed minHealthySeconds (${minHealthySeconds ?? ROLLOUT_DEFAULTS.minHealthySeconds}): no instance could stay healthy long enough in time`,
          },
        );
      }
      await refused(
        { target, text: V2, options: { healthyDeadlineSeconds: 900 } },
        "invalid-request",
        {
          detail: `progressDeadlineSeconds (${ROLLOUT_DEFAULTS.progressDeadlineSeconds}) must exceed healthyDeadlineSeconds and drainSeconds together (${900 + ROLLOUT_DEFAULTS.drainSeconds}): the rollout would give up on an instance before the instance's own deadline`,
        },
      );
      for (const bad of ["worker@[.service", "cache-[a-.service"]) {
        await refused({ target: bad, text: V2 }, "invalid-request", {
          detail: `target ${bad} is neither a unit name, a template's name nor a glob of unit names`,
        });
      }
      await refused({ target }, "invalid-request", {
        detail:
          "give either text (the new unit file) or version (one of the target's history), not both nor neither",
      });
      await schema({ target: "", text: V2 }, [
        { message: "body/target must NOT have fewer than 1 characters", path: "body/target" },
      ]);
      await schema({ target, text: V2, dryRun: true }, [
        { message: "body must NOT have additional properties", path: "body" },
      ]);
      assertProblem(
        await writingNothing(() =>
          api.request("POST", "/v1/rollouts", {
            body: "{",
            headers: { "content-type": "application/json" },
          }),
        ),
        400,
        "invalid-request",
        {
          instance: "/v1/rollouts",
          detail: "Body is not valid JSON but content-type is set to 'application/json'",
        },
      );
      assert.equal(await fileHash(target), v1);
      assert.deepEqual(await listed(`?target=${target}`), []);
    });

    test("a body that is not JSON: 415", async () => {
      const answer = await writingNothing(() =>
        api.request("POST", "/v1/rollouts", {
          body: V2,
          headers: { "content-type": "text/plain" },
        }),
      );
      assertProblem(answer, 415, "unsupported-media-type", {
        instance: "/v1/rollouts",
        detail: "this resource takes application/json, not text/plain",
      });
    });

    test("units rolling out already: 409 naming the rollout in the way, and nothing is written", async () => {
      const before = await listed();
      for (const target of ["web@.service", "web@*.service", "web@2.service"]) {
        assertProblem(
          await writingNothing(() => start({ target, text: V3 })),
          409,
          "rollout-conflict",
          {
            instance: "/v1/rollouts",
            detail: `${target} overlaps rollout ${web.id} of web@.service, still canary with 0 of 3 replaced; wait for it, or abort it`,
          },
        );
      }
      // The same content as the running rollout's is no exception.
      assertProblem(
        await writingNothing(() => start({ target: "cache-a.service", text: V2 })),
        409,
        "rollout-conflict",
        {
          instance: "/v1/rollouts",
          detail: `cache-a.service overlaps rollout ${caches.id} of cache-*.service, still rolling with 1 of 2 replaced; wait for it, or abort it`,
        },
      );
      assert.equal(await fileHash("web@.service"), v2, "the template keeps the first's content");
      assert.deepEqual(await listed(), before);
    });

    test("a start that keeps losing to concurrent writers: 409, and nothing is written", async () => {
      api.loseEveryRace(true);
      try {
        assertProblem(
          await writingNothing(() => start({ target: "worker@.service", text: V2 })),
          409,
          "write-conflict",
          {
            instance: "/v1/rollouts",
            detail: "rollouts of worker@.service changed concurrently; retry",
          },
        );
      } finally {
        api.loseEveryRace(false);
      }
      assert.equal(await fileHash("worker@.service"), v1);
      assert.deepEqual(await listed("?target=worker@.service"), []);
    });
  });

  describe("GET /v1/rollouts and /v1/rollouts/{id}", () => {
    test("every rollout newest first, as it is; ?target= only those of that target", async () => {
      const list = await api.request("GET", "/v1/rollouts");
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(list.json, { rollouts: [lone, single, caches, web] });
      assert.deepEqual(await listed("?target=web@.service"), [web.id]);
      assert.deepEqual(await listed("?target=cache-*.service"), [caches.id]);
      // A target is matched as written: a unit of a glob's is not the glob.
      assert.deepEqual(await listed("?target=cache-a.service"), []);
    });

    test("one rollout by its id; an unknown id: 404", async () => {
      assert.deepEqual(await shown(caches.id), caches);
      assertProblem(await api.request("GET", "/v1/rollouts/ffffffff"), 404, "rollout-not-found", {
        instance: "/v1/rollouts/ffffffff",
        detail: "no rollout has the id ffffffff",
      });
    });

    test("a malformed id or query: 400", async () => {
      for (const id of MALFORMED_IDS) {
        assertProblem(await api.request("GET", `/v1/rollouts/${id}`), 400, "invalid-request", {
          instance: `/v1/rollouts/${id}`,
          detail: ID_PATTERN,
          errors: [{ message: ID_PATTERN, path: "params/id" }],
        });
      }
      const cases = [
        ["?phase=canary", "querystring must NOT have additional properties", "querystring"],
        [
          `?target=${"x".repeat(257)}`,
          "querystring/target must NOT have more than 256 characters",
          "querystring/target",
        ],
      ] as const;
      for (const [query, message, path] of cases) {
        assertProblem(await api.request("GET", `/v1/rollouts${query}`), 400, "invalid-request", {
          instance: `/v1/rollouts${query}`,
          detail: message,
          errors: [{ message, path }],
        });
      }
    });
  });

  describe("POST /v1/rollouts/{id}/pause, resume, promote and abort", () => {
    test("pause, then resume: 200 with the rollout changed; either again: 409, and nothing is written", async () => {
      const paused = await act(web.id, "pause");
      assertActed(paused, web, { paused: true });
      assert.deepEqual(await shown(web.id), paused.json);
      assertProblem(await writingNothing(() => act(web.id, "pause")), 409, "rollout-conflict", {
        instance: `/v1/rollouts/${web.id}/pause`,
        detail: `rollout ${web.id} is already paused`,
      });
      const resumed = await act(web.id, "resume");
      // The progress deadline counts from the resume: the time paused is nobody's failure.
      assertActed(resumed, paused.json, {
        paused: false,
        progressAt: resumed.json.updatedAt,
      });
      assertProblem(await writingNothing(() => act(web.id, "resume")), 409, "rollout-conflict", {
        instance: `/v1/rollouts/${web.id}/resume`,
        detail: `rollout ${web.id} is canary and not paused`,
      });
      web = resumed.json;
    });

    test("promote ends the canary phase: 200; a rolling rollout cannot be promoted: 409", async () => {
      const promoted = await act(web.id, "promote");
      assertActed(promoted, web, { phase: "rolling", progressAt: promoted.json.updatedAt });
      for (const id of [web.id, caches.id]) {
        assertProblem(await writingNothing(() => act(id, "promote")), 409, "rollout-conflict", {
          instance: `/v1/rollouts/${id}/promote`,
          detail: `rollout ${id} is rolling: only a rollout in its canary phase or awaiting promotion can be promoted`,
        });
      }
      web = promoted.json;
    });

    test("abort with a reason: 200, the template keeping its new content; then no action applies: 409", async () => {
      const aborted = await abort(web.id, "the new image logs errors");
      // The canary it would have started beside the others never will.
      const instances = web.instances.map((instance) =>
        instance.added
          ? { ...instance, step: "removed", since: aborted.json.updatedAt, detail: "never started" }
          : instance,
      );
      assertActed(aborted, web, {
        phase: "aborted",
        reason: "the new image logs errors",
        instances,
      });
      assert.equal(await fileHash("web@.service"), v2, "an abort puts nothing back");
      for (const action of ACTIONS) {
        const done = { pause: "paused", resume: "resumed", promote: "promoted", abort: "aborted" };
        assertProblem(
          await writingNothing(() => (action === "abort" ? abort(web.id) : act(web.id, action))),
          409,
          "rollout-conflict",
          {
            instance: `/v1/rollouts/${web.id}/${action}`,
            detail: `rollout ${web.id} is aborted: it can no longer be ${done[action]}`,
          },
        );
      }
      assert.deepEqual(await shown(web.id), aborted.json);
      web = aborted.json;
    });

    test("abort's body is JSON, {} at least: another is a 400, another type or none a 415", async () => {
      const url = `/v1/rollouts/${single.id}/abort`;
      const invalid = [
        [{ reason: 3 }, "body/reason must be string", "body/reason"],
        [
          { reason: "x".repeat(1025) },
          "body/reason must NOT have more than 1024 characters",
          "body/reason",
        ],
        [{ why: "x" }, "body must NOT have additional properties", "body"],
      ] as const;
      for (const [json, message, path] of invalid) {
        assertProblem(
          await writingNothing(() => api.request("POST", url, { json })),
          400,
          "invalid-request",
          { instance: url, detail: message, errors: [{ message, path }] },
        );
      }
      const types = [
        [{}, "a body without a content type"],
        [{ body: "stop", headers: { "content-type": "text/plain" } }, "text/plain"],
      ] as const;
      for (const [options, given] of types) {
        assertProblem(
          await writingNothing(() => api.request("POST", url, options)),
          415,
          "unsupported-media-type",
          { instance: url, detail: `this resource takes application/json, not ${given}` },
        );
      }
      assert.deepEqual(await shown(single.id), single);
    });

    test("an action that keeps losing to concurrent writers: 409, and nothing is written", async () => {
      api.loseEveryRace(true);
      try {
        assertProblem(await writingNothing(() => act(single.id, "pause")), 409, "write-conflict", {
          instance: `/v1/rollouts/${single.id}/pause`,
          detail: `rollout ${single.id} changed concurrently; retry`,
        });
      } finally {
        api.loseEveryRace(false);
      }
      assert.deepEqual(await shown(single.id), single);
    });

    test("an unknown id: 404; a malformed one: 400; for every action", async () => {
      for (const action of ACTIONS) {
        const send = (id: string) => (action === "abort" ? abort(id) : act(id, action));
        assertProblem(await writingNothing(() => send("ffffffff")), 404, "rollout-not-found", {
          instance: `/v1/rollouts/ffffffff/${action}`,
          detail: "no rollout has the id ffffffff",
        });
        for (const id of MALFORMED_IDS) {
          assertProblem(await writingNothing(() => send(id)), 400, "invalid-request", {
            instance: `/v1/rollouts/${id}/${action}`,
            detail: ID_PATTERN,
            errors: [{ message: ID_PATTERN, path: "params/id" }],
          });
        }
      }
    });
  });

  describe("POST /v1/rollouts/{id}/revert", () => {
    const revert = (id: string) => api.request("POST", `/v1/rollouts/${id}/revert`);

    test("a rollout still running: 409, and nothing is written", async () => {
      assertProblem(await writingNothing(() => revert(single.id)), 409, "rollout-conflict", {
        instance: `/v1/rollouts/${single.id}/revert`,
        detail: `rollout ${single.id} is canary: abort it first (its auto-revert, when on, reverts a failure by itself)`,
      });
    });

    let reverting: RolloutRecord;

    test("an aborted one: 201 with a new rollout putting the template's previous content back", async () => {
      // Created since the rollout began: on the template's new content.
      await api.setDesiredState("web@3.service", "launched");
      assert.equal(await unitHash("web@3.service"), v2);
      const reverted = await revert(web.id);
      assert.equal(reverted.status, 201, reverted.text);
      reverting = reverted.json;
      const { id, createdAt } = reverted.json;
      assert.notEqual(id, web.id);
      assert.equal(reverted.headers.location, `/v1/rollouts/${id}`);
      // The instances the aborted one never replaced are on that content already.
      assert.deepEqual(reverted.json, {
        id,
        target: "web@.service",
        toHash: v1,
        template: { name: "web@.service", fromHash: v2 },
        options: web.options,
        phase: "canary",
        paused: false,
        instances: [
          { name: "web@11.service", step: "pending", since: createdAt, canary: true, added: true },
          done("web@1.service", v1, createdAt),
          done("web@2.service", v1, createdAt),
          pending("web@3.service", v2, createdAt),
          done("web@10.service", v1, createdAt),
        ],
        createdAt,
        updatedAt: createdAt,
        progressAt: createdAt,
        revertOf: web.id,
      });
      assert.equal(await fileHash("web@.service"), v1);
      assert.equal(await unitHash("web@3.service"), v2, "the engine's to replace");
      assert.deepEqual(await shown(web.id), web, "the reverted one is left as it was");
      assert.deepEqual((await listed()).slice(0, 1), [id]);
    });

    test("again while its revert runs: 409 naming the revert; once that ended, it may be reverted again", async () => {
      assertProblem(await writingNothing(() => revert(web.id)), 409, "rollout-conflict", {
        instance: `/v1/rollouts/${web.id}/revert`,
        detail: `web@.service overlaps rollout ${reverting.id} of web@.service, still canary with 3 of 4 replaced; wait for it, or abort it`,
      });
      // An operator's revert leaves the reverted rollout aborted, not reverted: nothing marks
      // it, so once its revert is over it can be reverted once more.
      assert.equal((await abort(reverting.id, "web@3 is fine as it is")).status, 200);
      const again = await revert(web.id);
      assert.equal(again.status, 201, again.text);
      assert.equal(again.json.revertOf, web.id);
      assert.equal(again.json.toHash, v1);
      assert.deepEqual(again.json.template, { name: "web@.service", fromHash: v1 });
    });

    test("a rollout its auto-revert put back already: 409", async () => {
      // Left as the engine leaves a failed rollout it has put back.
      const current = api.view.rollouts.get(single.id);
      assert.ok(current);
      const reverted = {
        ...current.value,
        phase: "reverted" as const,
        reason: "web@1 not healthy",
      };
      assert.ok((await api.registry.advanceRollout(current, reverted, [])).ok);
      await api.settle();
      assertProblem(await writingNothing(() => revert(single.id)), 409, "rollout-conflict", {
        instance: `/v1/rollouts/${single.id}/revert`,
        detail: `rollout ${single.id} was reverted already`,
      });
    });

    test("a glob's units that had different contents before: 409, each is rolled back on its own", async () => {
      assert.equal((await abort(caches.id)).status, 200);
      assertProblem(await writingNothing(() => revert(caches.id)), 409, "rollout-conflict", {
        instance: `/v1/rollouts/${caches.id}/revert`,
        detail: `the units of rollout ${caches.id} had 2 different contents before it: roll each back by a rollout of its own`,
      });
    });

    test("the content a template had is kept for its revert, though no unit has it any more", async () => {
      // spare.service held the content lone@.service had; deleting it leaves the rollout's
      // reference alone to keep it.
      assert.equal((await api.request("DELETE", "/v1/unit-files/spare.service")).status, 204);
      const reverted = await revert(lone.id);
      assert.equal(reverted.status, 201, reverted.text);
      assert.equal(reverted.json.toHash, lone.template?.fromHash);
      assert.equal(reverted.json.phase, "succeeded");
      const template = await api.request("GET", "/v1/unit-files/lone@.service");
      assert.equal(template.json.hash, lone.template?.fromHash);
      assert.equal(template.json.text, LONE);
    });

    test("an unknown id: 404; a malformed one: 400", async () => {
      assertProblem(await writingNothing(() => revert("ffffffff")), 404, "rollout-not-found", {
        instance: "/v1/rollouts/ffffffff/revert",
        detail: "no rollout has the id ffffffff",
      });
      for (const id of MALFORMED_IDS) {
        assertProblem(await writingNothing(() => revert(id)), 400, "invalid-request", {
          instance: `/v1/rollouts/${id}/revert`,
          detail: ID_PATTERN,
          errors: [{ message: ID_PATTERN, path: "params/id" }],
        });
      }
    });
  });
});

describe("abort of a rollout the engine has begun", () => {
  let api: InjectApp;
  before(async () => {
    api = await injectApp();
    await api.submit("worker@.service", V1);
    await api.setDesiredState("worker@1.service", "launched");
    await api.setDesiredState("worker@2.service", "inactive");
  });
  after(() => api.close());

  test("the drains it began end; an instance it replaced keeps its new content", async () => {
    const v1 = api.view.units.get("worker@1.service")?.hash as string;
    const created = await api.request("POST", "/v1/rollouts", {
      json: { target: "worker@.service", text: V2, options: { canaries: 0, maxParallel: 2 } },
    });
    assert.equal(created.status, 201, created.text);
    const { id } = created.json;
    // One pass of the engine's leader, over this app's only rollout: the launched instance
    // is drained, the inactive one (nothing runs) given the new content at once.
    await new RolloutDriver(api.view, api.registry, { info() {}, warn() {} }).drive(Date.now());
    await api.settle();
    const stepped = (await api.request("GET", `/v1/rollouts/${id}`)).json as RolloutRecord;
    assert.deepEqual(
      stepped.instances.map((instance) => [instance.name, instance.step]),
      [
        ["worker@1.service", "draining"],
        ["worker@2.service", "done"],
      ],
    );
    assert.equal(api.view.units.get("worker@1.service")?.draining, true);
    const v2 = api.view.units.get("worker@2.service")?.hash;
    assert.equal(v2, created.json.toHash);
    // {} is the least body an abort takes; its reason is then "aborted".
    const aborted = await api.request("POST", `/v1/rollouts/${id}/abort`, { json: {} });
    assert.equal(aborted.status, 200, aborted.text);
    assert.deepEqual(aborted.json, {
      ...stepped,
      phase: "aborted",
      reason: "aborted",
      instances: [pending("worker@1.service", v1, aborted.json.updatedAt), stepped.instances[1]],
      updatedAt: aborted.json.updatedAt,
    });
    const worker1 = api.view.units.get("worker@1.service");
    assert.equal(worker1?.draining, undefined, "the drain is withdrawn");
    assert.equal(worker1?.hash, v1);
    assert.equal(api.view.units.get("worker@2.service")?.hash, v2);
  });

  test("a drain no rollout holds (its record lost) is ended by the engine's leader", async () => {
    const expected = api.view.versionedUnit("worker@1.service");
    assert.ok(expected);
    const stray = await api.registry.updateUnit({ ...expected.value, draining: true }, expected);
    assert.ok(stray.ok);
    await api.settle();
    await new RolloutDriver(api.view, api.registry, { info() {}, warn() {} }).drive(Date.now());
    await api.settle();
    assert.equal(api.view.units.get("worker@1.service")?.draining, undefined);
  });
});

describe("POST /v1/rollouts by version", () => {
  let api: InjectApp;
  /** site@.service's versions: V1, then V2 (submitted, then replaced). */
  let site: { v1: string; v2: string };
  before(async () => {
    api = await injectApp();
    await api.submit("site@.service", V1);
    await api.setDesiredState("site@1.service", "launched");
    await api.submit("site@.service", V2);
    await api.submit("solo.service", V1, "launched");
    await api.submit("solo.service", V3);
    site = {
      v1: api.view.units.get("site@1.service")?.hash as string,
      v2: api.view.units.get("site@.service")?.hash as string,
    };
  });
  after(() => api.close());

  const start = (json: unknown) => api.request("POST", "/v1/rollouts", { json });
  const history = async (name: string) => {
    const answer = await api.request("GET", `/v1/unit-files/${name}/history`);
    assert.equal(answer.status, 200, answer.text);
    return answer.json as { version: number; history: { hash: string; cause?: string }[] };
  };
  const writingNothing = async (request: () => Promise<Answer>): Promise<Answer> => {
    const revision = await api.registry.ping();
    const answer = await request();
    assert.equal(await api.registry.ping(), revision, `nothing was written: ${answer.text}`);
    return answer;
  };

  test("a template's version: its content rolled out again, a new version naming the rollout", async () => {
    const created = await start({ target: "site@.service", version: 1, options: { canaries: 0 } });
    assert.equal(created.status, 201, created.text);
    const { id, createdAt } = created.json;
    assert.equal(created.json.toHash, site.v1);
    assert.deepEqual(created.json.template, { name: "site@.service", fromHash: site.v2 });
    assert.deepEqual(created.json.instances, [done("site@1.service", site.v1, createdAt)]);
    const rolled = await history("site@.service");
    assert.equal(rolled.version, 3);
    assert.equal(rolled.history[0]?.hash, site.v1);
    assert.equal(rolled.history[0]?.cause, `rollout ${id} of version 1`);
    // The revert of that one puts version 2's content back, as version 4.
    const reverted = await api.request("POST", `/v1/rollouts/${id}/revert`);
    assert.equal(reverted.status, 201, reverted.text);
    const reverts = await history("site@.service");
    assert.equal(reverts.version, 4);
    assert.deepEqual(
      reverts.history.map((entry) => [entry.hash, entry.cause]),
      [
        [site.v2, `revert of rollout ${id}`],
        [site.v1, `rollout ${id} of version 1`],
        [site.v2, "replaced"],
        [site.v1, "submitted"],
      ],
    );
  });

  test("a unit's own version, and its preview by POST /v1/plan", async () => {
    const v1 = (await history("solo.service")).history[1]?.hash;
    const plan = await api.request("POST", "/v1/plan", {
      json: { rollout: { target: "solo.service", version: 1 } },
    });
    assert.equal(plan.status, 200, plan.text);
    assert.equal(plan.json.rollout.toHash, v1);
    const created = await start({ target: "solo.service", version: 1 });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.toHash, v1);
    assert.deepEqual(
      created.json.instances.map((instance: { name: string }) => instance.name),
      ["solo.service"],
    );
  });

  test("text and version, or neither, or a glob's version: 400, and nothing is written", async () => {
    const either =
      "give either text (the new unit file) or version (one of the target's history), not both nor neither";
    for (const [json, detail] of [
      [{ target: "solo.service", text: V1, version: 1 }, either],
      [{ target: "solo.service" }, either],
      [
        { target: "site@*.service", version: 1 },
        "a glob has no history of its own: roll site@*.service out with text, or each of its units by version",
      ],
    ] as const) {
      assertProblem(await writingNothing(() => start(json)), 400, "invalid-request", {
        instance: "/v1/rollouts",
        detail,
      });
    }
    const minimum = "body/version must be >= 1";
    assertProblem(
      await writingNothing(() => start({ target: "solo.service", version: 0 })),
      400,
      "invalid-request",
      {
        instance: "/v1/rollouts",
        detail: minimum,
        errors: [{ message: minimum, path: "body/version" }],
      },
    );
  });

  test("a version not kept: 404 naming those kept; a target not submitted: its 404", async () => {
    assertProblem(
      await writingNothing(() => start({ target: "site@.service", version: 9 })),
      404,
      "version-not-found",
      {
        instance: "/v1/rollouts",
        detail:
          "site@.service has no version 9; it keeps versions 1, 2, 3 and 4 (see GET /v1/unit-files/site@.service/history)",
      },
    );
    assertProblem(
      await writingNothing(() => start({ target: "nope@.service", version: 1 })),
      404,
      "unit-file-not-found",
      { instance: "/v1/rollouts", detail: "unit file nope@.service has not been submitted" },
    );
  });

  test("a version whose content is no longer stored: 409, and nothing is written", async () => {
    await api.submit("lost.service", V1);
    const expected = api.view.versionedUnit("lost.service");
    assert.ok(expected);
    // As a server that predates histories leaves it: the content of version 1 dropped.
    const lost = "0".repeat(40);
    const history = [
      { version: 1, hash: lost, at: expected.value.createdAt },
      { version: 2, hash: expected.value.hash, at: expected.value.createdAt },
    ];
    assert.ok((await api.registry.updateUnit({ ...expected.value, history }, expected)).ok);
    await api.settle();
    assertProblem(
      await writingNothing(() => start({ target: "lost.service", version: 1 })),
      409,
      "version-content-gone",
      {
        instance: "/v1/rollouts",
        detail: "the content of version 1 of lost.service (0000000) is no longer stored",
      },
    );
  });
});

test("every operation and status route-coverage.ts gives this file was answered", () =>
  assertRouteCoverage("rollouts"));
