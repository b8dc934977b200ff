import type { Announcement, Registry } from "../../registry/registry.ts";
import type { AnnounceLoop } from "../../unit/announce-loop.ts";
import type { CommandContext, ExitStatus, MainProcess } from "./types.ts";

/**
 * The sidekick's `while true; do etcdctl set KEY VALUE --ttl N; sleep M; done`, run natively:
 * the key lives under an N-second lease refreshed every M seconds, so it is gone within N
 * seconds of the machine dying, and deleted at once when the unit stops. With a gate (the
 * unit announces a service that has a health check, or that a rollout drains), the key exists
 * only while the gate is open: it is withdrawn the moment it closes and put back the moment
 * it opens, not at the next refresh.
 */
export async function startAnnounceLoop(
  loop: AnnounceLoop,
  context: CommandContext,
  registry: Registry,
  machineId: string,
  /** `adopted`: an earlier agent's loop goes on; its key is put again at once, sleep first or not. */
  options: { adopted?: boolean } = {},
): Promise<MainProcess> {
  const periodMs = loop.periodSeconds * 1000;
  const gate = context.announceGate;
  let announcement: Announcement | undefined;
  /** Why the gate was last seen closed, so that the log says each change once. */
  let closedBecause: string | undefined;
  let ended = false;
  // A loop that sleeps first announces one period after it starts; until then the gate's
  // changes have nothing to withdraw or put back.
  let begun = !loop.sleepFirst || options.adopted === true;

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
  const withdraw = async (reason: string) => {
    if (!announcement) {
      context.log.line(`not announcing ${loop.key}: ${reason}`);
      return;
    }
    // Kept until withdrawn: a withdrawal that fails is tried again at the next sync.
    await announcement.withdraw();
    announcement = undefined;
    context.log.line(`withdrew ${loop.key}: ${reason}`);
  };
  const sync = async () => {
    if (ended || !begun) return;
    const closed = gate?.closedBecause();
    if (closed !== undefined) {
      if (closed !== closedBecause || announcement) await withdraw(closed);
      closedBecause = closed;
      return;
    }
    closedBecause = undefined;
    await announce();
  };
  // One sync at a time, in order: a gate that closes while a refresh is on its way must find
  // the announcement that refresh made, and withdraw it. The first one too: the gate is
  // watched from the start, and a change meanwhile waits for it.
  const first = begun ? sync() : Promise.resolve();
  let queue = first.catch(() => {});
  const run = () => {
    queue = queue.then(() =>
      sync().catch((error: unknown) => {
        const what = announcement && gate?.closedBecause() ? "withdraw" : "announce";
        context.log.line(
          `could not ${what} ${loop.key}: ${(error as Error).message}; retrying in ${loop.periodSeconds}s`,
        );
      }),
    );
    return queue;
  };
  const stopWatching = gate?.watch(() => void run());
  try {
    // The first announcement's failure fails the start, as the shell loop's first etcdctl would.
    await first;
  } catch (error) {
    stopWatching?.();
    throw error;
  }
  const timer = setInterval(() => {
    begun = true;
    void run();
  }, periodMs);
  let finish: (status: ExitStatus) => void = () => {};
  const exited = new Promise<ExitStatus>((resolve) => {
    finish = resolve;
  });
  return {
    description: `announce ${loop.key}`,
    exited,
    terminate: async (signal) => {
      if (ended) return;
      ended = true;
      clearInterval(timer);
      stopWatching?.();
      await queue;
      await announcement?.withdraw().catch((error: unknown) => {
        context.log.line(
          `could not withdraw ${loop.key}: ${(error as Error).message}; it expires with its lease`,
        );
      });
      finish({ code: null, signal });
    },
  };
}
