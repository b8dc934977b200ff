// Holds test/support/route-coverage.ts to the committed OpenAPI document: every operation,
// and every status it documents, is brought about by an in-process route test, or is said to
// be unreachable and why. Each routes-*.test.ts checks its own share of the table as it runs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { documentedOperations } from "../support/documented-operations.ts";
import {
  OWN_STATUSES,
  ROUTE_TEST_FILES,
  SHARED_STATUSES,
  unreachable,
} from "../support/route-coverage.ts";
import { requestFor } from "../support/sample-requests.ts";

describe("the route tests' coverage of the OpenAPI document", () => {
  test("the table lists exactly the document's operations", () => {
    assert.ok(documentedOperations.length > 20);
    assert.deepEqual(
      Object.keys(OWN_STATUSES).sort(),
      documentedOperations.map((operation) => operation.key).sort(),
    );
  });

  test("every documented status of every operation is checked, or unreachable for a reason", () => {
    const unchecked = documentedOperations.flatMap((operation) =>
      operation.statuses
        .filter(
          (status) =>
            OWN_STATUSES[operation.key]?.[status] === undefined &&
            SHARED_STATUSES[status] === undefined &&
            unreachable(operation, status) === undefined,
        )
        .map((status) => `${operation.key} ${status}`),
    );
    assert.deepEqual(unchecked, []);
  });

  test("the table claims only documented statuses, and none it says are unreachable", () => {
    for (const operation of documentedOperations) {
      for (const status of Object.keys(OWN_STATUSES[operation.key] ?? {}).map(Number)) {
        assert.ok(operation.statuses.includes(status), `${operation.key} documents ${status}`);
        assert.equal(unreachable(operation, status), undefined, `${operation.key} ${status}`);
      }
    }
  });

  test("every file the table names exists and checks its share", () => {
    for (const file of ROUTE_TEST_FILES) {
      const path = join(import.meta.dirname, `routes-${file}.test.ts`);
      const source = readFileSync(path, "utf8");
      assert.ok(source.includes(`assertRouteCoverage("${file}")`), `${path} checks its share`);
    }
  });

  test("the hooks' tests have a valid request for every operation", () => {
    for (const operation of documentedOperations) {
      const { method, url } = requestFor(operation);
      assert.equal(method, operation.method);
      assert.ok(operation.addresses(url), `${url} is an address of ${operation.key}`);
    }
  });
});
