import { MACHINE_LABEL } from "../agent/runtime/types.ts";

/**
 * Removes the containers that the machines' units left (an agent stops its units on SIGTERM,
 * but one killed harder leaves them). Resolves to how many went; 0 without a Docker engine.
 */
export async function removeContainersOf(machineIds: readonly string[]): Promise<number> {
  if (machineIds.length === 0) return 0;
  const { default: Dockerode } = await import("dockerode");
  const docker = new Dockerode();
  // Docker ANDs label filters: one listing per machine.
  const found = (
    await Promise.all(
      machineIds.map((id) =>
        docker
          .listContainers({
            all: true,
            filters: JSON.stringify({ label: [`${MACHINE_LABEL}=${id}`] }),
          })
          .catch(() => []),
      ),
    )
  ).flat();
  await Promise.all(
    found.map((container) =>
      docker
        .getContainer(container.Id)
        .remove({ force: true })
        .catch(() => {}),
    ),
  );
  return found.length;
}
