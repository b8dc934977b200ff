import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type Backoff, backoffDelay, type RetryOptions, retry } from "../../src/backoff.ts";

const DOUBLING: Backoff = { firstMs: 100, maxMs: 1000 };

/** Retry options whose waits are recorded instead of slept. */
function recorded(options: Partial<RetryOptions> = {}) {
  const waits: number[] = [];
  const retried: unknown[] = [];
  const all: RetryOptions = {
    backoff: DOUBLING,
    sleep: async (ms) => {
      waits.push(ms);
    },
    onRetry: (error) => retried.push(error),
    ...options,
  };
  return { waits, retried, options: all };
}

/** An attempt that fails `failures` times, then answers how many attempts it took. */
function failing(failures: number, error: (n: number) => unknown = (n) => new Error(`fail ${n}`)) {
  let calls = 0;
  const attempt = async () => {
    calls++;
    if (calls <= failures) throw error(calls);
    return calls;
  };
  return { attempt, calls: () => calls };
}

describe("backoffDelay", () => {
  test("doubles from the first delay and stops at the cap", () => {
    const delays = Array.from({ length: 7 }, (_, n) => backoffDelay(DOUBLING, n));
    assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000, 1000]);
    assert.equal(backoffDelay(DOUBLING, 5000), 1000, "no overflow after many failures");
  });

  test("a constant backoff waits the same every time", () => {
    const constant = { firstMs: 1000, maxMs: 1000 };
    assert.deepEqual(
      [0, 1, 5].map((n) => backoffDelay(constant, n)),
      [1000, 1000, 1000],
    );
  });

  test("jitter spreads the capped delay over [1 - jitter, 1 + jitter) of it", () => {
    const jittered = { firstMs: 400, maxMs: 2000, jitter: 0.5 };
    assert.equal(
      backoffDelay(jittered, 0, () => 0),
      200,
    );
    assert.equal(
      backoffDelay(jittered, 0, () => 0.5),
      400,
    );
    assert.equal(
      backoffDelay(jittered, 9, () => 0.75),
      2500,
    );
  });
});

describe("retry", () => {
  test("waits the backoff between failures until an attempt succeeds", async () => {
    const { waits, retried, options } = recorded();
    const { attempt } = failing(5);
    assert.equal(await retry(attempt, options), 6);
    assert.deepEqual(waits, [100, 200, 400, 800, 1000]);
    assert.deepEqual(
      retried.map((error) => (error as Error).message),
      ["fail 1", "fail 2", "fail 3", "fail 4", "fail 5"],
    );
  });

  test("tells each retry how long it waits", async () => {
    const told: number[] = [];
    const { waits, options } = recorded({ onRetry: (_error, delayMs) => told.push(delayMs) });
    await retry(failing(3).attempt, { ...options, backoff: { ...DOUBLING, jitter: 0.5 } });
    assert.deepEqual(told, waits);
  });

  test("gives up after its attempts with the last failure, without waiting after it", async () => {
    const { waits, options } = recorded({ attempts: 3 });
    const { attempt, calls } = failing(10);
    await assert.rejects(retry(attempt, options), /fail 3/);
    assert.equal(calls(), 3);
    assert.deepEqual(waits, [100, 200]);
  });

  test("one attempt is made even when none are allowed", async () => {
    const { options } = recorded({ attempts: 0 });
    const { attempt, calls } = failing(1);
    await assert.rejects(retry(attempt, options), /fail 1/);
    assert.equal(calls(), 1);
  });

  test("a failure that is not retryable is thrown at once", async () => {
    const { waits, options } = recorded({
      retryable: (error) => (error as Error).message !== "fail 2",
    });
    const { attempt, calls } = failing(10);
    await assert.rejects(retry(attempt, options), /fail 2/);
    assert.equal(calls(), 2);
    assert.deepEqual(waits, [100]);
  });

  test("once stopped, no other attempt starts and the result is undefined", async () => {
    let stopped = false;
    const { waits, options } = recorded({
      sleep: async (ms) => {
        waits.push(ms);
        if (waits.length === 2) stopped = true;
      },
    });
    const { attempt, calls } = failing(10);
    assert.equal(await retry(attempt, { ...options, stopped: () => stopped }), undefined);
    assert.equal(calls(), 2);
  });

  test("stopped before the first attempt, nothing runs", async () => {
    const { attempt, calls } = failing(0);
    const { options } = recorded();
    assert.equal(await retry(attempt, { ...options, stopped: () => true }), undefined);
    assert.equal(calls(), 0);
  });
});
