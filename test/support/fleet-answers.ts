import assert from "node:assert/strict";
import type { Answer } from "./inject-app.ts";

/**
 * fleet's error entity, byte for byte: compact JSON, no trailing newline, message always set,
 * with fleet's exact Content-Type "application/json", even where Fastify's router answers
 * before any of fleet's routes is found (a path segment too long, or a path not a URL).
 */
export function assertFleetError(answer: Answer, code: number, message: string | RegExp): void {
  assert.equal(answer.status, code, answer.text);
  assert.equal(answer.headers["content-type"], "application/json", answer.text);
  if (typeof message === "string") {
    assert.equal(answer.text, JSON.stringify({ error: { code, message } }));
    return;
  }
  assert.deepEqual(Object.keys(answer.json), ["error"]);
  assert.deepEqual(Object.keys(answer.json.error), ["code", "message"]);
  assert.equal(answer.json.error.code, code);
  assert.match(answer.json.error.message, message);
}

/** 201 and 204 from fleet's PUT and DELETE: a status only, no body and no Content-Type. */
export function assertBare(answer: Answer, status: 201 | 204): void {
  assert.equal(answer.status, status, answer.text);
  assert.equal(answer.text, "");
  assert.equal(answer.headers["content-type"], undefined);
}
