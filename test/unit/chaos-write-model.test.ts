import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ABSENT, templateOf, WriteModel } from "../../test/chaos/write-model.ts";

function values(
  model: WriteModel,
  unit: string,
  field: "content" | "desired",
  from: number,
  to?: number,
) {
  return [...model.acceptable(unit, field, from, to)].sort();
}

describe("the write model", () => {
  test("nothing written: absent; the last acknowledged write wins", () => {
    const model = new WriteModel();
    assert.deepEqual(values(model, "a.service", "desired", 0), [ABSENT]);
    model.ack(model.begin("a.service", "desired", ["loaded"], 10), 20);
    model.ack(model.begin("a.service", "desired", ["launched"], 30), 40);
    assert.deepEqual(values(model, "a.service", "desired", 50), ["launched"]);
    assert.deepEqual(values(model, "a.service", "desired", 25), ["loaded"]);
  });

  test("while a write is in flight, before and after are both possible", () => {
    const model = new WriteModel();
    model.ack(model.begin("a.service", "desired", ["loaded"], 0), 5);
    const id = model.begin("a.service", "desired", ["launched"], 10);
    assert.deepEqual(values(model, "a.service", "desired", 15), ["launched", "loaded"]);
    model.ack(id, 20);
    assert.deepEqual(values(model, "a.service", "desired", 15), ["launched", "loaded"]);
    assert.deepEqual(values(model, "a.service", "desired", 25), ["launched"]);
  });

  test("a refused write never happened", () => {
    const model = new WriteModel();
    model.ack(model.begin("a.service", "desired", ["loaded"], 0), 5);
    model.fail(model.begin("a.service", "desired", ["inactive"], 10));
    assert.deepEqual(values(model, "a.service", "desired", 6, 100), ["loaded"]);
  });

  test("a lost answer keeps both outcomes until an acknowledged write begins after it settled", () => {
    const model = new WriteModel();
    model.ack(model.begin("a.service", "desired", ["loaded"], 0), 5);
    model.unknown(model.begin("a.service", "desired", ["launched"], 10), 12);
    assert.deepEqual(values(model, "a.service", "desired", 20), ["launched", "loaded"]);
    model.ack(model.begin("a.service", "desired", ["inactive"], 30), 35);
    assert.deepEqual(values(model, "a.service", "desired", 40), ["inactive"]);
  });

  test("a timed-out write that may still apply stays possible after later acknowledged writes", () => {
    const model = new WriteModel();
    const lost = model.begin("a.service", "desired", ["launched"], 10);
    model.unknown(lost);
    model.ack(model.begin("a.service", "desired", ["inactive"], 30), 35);
    assert.deepEqual(values(model, "a.service", "desired", 40), ["inactive", "launched"]);
    // Its server was killed at 50: an acknowledged write begun after that overrides it for good.
    model.settle(lost, 50);
    model.ack(model.begin("a.service", "desired", ["loaded"], 60), 65);
    assert.deepEqual(values(model, "a.service", "desired", 70), ["loaded"]);
  });

  test("a window takes in every value possible at some instant of it: a lagging view", () => {
    const model = new WriteModel();
    model.ack(model.begin("a.service", "desired", ["loaded"], 0), 5);
    model.ack(model.begin("a.service", "desired", ["launched"], 100), 105);
    assert.deepEqual(values(model, "a.service", "desired", 50, 200), ["launched", "loaded"]);
    assert.deepEqual(values(model, "a.service", "desired", 150, 200), ["launched"]);
  });

  test("a family write (a rollout) writes the template and its instances, open until settled", () => {
    const model = new WriteModel();
    model.ack(model.begin("web@.service", "content", ["v1"], 0), 5);
    model.ack(model.begin("web@1.service", "content", ["v1"], 10), 15);
    const rollout = model.begin("web@.service", "content", ["v1", "v2"], 20, true);
    model.ack(rollout, 25, ["v1", "v2"], true);
    assert.deepEqual(values(model, "web@.service", "content", 30), ["v1", "v2"]);
    assert.deepEqual(values(model, "web@1.service", "content", 30), ["v1", "v2"]);
    // An instance created during the rollout, acknowledged with v2, may still be put back on v1.
    model.ack(model.begin("web@2.service", "content", ["v2"], 40), 45);
    assert.deepEqual(values(model, "web@2.service", "content", 50), ["v1", "v2"]);
    model.settle(rollout, 60);
    model.ack(model.begin("web@2.service", "content", ["v2"], 70), 75);
    assert.deepEqual(values(model, "web@2.service", "content", 80), ["v2"]);
    assert.deepEqual(values(model, "other@1.service", "content", 80), [ABSENT]);
  });

  test("a rollout to the template's own content still moves instances left on another", () => {
    const model = new WriteModel();
    model.ack(model.begin("web@.service", "content", ["v1"], 0), 5);
    model.ack(model.begin("web@1.service", "content", ["v2"], 10), 15);
    model.ack(model.begin("web@.service", "content", ["v1"], 20, true), 25, ["v1", "v1"], true);
    assert.deepEqual(values(model, "web@1.service", "content", 30), ["v1", "v2"]);
    assert.deepEqual(values(model, "web@.service", "content", 30), ["v1"]);
  });

  test("templateOf names an instance's template, and nothing for the others", () => {
    assert.equal(templateOf("boat@10.service"), "boat@.service");
    assert.equal(templateOf("boat@.service"), undefined);
    assert.equal(templateOf("solo.service"), undefined);
  });
});

