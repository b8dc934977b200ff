import type { ClusterView } from "../registry/view.ts";

/** The presence TTL assumed for a machine whose record does not say (the agent's default). */
const DEFAULT_PRESENCE_TTL_SECONDS = 10;
/** Time for an agent to notice its lost lease and announce itself again once etcd answers. */
const REANNOUNCE_ALLOWANCE_MS = 1000;

/**
 * When a machine that vanished from the view counts as lost, so that its units move.
 *
 * A machine's key vanishes when its presence lease expires, which etcd does between 2/3 of the
 * TTL and the TTL after the agent's last keep-alive (sent every TTL/3). After a connectivity
 * loss shorter than the TTL, the agent announces itself again at most TTL/3 (plus the time it
 * takes to reconnect) after the key vanished. Moving its units in that gap would restart them
 * all for nothing, so a vanished machine is lost only once it has stayed away that long, timed
 * from when this engine saw it go, from when it began to lead, and from when its view last
 * reconnected: a deletion replayed to a view that was itself cut off starts its wait then.
 */
export class MachineLoss {
  private readonly missingSince = new Map<string, number>();
  private readonly ttlSeconds = new Map<string, number>();
  private watchingSince = 0;

  constructor(private readonly view: ClusterView) {}

  /** Forgets every timing: from now on, a vanished machine waits its full grace again. */
  restart(now: number): void {
    this.missingSince.clear();
    this.watchingSince = now;
  }

  /** When a machine absent from the view counts as lost (now or earlier: it is). */
  lostAt(machineId: string, now: number): number {
    let seen = this.missingSince.get(machineId);
    if (seen === undefined) {
      seen = now;
      this.missingSince.set(machineId, seen);
    }
    return Math.max(seen, this.watchingSince, this.view.connectedSince) + this.graceMs(machineId);
  }

  /** Notes the machines present now: their TTL for later, and that they are not missing. */
  observe(): void {
    for (const id of this.missingSince.keys()) {
      if (this.view.machines.has(id)) this.missingSince.delete(id);
    }
    for (const [id, machine] of this.view.machines) {
      const ttl = machine.presenceTtlSeconds;
      if (ttl !== undefined && this.ttlSeconds.get(id) !== ttl) this.ttlSeconds.set(id, ttl);
    }
  }

  private graceMs(machineId: string): number {
    const ttl = this.ttlSeconds.get(machineId) ?? DEFAULT_PRESENCE_TTL_SECONDS;
    return (ttl * 1000) / 3 + REANNOUNCE_ALLOWANCE_MS;
  }
}
