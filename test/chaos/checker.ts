// The invariants over what the campaign records: samples of the cluster, the API's answers,
// and when etcd was in trouble. Pure: fed the same record, it finds the same violations.
import { AnnouncementCheck } from "./announcement-check.ts";
import { AnswerCheck } from "./answer-check.ts";
import { announcedKey, announcerOf, conflicting, mayBeCanary } from "./catalog.ts";
import { convergenceProblems } from "./convergence.ts";
import { RunningCheck } from "./running-check.ts";
import type { Answer, ListedUnit, Sample } from "./sample.ts";
import { type Invariant, ViolationLog } from "./violations.ts";
import type { WriteModel } from "./write-model.ts";

export interface CheckerOptions {
  presenceTtlMs: number;
  announceTtlMs: number;
  model: WriteModel;
  /** How far behind the acknowledged writes a server's view may be. */
  viewLagMs?: number;
  /** What the checker saw happen that explains its verdicts (a machine lost, back). */
  note?: (at: number, text: string) => void;
}

/** After etcd trouble, how long the servers' views may take to catch up before listings count. */
const LISTING_AFTER_TROUBLE_MS = 5000;

export class Checker {
  readonly log = new ViolationLog();
  readonly checks: Record<Invariant, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  samples = 0;
  private readonly running: RunningCheck;
  private readonly announcements: AnnouncementCheck;
  private readonly answers: AnswerCheck;

  constructor(private readonly options: CheckerOptions) {
    this.running = new RunningCheck(
      this.log,
      options.presenceTtlMs + 10_000,
      conflicting,
      options.note,
    );
    this.announcements = new AnnouncementCheck(this.log, announcerOf, options.announceTtlMs);
    this.answers = new AnswerCheck(this.log);
  }

  etcdTrouble(at: number): void {
    this.answers.etcdTrouble(at);
  }

  /** etcd answers again with a leader, which renewed every lease. */
  etcdBack(at: number): void {
    this.answers.etcdBack(at);
    this.announcements.leasesRenewed(at);
  }

  observe(sample: Sample): void {
    this.samples++;
    if (sample.members === undefined) this.answers.etcdSilent(sample.at);
    this.checks[1] += this.running.observe(sample);
    this.checks[2] += this.announcements.observe(sample);
    if (
      sample.units &&
      sample.templates &&
      !this.answers.troubled(sample.at, LISTING_AFTER_TROUBLE_MS)
    )
      this.listing(sample.at, sample.listedAt ?? sample.at, sample.units, sample.templates);
  }

  /** Invariant 3 on a listing asked for at `at` and answered at `answeredAt`. */
  listing(at: number, answeredAt: number, units: ListedUnit[], templates: ListedUnit[]): void {
    this.checks[3]++;
    const { model } = this.options;
    const lag = this.options.viewLagMs ?? 5000;
    const canary = (name: string) => mayBeCanary(name) && model.rolloutsSent();
    for (const problem of model.contradictions(units, templates, at - lag, answeredAt, canary))
      this.log.report(3, at, problem);
  }

  answer(answer: Answer): void {
    this.checks[4] += this.answers.observe(answer);
  }

  /** Whether the sample shows the cluster settled; `final` reports what still is not. */
  converged(sample: Sample, final: boolean): boolean {
    this.checks[5]++;
    const problems = convergenceProblems(sample, announcedKey);
    if (final) for (const problem of problems) this.log.report(5, sample.at, problem);
    return problems.length === 0;
  }
}