describe("a listing against the write model", () => {
  function model(): WriteModel {
    const written = new WriteModel();
    written.ack(written.begin("web@.service", "content", ["h1"], 0), 1);
    written.ack(written.begin("web@1.service", "desired", ["launched"], 2), 3);
    written.ack(written.begin("web@1.service", "content", ["h1"], 2), 3);
    written.ack(written.begin("gone.service", "content", ["h2"], 4), 5);
    written.ack(written.begin("gone.service", "desired", ["inactive"], 4), 5);
    written.ack(written.begin("gone.service", "desired", [ABSENT], 6), 7);
    written.ack(written.begin("gone.service", "content", [ABSENT], 6), 7);
    return written;
  }
  const units = [{ name: "web@1.service", hash: "h1", desiredState: "launched" }];
  const templates = [{ name: "web@.service", hash: "h1" }];

  test("a listing that holds every acknowledged write contradicts nothing", () => {
    assert.deepEqual(model().contradictions(units, templates, 100, 100), []);
  });

  test("a unit missing, a state or content not written, a unit nobody created: each named", () => {
    const found = model().contradictions(
      [
        { name: "web@1.service", hash: "h9", desiredState: "loaded" },
        { name: "gone.service", hash: "h2", desiredState: "inactive" },
        { name: "stranger.service", hash: "h3", desiredState: "launched" },
      ],
      [],
      100,
      100,
    );
    assert.equal(found.length, 5, found.join("\n"));
    assert.match(found.join("\n"), /web@\.service: not listed/);
    assert.match(found.join("\n"), /web@1\.service: content h9 is none of \{h1\}/);
    assert.match(found.join("\n"), /web@1\.service: desired state loaded is none of \{launched\}/);
    assert.match(found.join("\n"), /gone\.service: listed, though it was destroyed/);
    assert.match(found.join("\n"), /stranger\.service: listed, but no write created it/);
  });

  test("a view lagging within the allowance may still show the state before the last write", () => {
    const written = model();
    written.ack(written.begin("web@1.service", "desired", ["loaded"], 100), 101);
    assert.deepEqual(written.contradictions(units, templates, 97, 102), []);
    assert.equal(written.contradictions(units, templates, 195, 200).length, 1);
  });

  test("a listing answered after a write began may already show it", () => {
    const written = model();
    written.ack(written.begin("web@1.service", "desired", ["loaded"], 100), 101);
    const loaded = [{ name: "web@1.service", hash: "h1", desiredState: "loaded" }];
    assert.deepEqual(written.contradictions(loaded, templates, 99, 100.5), []);
    assert.equal(written.contradictions(loaded, templates, 95, 99).length, 1);
  });

  test("units a rollout may add are let through when asked", () => {
    const canary = { name: "web@2.service", hash: "h1", desiredState: "launched" };
    assert.deepEqual(
      model().contradictions(
        [...units, canary],
        templates,
        100,
        100,
        (name) => name === "web@2.service",
      ),
      [],
    );
  });
});
