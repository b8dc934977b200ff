import type { Announcement, Registry } from "../../registry/registry.ts";
import type { AnnounceLoop } from "../../unit/announce-loop.ts";
import type { CommandContext, ExitStatus, MainProcess } from "./types.ts";

/**
 * The sidekick's `while true; do etcdctl set KEY VALUE --ttl N; sleep M; done`, run natively:
 * the key lives under an N-second lease refreshed every M seconds, so it is gone within N
 * seconds of the machine dying, and deleted at once when the unit stops.
 */
export async function startAnnounceLoop(
  loop: AnnounceLoop,
  context: CommandContext,
  registry: Registry,
  machineId: string,
): Promise<MainProcess> {
  const periodMs = loop.periodSeconds * 1000;
  let announcement: Announcement | undefined;
  const announce = async () => {
    if (announcement) {
      await announcement.refresh();
      return;
    }
    announcement = await registry.announce({
      key: loop.key,
      value: loop.value,
      unit: context.unit,
      machineId,
      ttlSeconds: loop.ttlSeconds,
      since: new Date().toISOString(),
    });
    context.log.line(
      `announced ${loop.key}=${loop.value} (ttl ${loop.ttlSeconds}s, refreshed every ${loop.periodSeconds}s)`,
    );
  };
  const tick = () =>
    announce().catch((error: unknown) => {
      context.log.line(
        `could not announce ${loop.key}: ${(error as Error).message}; retrying in ${loop.periodSeconds}s`,
      );
    });
  // A loop that sleeps first announces one period after it starts.
  if (!loop.sleepFirst) await announce();
  const timer = setInterval(tick, periodMs);
  let finish: (status: ExitStatus) => void = () => {};
  const exited = new Promise<ExitStatus>((resolve) => {
    finish = resolve;
  });
  let ended = false;
  return {
    description: `announce ${loop.key}`,
    exited,
    terminate: async (signal) => {
      if (ended) return;
      ended = true;
      clearInterval(timer);
      await announcement?.withdraw().catch((error: unknown) => {
        context.log.line(
          `could not withdraw ${loop.key}: ${(error as Error).message}; it expires with its lease`,
        );
      });
      finish({ code: null, signal });
    },
  };
}
