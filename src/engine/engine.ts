import { AgentClient } from "../agent-client/client.ts";
import type { Leadership, Registry } from "../registry/registry.ts";
import type { ClusterView } from "../registry/view.ts";
import { type Actions, type AgentTask, computeActions } from "./actions.ts";
import { Limiter } from "./limiter.ts";
import { UnitSpecs } from "./unit-specs.ts";

export interface EngineLog {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
}

export interface EngineOptions {
  registry: Registry;
  view: ClusterView;
  /** Whether the view holds a full, current snapshot; the engine acts only then. */
  isSynced: () => boolean;
  candidate: string;
  agentToken?: string;
  leaderTtlSeconds?: number;
  /** A pass runs on every change and at least this often, for retries. */
  periodMs?: number;
  log: EngineLog;
}

/** Backoff of agent calls per unit and machine: 0.5 s doubling to 30 s. */
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 30_000;
/** A call that succeeded is not repeated until its report has had this long to arrive. */
const REPORT_GRACE_MS = 10_000;

/**
 * The reconciler. Every server runs one; the one elected through etcd leads: on each
 * change (and periodically) it places units, unplaces inactive ones and those of lost
 * machines, and calls agents until their reports match the desired state.
 */
export class Engine {
  private readonly specs: UnitSpecs;
  private readonly limiter = new Limiter(64, 4);
  private readonly agents = new Map<string, AgentClient>();
  private readonly backoff = new Map<string, { attempts: number; nextAt: number }>();
  private readonly sent = new Map<string, { desiredState: string; hash: string; at: number }>();
  private leadership: Leadership | undefined;
  private leading = false;
  private stopped = false;
  private running: Promise<void> | undefined;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: EngineOptions) {
    this.specs = new UnitSpecs(options.view);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Campaigns for leadership until stopped; leads while elected. */
  async start(): Promise<void> {
    void this.campaignLoop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopLeading();
    await this.running;
    await this.leadership?.resign().catch(() => {});
  }

  private async campaignLoop(): Promise<void> {
    while (!this.stopped) {
      try {
        this.leadership = await this.options.registry.campaign(
          this.options.candidate,
          this.options.leaderTtlSeconds ?? 10,
        );
        if (this.stopped) break;
        this.options.log.info("elected engine leader", { candidate: this.options.candidate });
        this.startLeading();
        await this.leadership.lost;
        this.options.log.warn("engine leadership lost");
        this.stopLeading();
      } catch (error) {
        this.stopLeading();
        if (!this.stopped) await delay(1000);
        if (!this.stopped)
          this.options.log.warn("campaign for engine leadership failed; retrying", {
            err: String(error),
          });
      }
    }
  }

  private startLeading(): void {
    this.leading = true;
    this.unsubscribe = this.options.view.onChange(() => this.trigger());
    this.timer = setInterval(() => this.trigger(), this.options.periodMs ?? 2000);
    this.trigger();
  }

  private stopLeading(): void {
    this.leading = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Asks for a pass: one runs at a time, and a request during a pass runs another after it. */
  trigger(): void {
    if (!this.leading) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.dirty && this.leading) {
        this.dirty = false;
        setImmediate(() => this.trigger());
      }
    });
  }

  private async pass(): Promise<void> {
    const { view, registry } = this.options;
    if (!this.options.isSynced() || !view.connected) return;
    let actions: Actions;
    try {
      actions = computeActions(view, this.specs);
    } catch (error) {
      this.options.log.warn("reconciliation failed", { err: String(error) });
      return;
    }
    let revision = 0;
    const note = (result: { ok: boolean; revision?: number }) => {
      if (result.ok && result.revision) revision = Math.max(revision, result.revision);
    };
    await Promise.all([
      ...actions.unplace.map((entry) =>
        this.limiter.run("etcd", async () => {
          this.options.log.info("unplacing unit", {
            unit: entry.unit,
            machineId: entry.machineId,
            why: entry.why,
          });
          note(await registry.unplace(entry.unit, entry.machineId));
        }),
      ),
      ...actions.place.map((entry) =>
        this.limiter.run("etcd", async () => {
          note(await registry.place(entry.unit, entry.machineId));
        }),
      ),
      ...actions.status.map((entry) =>
        this.limiter.run("etcd", () => registry.setScheduleStatus(entry.unit, entry.reason)),
      ),
    ]).catch((error: unknown) =>
      this.options.log.warn("writing placements failed", { err: String(error) }),
    );
    void Promise.all(actions.agent.map((task) => this.callAgent(task)));
    if (revision > 0) await view.waitFor(revision);
    this.specs.prune();
  }

  private async callAgent(task: AgentTask): Promise<void> {
    const key = `${task.unit}@${task.machineId}`;
    const now = Date.now();
    const backoff = this.backoff.get(key);
    if (backoff && now < backoff.nextAt) return;
    const sent = this.sent.get(key);
    if (
      sent &&
      sent.desiredState === task.desiredState &&
      sent.hash === task.hash &&
      now - sent.at < REPORT_GRACE_MS
    )
      return;
    const machine = this.options.view.machines.get(task.machineId);
    if (!machine) return;
    this.sent.set(key, { desiredState: task.desiredState, hash: task.hash, at: now });
    try {
      await this.limiter.run(task.machineId, () =>
        this.agent(machine.agentURL).applyUnit(task.unit, {
          desiredState: task.desiredState,
          hash: task.hash,
          ...(task.desiredState === "inactive" ? {} : textOf(this.options.view, task.hash)),
        }),
      );
      this.backoff.delete(key);
    } catch (error) {
      this.sent.delete(key);
      const attempts = (backoff?.attempts ?? 0) + 1;
      const wait = Math.min(BACKOFF_FIRST_MS * 2 ** (attempts - 1), BACKOFF_MAX_MS);
      this.backoff.set(key, { attempts, nextAt: Date.now() + wait });
      this.options.log.warn("agent call failed; will retry", {
        unit: task.unit,
        machineId: task.machineId,
        attempts,
        retryInMs: wait,
        err: (error as Error).message,
      });
    }
  }

  private agent(url: string): AgentClient {
    let client = this.agents.get(url);
    if (!client) {
      client = new AgentClient({
        url,
        token: this.options.agentToken,
        attempts: 1,
        timeoutMs: 10_000,
      });
      this.agents.set(url, client);
    }
    return client;
  }
}

function textOf(view: ClusterView, hash: string): { text?: string } {
  const text = view.unitTexts.get(hash);
  return text === undefined ? {} : { text };
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
