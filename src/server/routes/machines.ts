import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { MachineIdParam, problemResponse } from "../../schema/common.ts";
import { Machine, MachineList, MetadataPatch } from "../../schema/machines.ts";
import { ref } from "../../schema/ref.ts";
import type { ServerContext } from "../context.ts";
import { presentMachine } from "../entities.ts";
import { ProblemError } from "../problems.ts";
import { patchMachineMetadata } from "../writes/machine-metadata.ts";

export function machineRoutes(context: ServerContext): FastifyPluginAsyncTypebox {
  const { view, registry } = context;
  return async (app) => {
    app.get(
      "/v1/machines",
      {
        schema: {
          operationId: "listMachines",
          summary: "List the machines whose agents are present",
          tags: ["machines"],
          response: { 200: ref(MachineList, "The machines whose agents are present") },
        },
      },
      async () => ({
        machines: [...view.machines.keys()]
          .sort()
          .map((id) => presentMachine(view, id))
          .filter((machine) => machine !== undefined),
      }),
    );

    app.patch(
      "/v1/machines/:id/metadata",
      {
        schema: {
          operationId: "patchMachineMetadata",
          summary: "Set (string) or remove (null) metadata keys of a machine",
          description:
            "A JSON merge patch. Operator metadata outlives agent restarts and takes precedence over what the agent announces.",
          tags: ["machines"],
          params: MachineIdParam,
          body: ref(MetadataPatch),
          response: {
            200: ref(Machine, "The machine with its new metadata"),
            400: problemResponse(400),
            404: problemResponse(404),
            409: problemResponse(409),
            415: problemResponse(415),
            503: problemResponse(503),
          },
        },
      },
      async (request) => {
        const { id } = request.params;
        const revision = await patchMachineMetadata(registry, id, request.body);
        await view.waitFor(revision);
        const machine = presentMachine(view, id);
        if (!machine) throw new ProblemError("machine-not-found", `machine ${id} is not present`);
        return machine;
      },
    );
  };
}
