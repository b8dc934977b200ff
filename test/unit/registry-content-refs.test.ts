// The memory registry's references to content, by the case the registry contract runs against
// etcd too (test/integration/registry-contract.test.ts).
import { test } from "node:test";
import { contentHistoryCase } from "../support/content-history-case.ts";
import { MemoryRegistry } from "../support/memory-registry.ts";

test("refs are kept for every hash of a unit's history, dropped when trimmed or deleted", async () => {
  const registry = new MemoryRegistry();
  try {
    await contentHistoryCase(registry, async (key) => registry.readKey(key));
  } finally {
    await registry.close();
  }
});
