// Writes that may still take effect, and when they stop being able to: a request whose answer
// was lost (a timeout) until its server was killed or has run unpaused long enough since; a
// rollout until it is over. Settled, an acknowledged write begun later overrides them for good.
import type { Clock } from "./clock.ts";
import type { ChaosServer } from "./cluster.ts";
import type { History } from "./history.ts";
import type { WriteModel } from "./write-model.ts";

/** Longer than a server takes to finish a request, etcd's retries included. */
const LOST_ANSWER_SETTLES_MS = 15_000;
const FINAL_PHASES = new Set(["succeeded", "failed", "reverted", "aborted"]);

interface Lost {
  writes: number[];
  server: ChaosServer;
  at: number;
}

interface Rollout {
  write: number;
  template: string;
  /** Its id, when an answer named it. */
  id?: string;
  since: number;
}

/** A rollout as GET /v1/rollouts lists it. */
export interface ListedRollout {
  id: string;
  target: string;
  phase: string;
  reason?: string;
}

export class UnsettledWrites {
  private readonly lostAnswers: Lost[] = [];
  private readonly rollouts: Rollout[] = [];

  constructor(
    private readonly model: WriteModel,
    private readonly clock: Clock,
    private readonly history: History,
  ) {}

  lost(writes: number[], server: ChaosServer, at: number): void {
    this.lostAnswers.push({ writes, server, at });
  }

  rollout(write: number, template: string, id?: string): void {
    this.rollouts.push({ write, template, id, since: this.clock.now() });
  }

  /** Whether a rollout may still be running. */
  get rolling(): boolean {
    return this.rollouts.length > 0;
  }

  async settle(listRollouts: () => Promise<ListedRollout[] | undefined>): Promise<void> {
    this.settleLostAnswers();
    if (this.rollouts.length === 0) return;
    const listed = await listRollouts();
    if (listed) this.settleRollouts(listed);
  }

  private settleLostAnswers(): void {
    const now = this.clock.now();
    for (const [i, lost] of [...this.lostAnswers.entries()].reverse()) {
      const { daemon } = lost.server;
      let settledAt: number | undefined;
      if (daemon.killedAt !== undefined && daemon.killedAt >= lost.at)
        settledAt = daemon.killedAt + 1000;
      else if (
        daemon.state === "up" &&
        now - Math.max(lost.at, daemon.changedAt) >= LOST_ANSWER_SETTLES_MS
      )
        settledAt = now;
      if (settledAt === undefined) continue;
      for (const write of lost.writes) this.model.settle(write, settledAt);
      this.lostAnswers.splice(i, 1);
    }
  }

  /** One listed is over in a final phase; one whose answer was lost, once none of its template runs. */
  private settleRollouts(listed: ListedRollout[]): void {
    const now = this.clock.now();
    for (const [i, rollout] of [...this.rollouts.entries()].reverse()) {
      const mine = rollout.id ? listed.find((candidate) => candidate.id === rollout.id) : undefined;
      const long = now - rollout.since >= LOST_ANSWER_SETTLES_MS;
      // Not listed long after it began, it was among the finished ones the leader deletes.
      const over = mine
        ? FINAL_PHASES.has(mine.phase)
        : long &&
          (rollout.id !== undefined ||
            !listed.some(
              (other) => other.target === rollout.template && !FINAL_PHASES.has(other.phase),
            ));
      if (!over) continue;
      this.model.settle(rollout.write, now);
      this.rollouts.splice(i, 1);
      const how = mine ? `: ${mine.phase}${mine.reason ? ` (${mine.reason})` : ""}` : "";
      this.history.add(
        now,
        "note",
        `rollout ${rollout.id ?? "(unanswered)"} of ${rollout.template} over${how}`,
      );
    }
  }
}
