import assert from "node:assert/strict";
import { type ProblemKind, UNAVAILABLE_RETRY_AFTER_SECONDS } from "../../src/server/problems.ts";
import { assertFleetError } from "./fleet-answers.ts";
import type { Answer } from "./inject-app.ts";
import { assertProblem } from "./problem.ts";

/**
 * An error as the API that `url` belongs to words it: fleet's error entity under fleet's
 * prefix (the kind aside), a problem document everywhere else.
 */
export function assertApiError(
  answer: Answer,
  url: string,
  status: number,
  kind: ProblemKind,
  detail: string | RegExp,
): void {
  if (status === 503) {
    const retryAfter = String(UNAVAILABLE_RETRY_AFTER_SECONDS);
    assert.equal(answer.headers["retry-after"], retryAfter, `${url}: a 503 says when to retry`);
  }
  if (url.startsWith("/fleet/v1")) {
    assertFleetError(answer, status, detail);
    return;
  }
  assertProblem(answer, status, kind, { instance: url, detail });
  assert.equal(answer.json.status, status);
}
