// One campaign: the cluster started, the setup, then the plan's operations and faults side by
// side while the sampler feeds the checker; then every fault healed, the cluster given its
// presence TTL + 10 s to settle, and everything taken down.
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectEtcd } from "../../src/registry/etcd-client.ts";
import { unitContent } from "../support/agents.ts";
import { ANNOUNCE_TTL_SECONDS, FILES } from "./catalog.ts";
import { Checker } from "./checker.ts";
import { Clock, sleep } from "./clock.ts";
import { ChaosCluster, PRESENCE_TTL_SECONDS } from "./cluster.ts";
import { FaultInjector } from "./faults.ts";
import { History } from "./history.ts";
import { drawPlan, type Plan } from "./plan.ts";
import type { ListedUnit, Sample } from "./sample.ts";
import { Sampler } from "./sampler.ts";
import { replayCommand, type Summary } from "./summary.ts";
import { Workload } from "./workload.ts";
import { WriteModel } from "./write-model.ts";

const PRESENCE_TTL_MS = PRESENCE_TTL_SECONDS * 1000;
/** The longest wait for rollouts still running at the end to finish, before convergence counts. */
const ROLLOUTS_END_WITHIN_MS = 180_000;

export interface CampaignResult {
  summary: Summary;
  failed: boolean;
  history: string[];
}

export class Campaign {
  readonly clock = new Clock();
  readonly history = new History();
  readonly plan: Plan;
  readonly logDir: string;
  private readonly model = new WriteModel();
  private readonly checker: Checker;
  private readonly cluster: ChaosCluster;
  private crashes = 0;
  /** Whoever asks first starts it; everyone waits for the same. */
  private takingDown: Promise<void> | undefined;
  private operations: Record<string, Record<string, number>> = {};
  private faultsInjected: Record<string, number> = {};
  /** What the end's last look saw: written beside the log, to see why a cluster did not settle. */
  private lastSample: Sample | undefined;

  constructor(
    readonly seed: number,
    readonly minutes: number,
    private readonly progress: (line: string) => void,
  ) {
    this.plan = drawPlan(seed, minutes, { servers: 3, agents: 4, presenceTtlMs: PRESENCE_TTL_MS });
    this.checker = new Checker({
      presenceTtlMs: PRESENCE_TTL_MS,
      announceTtlMs: ANNOUNCE_TTL_SECONDS * 1000,
      model: this.model,
      note: (at, text) => this.history.add(at, "note", text),
    });
    this.cluster = new ChaosCluster(this.clock);
    this.logDir = join(
      tmpdir(),
      `flotilla-chaos-${seed}-${new Date().toISOString().replace(/[:.]/g, "-")}`,
    );
  }

  async run(): Promise<CampaignResult> {
    const hashes = new Map(
      FILES.map((file) => [
        file.name,
        file.versions.map((text) => unitContent(text).hash) as [string, string],
      ]),
    );
    let convergedAfterMs: number | null = null;
    try {
      await this.cluster.start(this.progress);
      const etcd = connectEtcd({ endpoints: this.cluster.etcd.endpoints, callTimeoutMs: 1000 });
      const sampler = new Sampler(
        this.cluster,
        etcd,
        this.clock,
        (sample) => this.checker.observe(sample),
        (answer) => this.checker.answer(answer),
      );
      const workload = new Workload(
        this.cluster,
        this.clock,
        this.model,
        this.history,
        hashes,
        (answer) => this.checker.answer(answer),
      );
      const faults = new FaultInjector(this.cluster, this.clock, this.history, this.checker);
      this.operations = workload.outcomes;
      this.faultsInjected = faults.counts;
      sampler.start();
      const keeping = setInterval(() => void this.keepUp(), 500);
      const settling = setInterval(() => void workload.settle(), 1000);
      try {
        this.progress(`setup: ${this.plan.setup.length} operations`);
        for (const operation of this.plan.setup) await workload.run(operation);
        const began = this.clock.now();
        this.history.add(
          began,
          "note",
          `the plan begins: ${this.plan.operations.length} operations, ${this.plan.faults.length} faults`,
        );
        this.progress(
          `running for ${this.minutes} min: ${this.plan.operations.length} operations, ${this.plan.faults.length} faults`,
        );
        await Promise.all([
          (async () => {
            for (const operation of this.plan.operations) {
              await sleep(began + operation.at - this.clock.now());
              await workload.run(operation);
            }
          })(),
          (async () => {
            for (const fault of this.plan.faults) {
              await sleep(began + fault.at - this.clock.now());
              await faults.inject(fault);
            }
          })(),
        ]);
        await sleep(began + this.plan.durationMs - this.clock.now());
        this.progress("the plan is over: healing, then waiting for the cluster to settle");
        await faults.healAll();
        await this.rolloutsEnd(workload);
        await workload.pairSidekicks(await this.listedUnits(sampler));
        convergedAfterMs = await this.converge(sampler);
        const asked = this.clock.now();
        for (const listing of await sampler.listingsOfAll())
          this.checker.listing(asked, listing.listedAt, listing.units, listing.templates);
      } finally {
        clearInterval(keeping);
        clearInterval(settling);
        await sampler.stop();
        etcd.close();
      }
    } finally {
      await this.takeDown();
    }
    return this.result(convergedAfterMs);
  }

