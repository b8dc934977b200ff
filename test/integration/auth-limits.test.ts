// API tokens and limits are tested in process (test/unit/routes-auth.test.ts,
// routes-limits.test.ts, routes-events.test.ts); what needs a real process stays here.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { runFlotilla } from "../support/process.ts";

describe("a server's own safeguards", () => {
  test("a server on a public address refuses to start without tokens unless told", async () => {
    const refused = await runFlotilla(["server", "--listen", "0.0.0.0:0"], {
      FLOTILLA_ETCD: "http://127.0.0.1:1",
    });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /refusing to serve an unauthenticated API on 0\.0\.0\.0:0/);
  });
});
