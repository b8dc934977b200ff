import type { MachineDrainRecord } from "../../registry/records.ts";
import type { Registry, Revision } from "../../registry/registry.ts";
import { ProblemError } from "../problems.ts";
import { retryingWrite } from "./retry.ts";

const CONFLICT = "the machine's drain kept changing; retry";

/**
 * Drains a present machine: the engine moves its units elsewhere and gives it no new ones.
 * Draining it again keeps the drain's start, and its reason unless a new one is given; a
 * drain that would not change is not written. The drain lives apart from the agent's
 * announcement, so it outlives the agent.
 */
export async function drainMachine(
  registry: Registry,
  machineId: string,
  reason: string | undefined,
  now: () => Date = () => new Date(),
): Promise<Revision> {
  await requirePresent(registry, machineId);
  return retryingWrite(async () => {
    const current = await registry.getMachineDrain(machineId);
    const kept = reason ?? current?.value.reason;
    const next: MachineDrainRecord = {
      since: current?.value.since ?? now().toISOString(),
      ...(kept === undefined ? {} : { reason: kept }),
    };
    if (current && current.value.reason === next.reason) return registry.ping();
    const result = await registry.setMachineDrain(machineId, next, current);
    return result.ok ? result.revision : undefined;
  }, CONFLICT);
}

/**
 * Ends a machine's drain; a machine not drained is left as it is. A machine whose agent is
 * gone for good (retired) can have its drain ended too, which nothing else would remove; only
 * a machine neither present nor drained is unknown.
 */
export async function undrainMachine(registry: Registry, machineId: string): Promise<Revision> {
  const present = (await registry.getMachine(machineId)) !== undefined;
  return retryingWrite(async () => {
    const current = await registry.getMachineDrain(machineId);
    if (!current) {
      if (!present) throw notPresent(machineId);
      return registry.ping();
    }
    const result = await registry.clearMachineDrain(machineId, current);
    return result.ok ? result.revision : undefined;
  }, CONFLICT);
}

async function requirePresent(registry: Registry, machineId: string): Promise<void> {
  if (!(await registry.getMachine(machineId))) throw notPresent(machineId);
}

function notPresent(machineId: string): ProblemError {
  return new ProblemError("machine-not-found", `machine ${machineId} is not present`);
}
