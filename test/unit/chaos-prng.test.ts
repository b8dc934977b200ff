import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Prng } from "../../test/chaos/prng.ts";

function draws(prng: Prng, n: number): number[] {
  return Array.from({ length: n }, () => prng.next());
}

describe("the campaign's PRNG", () => {
  test("one seed, one sequence; another seed, another", () => {
    assert.deepEqual(draws(new Prng(42), 20), draws(new Prng(42), 20));
    assert.notDeepEqual(draws(new Prng(42), 20), draws(new Prng(43), 20));
  });

  test("floats in [0, 1), integers within their bounds, both bounds reached", () => {
    const prng = new Prng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const float = prng.next();
      assert.ok(float >= 0 && float < 1, String(float));
      const int = prng.int(3, 6);
      assert.ok(Number.isInteger(int) && int >= 3 && int <= 6, String(int));
      seen.add(int);
    }
    assert.deepEqual([...seen].sort(), [3, 4, 5, 6]);
  });

  test("roughly uniform: each tenth of [0, 1) gets about a tenth of 10,000 draws", () => {
    const buckets = new Array(10).fill(0);
    const prng = new Prng(1);
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(prng.next() * 10)]++;
    for (const count of buckets) assert.ok(count > 850 && count < 1150, String(buckets));
  });

  test("weighted picks follow their weights; a zero weight is never picked", () => {
    const prng = new Prng(3);
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 10_000; i++) counts[prng.weighted({ a: 3, b: 1, never: 0 })]++;
    assert.equal(counts.never, 0);
    assert.ok(counts.a > 2 * counts.b, JSON.stringify(counts));
  });

  test("a fork's draws do not depend on what its parent draws afterwards", () => {
    const first = new Prng(9);
    const fork = first.fork();
    const expected = draws(fork, 5);
    const second = new Prng(9);
    const again = second.fork();
    draws(second, 100);
    assert.deepEqual(draws(again, 5), expected);
  });

  test("the seed is taken as 32 bits: 0 and 2^32 - 1 both work", () => {
    assert.equal(draws(new Prng(0), 3).length, 3);
    assert.deepEqual(draws(new Prng(0xffffffff), 3), draws(new Prng(-1), 3));
  });
});
