import { type Api, expectData } from "./api.ts";
import type { Rollout, RolloutOptionsRequest, RolloutPlan } from "./api-types.ts";
import { CommandFailure } from "./errors.ts";
import type { RolloutAction } from "./rollout-words.ts";

/** The API's rollout routes as the `rollout` command uses them; any failure is an ApiFailure. */

/** A rollout's new content: a unit file, or a version of the target's history. */
export type RolloutContent = { text: string } | { version: number };

export function startRollout(
  api: Api,
  request: { target: string; options: RolloutOptionsRequest } & RolloutContent,
): Promise<Rollout> {
  const { target, options } = request;
  const content = "text" in request ? { text: request.text } : { version: request.version };
  return expectData(
    api,
    api.client.POST("/v1/rollouts", {
      // The generated type marks every option required; the API defaults those not sent.
      body: { target, ...content, options },
    }),
  );
}

/**
 * What startRollout would do with the same request, from POST /v1/plan: nothing starts. The
 * API checks it as it would check the rollout (400, 404, 409).
 */
export async function planRollout(
  api: Api,
  request: { target: string; text: string; options: RolloutOptionsRequest },
): Promise<RolloutPlan> {
  const { target, text, options } = request;
  const plan = await expectData(
    api,
    api.client.POST("/v1/plan", {
      // As for startRollout: the API defaults the options not sent.
      body: { rollout: { target, text, options } },
    }),
  );
  if (plan.rollout === undefined) {
    throw new CommandFailure("the API's plan has no rollout: the server predates rollout plans");
  }
  return plan.rollout;
}

export function getRollout(api: Api, id: string): Promise<Rollout> {
  return expectData(api, api.client.GET("/v1/rollouts/{id}", { params: { path: { id } } }));
}

/** Newest first, of one target or of all. */
export async function listRollouts(api: Api, target?: string): Promise<Rollout[]> {
  const query = target === undefined ? {} : { target };
  const { rollouts } = await expectData(api, api.client.GET("/v1/rollouts", { params: { query } }));
  return rollouts;
}

export async function newestRollout(api: Api, target?: string): Promise<Rollout | undefined> {
  return (await listRollouts(api, target))[0];
}

export function actOnRollout(
  api: Api,
  id: string,
  action: RolloutAction,
  reason?: string,
): Promise<Rollout> {
  const params = { path: { id } };
  switch (action) {
    case "pause":
      return expectData(api, api.client.POST("/v1/rollouts/{id}/pause", { params }));
    case "resume":
      return expectData(api, api.client.POST("/v1/rollouts/{id}/resume", { params }));
    case "promote":
      return expectData(api, api.client.POST("/v1/rollouts/{id}/promote", { params }));
    case "abort":
      return expectData(
        api,
        api.client.POST("/v1/rollouts/{id}/abort", {
          params,
          body: reason === undefined ? {} : { reason },
        }),
      );
  }
}

/** A new rollout putting back what the finished one replaced. */
export function revertRollout(api: Api, id: string): Promise<Rollout> {
  return expectData(api, api.client.POST("/v1/rollouts/{id}/revert", { params: { path: { id } } }));
}
