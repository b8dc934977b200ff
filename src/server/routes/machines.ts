import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { Revision } from "../../registry/registry.ts";
import { MachineIdParam, problemResponse } from "../../schema/common.ts";
import { DrainRequest, Machine, MachineList, MetadataPatch } from "../../schema/machines.ts";
import { ref } from "../../schema/ref.ts";
import type { ServerContext } from "../context.ts";
import { type MachineView, presentMachine } from "../entities.ts";
import { OPTIONAL_BODY } from "../optional-body.ts";
import { ProblemError } from "../problems.ts";
import { drainMachine, undrainMachine } from "../writes/machine-drain.ts";
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
        return machineAt(await patchMachineMetadata(registry, id, request.body), id);
      },
    );

    app.put(
      "/v1/machines/:id/drain",
      {
        config: OPTIONAL_BODY,
        schema: {
          operationId: "drainMachine",
          summary: "Drain a machine: move its units elsewhere and give it no new ones",
          description:
            "The engine moves the machine's units to other machines (a service with its MachineOf sidekicks), or unschedules with a reason those no other machine can take; global units stay. The drain outlives the agent: stop, upgrade or restart it, then end the drain. The body may be left out; draining a drained machine keeps the drain's start (and its reason, unless a new one is given). The machine's drain.remainingUnits lists what is still to leave.",
          tags: ["machines"],
          params: MachineIdParam,
          body: ref(DrainRequest),
          response: {
            200: ref(Machine, "The machine, drained"),
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
        return machineAt(await drainMachine(registry, id, request.body?.reason), id);
      },
    );

    app.delete(
      "/v1/machines/:id/drain",
      {
        schema: {
          operationId: "undrainMachine",
          summary: "End a machine's drain: it takes new units again",
          description:
            "Units that moved away stay where they are; new ones may be placed on the machine again. A machine that is not drained is left as it is. A machine whose agent is gone (retired) can have its drain ended too: 204.",
          tags: ["machines"],
          params: MachineIdParam,
          response: {
            200: ref(Machine, "The machine, no longer drained"),
            204: Type.Null({ description: "The machine is not present; its drain is ended" }),
            400: problemResponse(400),
            404: problemResponse(404),
            409: problemResponse(409),
            503: problemResponse(503),
          },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const revision = await undrainMachine(registry, id);
        await view.waitFor(revision);
        // Gone, before the write or since (its agent stopped meanwhile): the drain is ended all
        // the same, which is no 404.
        const machine = presentMachine(view, id);
        return machine ?? reply.code(204).send(null);
      },
    );
  };

  /** The machine once the view has seen `revision`: what the write left. */
  async function machineAt(revision: Revision, id: string): Promise<MachineView> {
    await view.waitFor(revision);
    const machine = presentMachine(view, id);
    if (!machine) throw new ProblemError("machine-not-found", `machine ${id} is not present`);
    return machine;
  }
}
