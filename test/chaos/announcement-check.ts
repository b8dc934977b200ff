// Invariant 2: an announcement never outlives the sidekick that makes it, nor the service that
// sidekick announces, by more than the key's TTL (and 2 s of slack). etcd renews every lease
// when a new leader takes over, so after etcd trouble the TTL counts from its end instead.
import { type Copy, copiesOf, type Sample } from "./sample.ts";
import type { ViolationLog } from "./violations.ts";

const SLACK_MS = 2000;

export class AnnouncementCheck {
  private readonly lastRun = new Map<string, number>();
  private containers: Copy[] = [];
  private processes: Copy[] = [];
  private announcing: Record<string, Copy[]> = {};
  private leasesRenewedAt = Number.NEGATIVE_INFINITY;
  /** When each key present was first seen since it last appeared. */
  private appeared = new Map<string, number>();

  constructor(
    private readonly log: ViolationLog,
    private readonly announcerOf: (
      key: string,
    ) => { sidekick: string; service: string } | undefined,
    private readonly ttlMs: number,
  ) {}

  /** etcd's leader changed (or etcd came back): every lease then runs its whole TTL again. */
  leasesRenewed(at: number): void {
    this.leasesRenewedAt = Math.max(this.leasesRenewedAt, at);
  }

  observe(sample: Sample): number {
    this.noteRunning(sample);
    if (!sample.keys) return 0;
    const appeared = new Map<string, number>();
    for (const key of sample.keys) appeared.set(key, this.appeared.get(key) ?? sample.at);
    this.appeared = appeared;
    for (const key of sample.keys) {
      const announcer = this.announcerOf(key);
      if (!announcer) continue;
      const ran = Math.min(
        this.lastRun.get(announcer.sidekick) ?? 0,
        this.lastRun.get(announcer.service) ?? 0,
      );
      // A key that just appeared may have just been written: its TTL may count from then.
      const appearedAt = appeared.get(key) ?? 0;
      const since = Math.max(ran, this.leasesRenewedAt, appearedAt);
      if (sample.at <= since + this.ttlMs + SLACK_MS) continue;
      const gone =
        (this.lastRun.get(announcer.sidekick) ?? 0) <= (this.lastRun.get(announcer.service) ?? 0)
          ? announcer.sidekick
          : announcer.service;
      const after =
        since === ran
          ? `${gone} last ran`
          : since === appearedAt
            ? `it appeared, and ${gone} was not seen running since`
            : `etcd renewed its leases, and ${gone} was not seen running since`;
      this.log.report(
        2,
        sample.at,
        `${key} is still announced ${((sample.at - since) / 1000).toFixed(1)} s after ${after} (TTL ${this.ttlMs / 1000} s)`,
        `key ${key}`,
      );
    }
    return 1;
  }

  /**
   * What could not be looked at is taken to run as it last did, so that nothing is called dead
   * for want of a look; an agent that is down or paused refreshes nothing.
   */
  private noteRunning(sample: Sample): void {
    if (sample.containers) this.containers = sample.containers;
    if (sample.processes) this.processes = sample.processes;
    const announcing: Record<string, Copy[]> = {};
    for (const { machine, up } of sample.agents)
      announcing[machine] = up
        ? (sample.announcing[machine] ?? this.announcing[machine] ?? [])
        : [];
    this.announcing = announcing;
    const running = copiesOf({
      ...sample,
      containers: this.containers,
      processes: this.processes,
      announcing,
    });
    for (const copy of running) this.lastRun.set(copy.unit, sample.at);
  }
}
