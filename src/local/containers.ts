import { removeLabelledContainers } from "../agent/leftovers.ts";

/**
 * Removes the containers that the machines' units left (an agent stops its units on SIGTERM,
 * but one killed harder leaves them). Resolves to how many went; 0 without a Docker engine.
 */
export async function removeContainersOf(machineIds: readonly string[]): Promise<number> {
  if (machineIds.length === 0) return 0;
  const { default: Dockerode } = await import("dockerode");
  const docker = new Dockerode();
  const removed = await Promise.all(
    machineIds.map((id) => removeLabelledContainers(id, docker).catch(() => 0)),
  );
  return removed.reduce((sum, count) => sum + count, 0);
}
