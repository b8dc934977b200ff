import type { MetadataOverrides } from "../../registry/records.ts";
import type { Registry, Revision } from "../../registry/registry.ts";
import { ProblemError } from "../problems.ts";
import { retryingWrite } from "./retry.ts";

/**
 * Applies a JSON merge patch to a machine's operator metadata. The overrides live apart
 * from what the agent announces, so they outlive agent restarts.
 */
export async function patchMachineMetadata(
  registry: Registry,
  machineId: string,
  patch: Record<string, string | null>,
  options: { requirePresent: boolean } = { requirePresent: true },
): Promise<Revision> {
  if (options.requirePresent && !(await registry.getMachine(machineId))) {
    throw new ProblemError("machine-not-found", `machine ${machineId} is not present`);
  }
  return retryingWrite(async () => {
    const current = await registry.getMetadataOverrides(machineId);
    const next: MetadataOverrides = { ...(current?.value ?? {}), ...patch };
    const result = await registry.setMetadataOverrides(machineId, next, current);
    return result.ok ? result.revision : undefined;
  }, "the machine's metadata kept changing; retry");
}