  /** Takes everything down and writes the processes' output beside the log; once, whoever asks first. */
  takeDown(): Promise<void> {
    this.takingDown ??= (async () => {
      try {
        await mkdir(this.logDir, { recursive: true });
        for (const { daemon } of [...this.cluster.servers, ...this.cluster.agents])
          await writeFile(
            join(this.logDir, `${daemon.name.replace(" ", "-")}.log`),
            daemon.output(),
          );
      } finally {
        await this.cluster.destroy();
      }
    })();
    return this.takingDown;
  }

  /** Writes the timed log, with the violations, to the log directory; returns its path. */
  async writeHistory(): Promise<string> {
    await mkdir(this.logDir, { recursive: true });
    const path = join(this.logDir, "history.log");
    const header = [
      `seed ${this.seed}, ${this.minutes} min`,
      `replay: ${replayCommand(this.seed, this.minutes)}`,
      "",
    ];
    await writeFile(path, `${[...header, ...this.historyLines()].join("\n")}\n`);
    if (this.lastSample)
      await writeFile(
        join(this.logDir, "last-sample.json"),
        `${JSON.stringify(this.lastSample, null, 2)}\n`,
      );
    return path;
  }

  historyLines(): string[] {
    return this.history.lines(this.checker.log.all);
  }

  /** A server or agent that ended by itself is a finding; it is started again. */
  private async keepUp(): Promise<void> {
    if (this.takingDown) return;
    for (const { daemon } of [...this.cluster.servers, ...this.cluster.agents]) {
      const ended = daemon.endedByItself();
      if (!ended) continue;
      this.crashes++;
      this.history.add(
        this.clock.now(),
        "note",
        `${daemon.name} ended by itself (${ended}); starting it again`,
      );
      await daemon
        .heal()
        .catch((error: Error) =>
          this.history.add(this.clock.now(), "note", `${daemon.name}: ${error.message}`),
        );
    }
  }

  private async rolloutsEnd(workload: Workload): Promise<void> {
    const until = this.clock.now() + ROLLOUTS_END_WITHIN_MS;
    while (workload.rolling && this.clock.now() < until) {
      await workload.settle();
      await sleep(1000);
    }
    if (workload.rolling)
      this.history.add(this.clock.now(), "note", "rollouts still running after 3 minutes");
  }

  /** The units as the next sample that could list them saw them (none after 30 s). */
  private async listedUnits(sampler: Sampler): Promise<ListedUnit[]> {
    const until = this.clock.now() + 30_000;
    for (;;) {
      const sample = await sampler.next();
      if (sample.units || sample.at > until) return sample.units ?? [];
    }
  }

  /** Milliseconds until a sample showed the cluster settled, or null past the presence TTL + 10 s. */
  private async converge(sampler: Sampler): Promise<number | null> {
    const from = this.clock.now();
    const deadline = from + PRESENCE_TTL_MS + 10_000;
    this.history.add(from, "note", "quiet: no more operations or faults; the cluster must settle");
    for (;;) {
      const sample = await sampler.next();
      this.lastSample = sample;
      if (this.checker.converged(sample, false)) {
        this.history.add(
          sample.at,
          "note",
          `settled after ${((sample.at - from) / 1000).toFixed(1)} s`,
        );
        return sample.at - from;
      }
      if (sample.at > deadline) {
        this.checker.converged(sample, true);
        return null;
      }
    }
  }

  private result(convergedAfterMs: number | null): CampaignResult {
    const byInvariant = this.checker.log.byInvariant();
    const total = this.checker.log.all.length;
    return {
      summary: {
        seed: this.seed,
        minutes: this.minutes,
        command: replayCommand(this.seed, this.minutes),
        faults: this.faultsInjected,
        operations: this.operations,
        crashes: this.crashes,
        samples: this.checker.samples,
        checks: this.checker.checks,
        violations: { total, byInvariant },
        convergedAfterMs,
        logFile: join(this.logDir, "history.log"),
      },
      failed: total > 0 || this.crashes > 0,
      history: this.historyLines(),
    };
  }
}
