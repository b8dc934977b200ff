import type { Dispatcher } from "undici";
import { AgentClient } from "../agent-client/client.ts";
import type { Leadership, Registry } from "../registry/registry.ts";
import type { ClusterView } from "../registry/view.ts";
import { type Actions, type AgentTask, computeActions } from "./actions.ts";
import { CallLog, REPORT_GRACE_MS } from "./call-log.ts";
import { Limiter } from "./limiter.ts";
import { PassScope } from "./pass-scope.ts";
import { PlacementIndex } from "./placement-index.ts";
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
  /** Connections to agents that serve HTTPS, with the control plane's client certificate. */
  agentDispatcher?: Dispatcher;
  leaderTtlSeconds?: number;
  /** A pass runs on every change and at least this often, for retries. */
  periodMs?: number;
  log: EngineLog;
}

/** Placements written per call of placeAll, several such calls in flight at once. */
const PLACEMENT_BATCH = 50;
/**
 * After a pass whose computation took t ms, the next one waits t ms (at most this), so that
 * under a stream of changes the engine takes at most half the process's time and each pass
 * sees many changes at once; an idle cluster's passes take well under a millisecond.
 */
const MAX_PASS_SPACING_MS = 250;
/**
 * Passes look only at what changed; this often one looks at every unit anyway, so that a
 * change missed by the bookkeeping (a failed write, say) still gets acted on.
 */
const FULL_PASS_EVERY_MS = 30_000;

/**
 * The reconciler. Every server runs one; the one elected through etcd leads: on each
 * change (and periodically) it places units, unplaces inactive ones and those of lost
 * machines, and calls agents until their reports match the desired state.
 */
export class Engine {
  private readonly specs: UnitSpecs;
  private readonly placements: PlacementIndex;
  private readonly scope: PassScope;
  private unfollow: (() => void) | undefined;
  private lastFullPassAt = 0;
  private computeMs = 0;
  private readonly limiter = new Limiter(64, 4);
  private readonly agents = new Map<string, AgentClient>();
  private readonly calls = new CallLog();
  private leadership: Leadership | undefined;
  private leading = false;
  private stopped = false;
  private running: Promise<void> | undefined;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: EngineOptions) {
    this.specs = new UnitSpecs(options.view);
    this.placements = new PlacementIndex(options.view, this.specs);
    this.scope = new PassScope(options.view, this.specs);
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
    const unfollowPlacements = this.placements.follow();
    const unfollowScope = this.scope.follow();
    this.unfollow = () => {
      unfollowPlacements();
      unfollowScope();
    };
    this.unsubscribe = this.options.view.onChange(() => this.trigger());
    this.timer = setInterval(() => this.trigger(), this.options.periodMs ?? 2000);
    this.trigger();
  }

  private stopLeading(): void {
    this.leading = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.unfollow?.();
    this.unfollow = undefined;
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
      if (this.dirty && this.leading) {
        this.dirty = false;
        const spacing = Math.min(this.computeMs, MAX_PASS_SPACING_MS);
        const next = () => {
          this.running = undefined;
          this.trigger();
        };
        if (spacing < 1) setImmediate(next);
        else setTimeout(next, spacing);
      } else {
        this.running = undefined;
      }
    });
  }

  private async pass(): Promise<void> {
    const { view, registry } = this.options;
    if (!this.options.isSynced() || !view.connected) return;
    let actions: Actions;
    const started = performance.now();
    const now = Date.now();
    if (now - this.lastFullPassAt >= FULL_PASS_EVERY_MS) this.scope.widen();
    const scope = this.scope.take(now);
    if (!scope) this.lastFullPassAt = now;
    try {
      actions = computeActions(view, this.specs, this.placements, scope);
      // A call made now is looked at again if its report has not come by the end of its grace.
      this.scope.settle(scope, actions, (task) => {
        const at = this.calls.dueAt(task);
        return at <= now ? now + REPORT_GRACE_MS : at;
      });
      this.calls.settle(scope, actions.agent);
    } catch (error) {
      this.scope.widen();
      this.options.log.warn("reconciliation failed", { err: String(error) });
      return;
    } finally {
      this.computeMs = performance.now() - started;
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
      ...chunks(actions.place, PLACEMENT_BATCH).map((batch) =>
        this.limiter.run("etcd", async () => {
          const results = await registry.placeAll(
            batch.map((entry) => ({ name: entry.unit, machineId: entry.machineId })),
          );
          for (const result of results) note(result);
        }),
      ),
      ...actions.status.map((entry) =>
        this.limiter.run("etcd", () => registry.setScheduleStatus(entry.unit, entry.reason)),
      ),
    ]).catch((error: unknown) => {
      this.scope.widen();
      this.options.log.warn("writing placements failed", { err: String(error) });
    });
    for (const task of actions.agent) if (this.calls.dueAt(task) <= now) void this.callAgent(task);
    if (revision > 0) await view.waitFor(revision);
    this.specs.prune(scope);
  }

  private async callAgent(task: AgentTask): Promise<void> {
    const machine = this.options.view.machines.get(task.machineId);
    if (!machine) return;
    this.calls.sent(task, Date.now());
    try {
      await this.limiter.run(task.machineId, () =>
        this.agent(machine.agentURL).applyUnit(task.unit, {
          desiredState: task.desiredState,
          hash: task.hash,
          ...(task.desiredState === "inactive" ? {} : textOf(this.options.view, task.hash)),
        }),
      );
      this.calls.succeeded(task);
    } catch (error) {
      const { attempts, retryInMs, nextAt } = this.calls.failed(task, Date.now());
      this.scope.recheck(task.unit, nextAt);
      this.options.log.warn("agent call failed; will retry", {
        unit: task.unit,
        machineId: task.machineId,
        attempts,
        retryInMs,
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
        dispatcher: this.options.agentDispatcher,
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

function chunks<T>(items: readonly T[], size: number): T[][] {
  const found: T[][] = [];
  for (let at = 0; at < items.length; at += size) found.push(items.slice(at, at + size));
  return found;
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
