import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { lowerBound, SortedNames } from "../../src/scheduler/sorted-names.ts";

/** Names from a fixed pseudo-random sequence, added and deleted, with a Set as the reference. */
function churned(count: number): { names: SortedNames; reference: string[] } {
  const names = new SortedNames();
  const reference = new Set<string>();
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  for (let i = 0; i < count; i++) {
    const name = `u${next() % 3}-${next() % 2500}`;
    if (next() % 4 === 0) {
      names.delete(name);
      reference.delete(name);
    } else {
      names.add(name);
      reference.add(name);
    }
  }
  return { names, reference: [...reference].sort() };
}

describe("SortedNames", () => {
  test("lists names by prefix across many chunks", () => {
    const { names, reference } = churned(6000);
    for (const prefix of ["", "u1", "u2-1", "u0-24", "u0-2499", "v", "u1-"]) {
      const listed: string[] = [];
      names.forEachWithPrefix(prefix, (name) => listed.push(name));
      const expected = reference.filter((n) => n.startsWith(prefix));
      assert.deepEqual(listed, expected, prefix);
    }
  });

  test("pages after any name, present or not, across many chunks", () => {
    const { names, reference } = churned(6000);
    assert.deepEqual(names.all(), reference);
    assert.deepEqual([...names.after(undefined)], reference);
    for (const after of ["", "u0", "u1-1000", "u1-1000x", reference.at(-1) as string, "v"]) {
      assert.deepEqual(
        [...names.after(after)],
        reference.filter((n) => n > after),
        after,
      );
    }
    // After each name comes the next, chunk boundaries included.
    reference.forEach((name, i) => {
      assert.equal(names.after(name).next().value, reference[i + 1], name);
    });
  });

  test("adding twice keeps one; deleting an absent name changes nothing", () => {
    const names = new SortedNames();
    for (const name of ["b", "a", "c", "a"]) names.add(name);
    names.delete("x");
    assert.deepEqual(names.all(), ["a", "b", "c"]);
    names.delete("b");
    assert.deepEqual(names.all(), ["a", "c"]);
  });

  test("a clone changes apart from its original; clear empties", () => {
    const names = new SortedNames();
    names.add("a");
    const copy = names.clone();
    copy.add("b");
    names.delete("a");
    assert.deepEqual(names.all(), []);
    assert.deepEqual(copy.all(), ["a", "b"]);
    copy.clear();
    assert.deepEqual([...copy.after(undefined)], []);
  });
});

describe("lowerBound", () => {
  test("the first position not less than the value", () => {
    const list = ["b", "d", "f"];
    assert.deepEqual(
      ["a", "b", "c", "f", "g"].map((value) => lowerBound(list, value)),
      [0, 0, 1, 2, 3],
    );
    assert.equal(lowerBound([], "a"), 0);
    const machines = list.map((id) => ({ id }));
    assert.equal(
      lowerBound(machines, "c", (machine) => machine.id),
      1,
    );
  });
});
