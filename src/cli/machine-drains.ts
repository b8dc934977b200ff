import { type Api, expectData } from "./api.ts";
import type { Machine } from "./api-types.ts";

/** Drains a machine (PUT /v1/machines/{id}/drain): its units move, and it takes no new ones. */
export function drainMachine(api: Api, id: string, reason: string | undefined): Promise<Machine> {
  return expectData(
    api,
    api.client.PUT("/v1/machines/{id}/drain", {
      params: { path: { id } },
      body: reason === undefined ? {} : { reason },
    }),
  );
}

/**
 * Ends a machine's drain (DELETE /v1/machines/{id}/drain): the machine, or undefined when its
 * agent is gone (a retired machine, whose drain is ended all the same).
 */
export async function undrainMachine(api: Api, id: string): Promise<Machine | undefined> {
  const machine = await expectData(
    api,
    api.client.DELETE("/v1/machines/{id}/drain", { params: { path: { id } } }),
  );
  return machine ?? undefined;
}

/**
 * The drain as list-machines shows it: `-`, `draining: N units left` while units are still to
 * leave, `drained` once none is.
 */
export function drainSummary(machine: Machine): string {
  const remaining = machine.drain?.remainingUnits.length;
  if (remaining === undefined) return "-";
  if (remaining === 0) return "drained";
  return `draining: ${remaining} unit${remaining === 1 ? "" : "s"} left`;
}
