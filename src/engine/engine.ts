import { setTimeout as sleep } from "node:timers/promises";
import type { Dispatcher } from "undici";
import { AgentClient } from "../agent-client/client.ts";
import { packGroups } from "../registry/batches.ts";
import type { Leadership, Registry } from "../registry/registry.ts";
import type { ClusterView } from "../registry/view.ts";
import type { ClusterIndex } from "../scheduler/cluster-index.ts";
import { type PlacementViolation, placementViolations } from "../scheduler/invariants.ts";
import { placementGroups } from "../scheduler/plan.ts";
import { type Actions, type AgentTask, computeActions } from "./actions.ts";
import { CallLog, REPORT_GRACE_MS } from "./call-log.ts";
import { Limiter } from "./limiter.ts";
import { MachineLoss } from "./machine-loss.ts";
import { PassScope } from "./pass-scope.ts";
import { PlacementIndex } from "./placement-index.ts";
import { RolloutDriver } from "./rollouts.ts";

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
  /**
   * Called after every pass with the placements that break their unit's requirements once the
   * pass's own decisions are made (there should be none); for tests and `--check-placements`.
   */
  onPlacementViolations?: (violations: PlacementViolation[]) => void;
}

/** Units asked of one agent per call (its API takes at most 100). */
const AGENT_BATCH = 50;
/** Unit text sent in one call at most (the agent reads bodies of up to 1 MiB). */
const AGENT_BATCH_TEXT = 512 * 1024;
/** Placements (in whole groups) written per call of writePlacements, several in flight at once. */
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
  private readonly placements: PlacementIndex;
  private readonly scope: PassScope;
  private readonly machineLoss: MachineLoss;
  private readonly rollouts: RolloutDriver;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Number.POSITIVE_INFINITY;
  private unfollow: (() => void) | undefined;
  private lastFullPassAt = 0;
  private computeMs = 0;
  private readonly limiter = new Limiter(64, 4);
  private readonly agents = new Map<string, AgentClient>();
  private readonly calls = new CallLog();
  /** The units last said to be held (see warnHeld). */
  private heldSaid = "";
  private leadership: Leadership | undefined;
  private leading = false;
  private stopped = false;
  private running: Promise<void> | undefined;
  private dirty = false;
  private caughtUp = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: EngineOptions) {
    this.placements = new PlacementIndex(options.view);
    this.scope = new PassScope(options.view);
    this.machineLoss = new MachineLoss(options.view);
    this.rollouts = new RolloutDriver(options.view, options.registry, options.log);
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
        if (!this.stopped) await sleep(1000);
        if (!this.stopped)
          this.options.log.warn("campaign for engine leadership failed; retrying", {
            err: String(error),
          });
      }
    }
  }

  private startLeading(): void {
    this.leading = true;
    this.machineLoss.restart(Date.now());
    this.caughtUp = false;
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
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeAt = Number.POSITIVE_INFINITY;
  }

  /** Runs a pass at `at` at the latest (when a vanished machine's grace ends). */
  private wake(at: number): void {
    if (at >= this.wakeAt) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = undefined;
        this.wakeAt = Number.POSITIVE_INFINITY;
        this.trigger();
      },
      Math.max(0, at - Date.now()),
    );
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
    // A watch response's revisions are applied one by one, each telling the listeners: the
    // pass starts once the whole response is in the view.
    await new Promise((resolve) => setImmediate(resolve));
    if (!this.options.isSynced() || !view.connected) return;
    if (!this.caughtUp) {
      // A new leader's view may lag etcd (a watch resuming after an outage replays what it
      // missed): the first pass waits until the view holds what etcd holds now.
      try {
        await view.waitFor(await registry.ping());
      } catch {
        return;
      }
      this.caughtUp = true;
    }
    let actions: Actions;
    const started = performance.now();
    const now = Date.now();
    if (now - this.lastFullPassAt >= FULL_PASS_EVERY_MS) this.scope.widen();
    const scope = this.scope.take(now);
    if (!scope) this.lastFullPassAt = now;
    this.machineLoss.observe();
    try {
      actions = computeActions(view, {
        placements: this.placements,
        scope,
        now,
        lostAt: (machineId) => this.machineLoss.lostAt(machineId, now),
        onResult: this.options.onPlacementViolations
          ? (index) => this.reportViolations(index)
          : undefined,
      });
      // A call made now is looked at again if its report has not come by the end of its grace.
      this.scope.settle(scope, actions, (task) => {
        const at = this.calls.dueAt(task);
        return at <= now ? now + REPORT_GRACE_MS : at;
      });
      for (const [name, at] of actions.recheckAt) {
        this.scope.recheck(name, at);
        this.wake(at);
      }
      this.calls.settle(scope, actions.agent);
      this.warnHeld(actions.held);
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
    const groups = placementGroups(actions.place, (name) => view.spec(name));
    for (const entry of actions.place) {
      if (entry.from)
        this.options.log.info("moving unit", {
          unit: entry.unit,
          from: entry.from.machineId,
          to: entry.machineId,
        });
    }
    await Promise.all([
      ...actions.unplace.map((entry) =>
        this.limiter.run("etcd", async () => {
          this.options.log.info("unplacing unit", {
            unit: entry.unit,
            machineId: entry.machineId,
            why: entry.why,
          });
          note(
            await registry.unplace(entry.unit, entry.machineId, {
              ifMachineGone: entry.machineGone === true,
              ifMachineDrained: entry.machineDrained === true,
            }),
          );
        }),
      ),
      ...packGroups(groups, PLACEMENT_BATCH).map((batch) =>
        this.limiter.run("etcd", async () => {
          const results = await registry.writePlacements(
            batch.map((group) =>
              group.map((entry) => ({
                name: entry.unit,
                machineId: entry.machineId,
                ...(entry.from ? { from: entry.from } : {}),
              })),
            ),
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
    const due = new Map<string, AgentTask[]>();
    for (const task of actions.agent) {
      if (this.calls.dueAt(task) > now) continue;
      const tasks = due.get(task.machineId) ?? [];
      tasks.push(task);
      due.set(task.machineId, tasks);
    }
    for (const [machineId, tasks] of due)
      for (const batch of agentBatches(tasks, view)) void this.callAgent(machineId, batch);
    await this.driveRollouts();
    if (revision > 0) await view.waitFor(revision);
  }

  /** Says once (and again when it changes) that units run on without a record. */
  private warnHeld(held: readonly string[]): void {
    // A pass that looks at a few units only sees few: only a different set is said again.
    const said = [...held].sort().join(" ");
    if (held.length === 0 || said === this.heldSaid) return;
    this.heldSaid = said;
    this.options.log.warn(
      "etcd holds no cluster record, yet agents run units it has no record of: they are left running until a backup is restored (flotilla restore) or a unit is submitted",
      { units: held.length, examples: [...held].sort().slice(0, 5) },
    );
  }

  private async driveRollouts(): Promise<void> {
    try {
      const wakeAt = await this.rollouts.drive(Date.now());
      if (wakeAt !== undefined) this.wake(wakeAt);
    } catch (error) {
      this.options.log.warn("driving rollouts failed; retrying", { err: String(error) });
      this.wake(Date.now() + 1000);
    }
  }

  /** One call to a machine's agent for several of its units, each with its own outcome. */
  private async callAgent(machineId: string, tasks: readonly AgentTask[]): Promise<void> {
    const machine = this.options.view.machines.get(machineId);
    if (!machine) return;
    for (const task of tasks) this.calls.sent(task, Date.now());
    let results: { status: number; detail?: string }[];
    try {
      results = await this.limiter.run(machineId, () =>
        this.agent(machine.agentURL).applyUnits(
          tasks.map((task) => ({
            name: task.unit,
            desiredState: task.desiredState,
            hash: task.hash,
            ...(task.launch ? { launch: task.launch } : {}),
            ...(task.draining ? { draining: true } : {}),
            ...(task.desiredState === "inactive" ? {} : textOf(this.options.view, task.hash)),
          })),
        ),
      );
    } catch (error) {
      results = tasks.map(() => ({ status: 0, detail: (error as Error).message }));
    }
    tasks.forEach((task, i) => {
      const result = results[i] ?? { status: 0, detail: "the agent did not answer for it" };
      if (result.status >= 200 && result.status < 300) {
        this.calls.succeeded(task);
        return;
      }
      const { attempts, retryInMs, nextAt } = this.calls.failed(task, Date.now());
      this.scope.recheck(task.unit, nextAt);
      this.options.log.warn("agent call failed; will retry", {
        unit: task.unit,
        machineId,
        attempts,
        retryInMs,
        err: result.detail,
      });
    });
  }

  private reportViolations(index: ClusterIndex): void {
    const violations = placementViolations(index.machines(), [...index.placedUnits()]);
    if (violations.length === 0) return;
    this.options.log.warn("placements break their units' requirements", { violations });
    this.options.onPlacementViolations?.(violations);
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

/** Tasks of one machine in calls of at most AGENT_BATCH units and AGENT_BATCH_TEXT of text. */
function agentBatches(tasks: readonly AgentTask[], view: ClusterView): AgentTask[][] {
  const batches: AgentTask[][] = [];
  let batch: AgentTask[] = [];
  let hashes = new Set<string>();
  let textLength = 0;
  for (const task of tasks) {
    const length =
      task.desiredState === "inactive" ? 0 : (view.unitTexts.get(task.hash)?.length ?? 0);
    const added = hashes.has(task.hash) ? 0 : length;
    const full =
      batch.length === AGENT_BATCH || (batch.length > 0 && textLength + added > AGENT_BATCH_TEXT);
    if (full) {
      batches.push(batch);
      batch = [];
      hashes = new Set();
      textLength = 0;
    }
    batch.push(task);
    if (length > 0 && !hashes.has(task.hash)) {
      hashes.add(task.hash);
      textLength += length;
    }
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
