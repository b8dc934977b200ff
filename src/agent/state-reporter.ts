import { isDeepStrictEqual } from "node:util";
import { type Backoff, backoffDelay } from "../backoff.ts";
import type { UnitStateRecord } from "../registry/records.ts";
import type { Presence, Registry } from "../registry/registry.ts";
import type { AgentUnitView } from "./unit-manager.ts";

/** The units an agent runs, as its unit manager shows them. */
export interface UnitSource {
  list(): readonly AgentUnitView[];
  view(name: string): AgentUnitView | undefined;
}

type Pending = { kind: "report"; unit: AgentUnitView } | { kind: "withdraw" };

/** Units written per transaction; more wait for the next one. */
const BATCH = 100;
/**
 * How long a first change waits for others before it is written: a unit that starts at once
 * goes from activating to active within it, and costs one write instead of two.
 */
const GATHER_MS = 5;
/** After a failed write, its changes are tried again this much later: 250 ms doubling to 5 s. */
const RETRY_BACKOFF: Backoff = { firstMs: 250, maxMs: 5000 };

/**
 * Writes unit states to etcd under the machine's presence lease. One write is in flight at a
 * time for the whole machine, and it carries the latest state of every unit that changed
 * meanwhile (up to BATCH, in one transaction): concurrent puts could land out of order and
 * leave a stale state behind, and a machine starting many units pays one write per batch
 * instead of one per unit and state.
 */
export class StateReporter {
  private readonly pending = new Map<string, Pending>();
  private busy = false;
  private current: Presence | undefined;
  /** Failed writes in a row. */
  private failures = 0;

  constructor(
    private readonly registry: Registry,
    private readonly machineId: string,
    private readonly onError: (message: string, error: unknown) => void,
  ) {}

  get presence(): Presence | undefined {
    return this.current;
  }

  /**
   * The lease states are written under. Until the machine is announced, changes wait: the
   * control plane may call an agent that listens but has not announced itself yet (it took
   * over a dead predecessor's address), and what it did then must still be reported.
   */
  set presence(presence: Presence | undefined) {
    this.current = presence;
    if (presence && this.pending.size > 0 && !this.busy) {
      this.busy = true;
      void this.flush();
    }
  }

  /**
   * Resolves once every change so far is written, or after `maxMs` (etcd may not answer):
   * checked every GATHER_MS, as writes are gathered that often.
   */
  async settled(maxMs: number): Promise<void> {
    const deadline = Date.now() + maxMs;
    while ((this.busy || this.pending.size > 0) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
  }

  report(unit: AgentUnitView): void {
    this.enqueue(unit.name, { kind: "report", unit });
  }

  withdraw(name: string): void {
    this.enqueue(name, { kind: "withdraw" });
  }

  private enqueue(name: string, next: Pending): void {
    // Re-inserted at the end, so that a unit changing all the time does not starve the others.
    this.pending.delete(name);
    this.pending.set(name, next);
    if (this.busy) return;
    this.busy = true;
    setTimeout(() => void this.flush(), GATHER_MS);
  }

  /**
   * Writes what is pending, a batch at a time. A batch that fails goes back to pending (behind
   * any newer change of the same unit) and is tried again after a backoff: a state that is
   * not written stays wrong in etcd until the unit changes again.
   */
  private async flush(): Promise<void> {
    while (this.current && this.pending.size > 0) {
      const presence = this.current;
      const batch: [string, Pending][] = [];
      for (const entry of this.pending) {
        batch.push(entry);
        if (batch.length === BATCH) break;
      }
      for (const [name] of batch) this.pending.delete(name);
      try {
        await this.write(presence, batch);
        this.failures = 0;
      } catch (error) {
        const retryMs = backoffDelay(RETRY_BACKOFF, this.failures++);
        this.onError(
          `cannot report ${batch.map(([name]) => name).join(", ")}; retrying in ${retryMs} ms`,
          error,
        );
        for (const [name, next] of batch) if (!this.pending.has(name)) this.pending.set(name, next);
        setTimeout(() => void this.flush(), retryMs).unref();
        return;
      }
    }
    this.busy = false;
  }

  /**
   * Compares what etcd holds for these units with what they are, and reports again those that
   * differ or are missing: a state deleted behind the agent's back, or lost some other way,
   * would otherwise stay wrong until the unit changes.
   */
  async check(units: UnitSource): Promise<void> {
    if (!this.current) return;
    const names = units.list().map((unit) => unit.name);
    const stored = await this.registry.storedUnitStates(this.machineId, names);
    for (const name of names) {
      // What the unit is now: it may have changed, and been reported, during the read.
      const unit = units.view(name);
      if (!unit || this.pending.has(name)) continue;
      // Through JSON, as etcd holds it: a field left undefined is not stored.
      const reported: unknown = JSON.parse(JSON.stringify(this.record(unit)));
      if (isDeepStrictEqual(stored.get(name), reported)) continue;
      this.onError(`etcd did not hold the state of ${name}; reporting it again`, undefined);
      this.report(unit);
    }
  }

  private record(unit: AgentUnitView): UnitStateRecord {
    return {
      name: unit.name,
      machineId: this.machineId,
      hash: unit.hash,
      desiredState: unit.desiredState,
      loadState: unit.loadState,
      activeState: unit.activeState,
      subState: unit.subState,
      since: unit.since,
      ...(unit.error ? { error: unit.error } : {}),
      ...(unit.launch !== undefined ? { launch: unit.launch } : {}),
      ...(unit.draining ? { draining: true } : {}),
      ...(unit.lastExit ? { lastExit: unit.lastExit } : {}),
      // The health as last reported: it changes with its status only, never with each check
      // (the agent's view has the last check too, which stays out of etcd), so a unit's
      // checks cost etcd a write per change of health, not one per interval.
      ...(unit.health ? { health: unit.health } : {}),
      ...(unit.timer ? { timer: unit.timer } : {}),
      ...(unit.runs ? { runs: unit.runs } : {}),
    };
  }

  private async write(presence: Presence, batch: [string, Pending][]): Promise<void> {
    const withdrawals = batch.filter(([, next]) => next.kind === "withdraw").map(([name]) => name);
    const reports: UnitStateRecord[] = [];
    for (const [, next] of batch) if (next.kind === "report") reports.push(this.record(next.unit));
    if (reports.length === 1 && withdrawals.length === 0) {
      await this.registry.reportUnitState(presence, reports[0] as UnitStateRecord);
    } else {
      await this.registry.reportUnitStates(presence, this.machineId, reports, withdrawals);
    }
  }
}
