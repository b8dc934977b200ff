import assert from "node:assert/strict";
import { type ProblemKind, problemKinds } from "../../src/server/problems.ts";
import type { Answer } from "./inject-app.ts";

export interface ExpectedProblem {
  /** The request target as sent, query included: the problem's `instance`. */
  instance: string;
  /** The whole detail, or a pattern it must match. */
  detail: string | RegExp;
  /** The `errors` list exactly, or patterns its messages must match in order. */
  errors?: ({ message: string | RegExp; line?: number; path?: string } | RegExp)[];
}

/**
 * An RFC 9457 problem document as src/server/problem-reply.ts sends it: its media type, and
 * a body with the kind's type and title, the status, the detail, the instance and the errors.
 */
export function assertProblem(
  answer: Answer,
  status: number,
  kind: ProblemKind,
  expected: ExpectedProblem,
): void {
  const label = `${status} ${kind}: ${answer.text.slice(0, 400)}`;
  assert.equal(answer.status, status, label);
  assert.equal(answer.headers["content-type"], "application/problem+json; charset=utf-8", label);
  const { errors, ...body } = answer.json ?? {};
  const { detail, ...rest } = body;
  assert.deepEqual(
    rest,
    {
      type: `urn:flotilla:problem:${kind}`,
      title: problemKinds[kind].title,
      status,
      instance: expected.instance,
    },
    label,
  );
  if (typeof expected.detail === "string") assert.equal(detail, expected.detail, label);
  else assert.match(detail, expected.detail, label);
  if (expected.errors === undefined) {
    assert.equal(errors, undefined, `${label}: no errors list expected`);
    return;
  }
  assert.ok(Array.isArray(errors), `${label}: an errors list`);
  assert.equal(errors.length, expected.errors.length, label);
  expected.errors.forEach((want, index) => {
    const got = errors[index];
    const pattern = want instanceof RegExp ? { message: want } : want;
    if (typeof pattern.message === "string") assert.equal(got.message, pattern.message, label);
    else assert.match(got.message, pattern.message, label);
    if (!(want instanceof RegExp)) {
      assert.equal(got.line, want.line, `${label}: line of error ${index}`);
      if (want.path !== undefined) assert.equal(got.path, want.path, label);
    }
  });
}
