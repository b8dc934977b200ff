import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { problemResponse } from "../../schema/common.ts";
import { ref } from "../../schema/ref.ts";
import { Rollout, RolloutAbort, RolloutList, RolloutRequest } from "../../schema/rollouts.ts";
import type { ServerContext } from "../context.ts";
import { ProblemError } from "../problems.ts";
import type { RolloutAction } from "../writes/rollouts.ts";

const RolloutIdParam = Type.Object(
  { id: Type.String({ pattern: "^[0-9a-f]{8}$", description: "The rollout's id" }) },
  { additionalProperties: false },
);

const RolloutListQuery = Type.Object(
  {
    target: Type.Optional(
      Type.String({ maxLength: 256, description: "Only the rollouts of this target" }),
    ),
  },
  { additionalProperties: false },
);

/** What each action does, for its operation's summary. */
const ACTIONS: Record<RolloutAction, { operationId: string; summary: string }> = {
  pause: {
    operationId: "pauseRollout",
    summary: "Pause a rollout: no instance starts its replacement until it is resumed",
  },
  resume: { operationId: "resumeRollout", summary: "Resume a paused rollout" },
  promote: {
    operationId: "promoteRollout",
    summary: "Promote a rollout's canaries: the other instances follow",
  },
  abort: {
    operationId: "abortRollout",
    summary: "Stop a rollout where it is; drains end, replaced instances keep the new content",
  },
};

export function rolloutRoutes(context: ServerContext): FastifyPluginAsyncTypebox {
  const { view, rolloutWrites } = context;
  return async (app) => {
    app.post(
      "/v1/rollouts",
      {
        schema: {
          operationId: "startRollout",
          summary:
            "Replace the instances of a template (or units matching a glob) with new content, a few at a time",
          description:
            "The template's content is replaced at once (instances created from now on get the new one); its instances are then drained (their sidekicks' announcements withdrawn), replaced and checked, maxParallel at a time, canaries first. An instance not healthy in time fails the rollout, which then puts the replaced ones back (autoRevert). The engine's leader drives it; its state is in etcd, so it carries on across a leader's death. Preview it with POST /v1/plan.",
          tags: ["rollouts"],
          body: ref(RolloutRequest),
          response: {
            201: ref(Rollout, "The rollout, started"),
            400: problemResponse(400),
            404: problemResponse(404),
            409: problemResponse(409),
            415: problemResponse(415),
            503: problemResponse(503),
          },
        },
      },
      async (request, reply) => {
        const rollout = await rolloutWrites.start(request.body);
        return reply.code(201).header("location", `/v1/rollouts/${rollout.id}`).send(rollout);
      },
    );

    app.get(
      "/v1/rollouts",
      {
        schema: {
          operationId: "listRollouts",
          summary: "Rollouts, newest first, running and finished",
          tags: ["rollouts"],
          querystring: RolloutListQuery,
          response: { 200: ref(RolloutList, "The rollouts"), 400: problemResponse(400) },
        },
      },
      async (request) => {
        const { target } = request.query;
        const rollouts = [...view.rollouts.values()]
          .map((entry) => entry.value)
          .filter((rollout) => target === undefined || rollout.target === target)
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
        return { rollouts };
      },
    );

    app.get(
      "/v1/rollouts/:id",
      {
        schema: {
          operationId: "getRollout",
          summary: "One rollout, with the step each of its instances is at",
          tags: ["rollouts"],
          params: RolloutIdParam,
          response: {
            200: ref(Rollout, "The rollout"),
            400: problemResponse(400),
            404: problemResponse(404),
          },
        },
      },
      async (request) => {
        const found = view.rollouts.get(request.params.id);
        if (!found)
          throw new ProblemError("rollout-not-found", `no rollout has the id ${request.params.id}`);
        return found.value;
      },
    );

    for (const [action, { operationId, summary }] of Object.entries(ACTIONS) as [
      RolloutAction,
      (typeof ACTIONS)[RolloutAction],
    ][]) {
      app.post(
        `/v1/rollouts/:id/${action}`,
        {
          schema: {
            operationId,
            summary,
            tags: ["rollouts"],
            params: RolloutIdParam,
            // A body schema makes a body required (Fastify's, and the document's): {} will do.
            ...(action === "abort" ? { body: ref(RolloutAbort) } : {}),
            response: {
              200: ref(Rollout, "The rollout as the action left it"),
              400: problemResponse(400),
              404: problemResponse(404),
              409: problemResponse(409),
              ...(action === "abort" ? { 415: problemResponse(415) } : {}),
              503: problemResponse(503),
            },
          },
        },
        async (request) => {
          const reason = (request.body as { reason?: string } | undefined)?.reason;
          return rolloutWrites.act(request.params.id, action, reason);
        },
      );
    }

    app.post(
      "/v1/rollouts/:id/revert",
      {
        schema: {
          operationId: "revertRollout",
          summary: "Roll back what a finished rollout replaced, as a new rollout with its options",
          description:
            "The new rollout puts back the content the target had before: the template's, or the one content all its units had. It proceeds with the same care as any rollout.",
          tags: ["rollouts"],
          params: RolloutIdParam,
          response: {
            201: ref(Rollout, "The reverting rollout, started"),
            400: problemResponse(400),
            404: problemResponse(404),
            409: problemResponse(409),
            503: problemResponse(503),
          },
        },
      },
      async (request, reply) => {
        const rollout = await rolloutWrites.revert(request.params.id);
        return reply.code(201).header("location", `/v1/rollouts/${rollout.id}`).send(rollout);
      },
    );
  };
}
