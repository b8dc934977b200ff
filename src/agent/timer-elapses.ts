import type { TimerElapseRecord } from "../registry/records.ts";
import type { Registry } from "../registry/registry.ts";
import type { FiredElapse, TimerElapses } from "./timer-runner.ts";

/** How often a claim is tried against other machines' before it gives up for now. */
const CLAIM_ATTEMPTS = 10;

/**
 * Timers' elapses claimed in etcd: a claim replaces the timer's last elapse, compared on its
 * revision, only with a later one. Of two machines firing the same elapse, one claims it.
 */
export class RegistryTimerElapses implements TimerElapses {
  constructor(
    private readonly registry: Pick<Registry, "getTimerElapse" | "setTimerElapse">,
    private readonly machineId: string,
  ) {}

  async last(timer: string): Promise<FiredElapse | undefined> {
    const found = await this.registry.getTimerElapse(timer);
    return found && firedOf(found.value);
  }

  async claim(timer: string, fired: FiredElapse): Promise<boolean> {
    const record: TimerElapseRecord = {
      elapse: new Date(fired.elapse).toISOString(),
      firedAt: new Date(fired.firedAt).toISOString(),
      machineId: this.machineId,
    };
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const current = await this.registry.getTimerElapse(timer);
      if (current && firedOf(current.value).elapse >= fired.elapse) return false;
      if ((await this.registry.setTimerElapse(timer, record, current)).ok) return true;
    }
    throw new Error(
      `cannot record an elapse of ${timer}: its last one kept changing, or it is gone`,
    );
  }
}

function firedOf(record: TimerElapseRecord): FiredElapse {
  return { elapse: Date.parse(record.elapse), firedAt: Date.parse(record.firedAt) };
}
