import { type Backoff, backoffDelay } from "../backoff.ts";
import type { AgentTask, Scope } from "./actions.ts";

/** Backoff of agent calls per unit and machine: 0.5 s doubling to 30 s. */
const CALL_BACKOFF: Backoff = { firstMs: 500, maxMs: 30_000 };
/** A call that succeeded is not repeated until its report has had this long to arrive. */
export const REPORT_GRACE_MS = 10_000;

interface CallRecord {
  /** The last call made, while its report may still be on its way. */
  sent?: {
    desiredState: string;
    hash: string;
    launch: number | undefined;
    draining: boolean;
    at: number;
  };
  /** Failures in a row, and when the next attempt is due. */
  failures?: { attempts: number; nextAt: number };
}

/**
 * What the engine asked of each agent for each unit, for pacing its calls: a call is not
 * repeated while its report may still come, and failed calls back off. A unit with nothing
 * left to ask is forgotten, so the log stays the size of the work in flight.
 */
export class CallLog {
  private readonly byUnit = new Map<string, Map<string, CallRecord>>();

  /** When a call for this task is due: now (or earlier) unless backing off or just made. */
  dueAt(task: AgentTask): number {
    const record = this.byUnit.get(task.unit)?.get(task.machineId);
    if (!record) return 0;
    const { sent, failures } = record;
    const sameCall =
      sent &&
      sent.desiredState === task.desiredState &&
      sent.hash === task.hash &&
      sent.launch === task.launch &&
      sent.draining === (task.draining === true);
    return Math.max(failures?.nextAt ?? 0, sameCall ? sent.at + REPORT_GRACE_MS : 0);
  }

  sent(task: AgentTask, at: number): void {
    const record = this.record(task);
    record.sent = {
      desiredState: task.desiredState,
      hash: task.hash,
      launch: task.launch,
      draining: task.draining === true,
      at,
    };
  }

  succeeded(task: AgentTask): void {
    const record = this.byUnit.get(task.unit)?.get(task.machineId);
    if (record) record.failures = undefined;
  }

  /** Records a failed call; returns how many in a row and when to try again. */
  failed(task: AgentTask, now: number): { attempts: number; retryInMs: number; nextAt: number } {
    const record = this.record(task);
    record.sent = undefined;
    const attempts = (record.failures?.attempts ?? 0) + 1;
    const retryInMs = backoffDelay(CALL_BACKOFF, attempts - 1);
    record.failures = { attempts, nextAt: now + retryInMs };
    return { attempts, retryInMs, nextAt: now + retryInMs };
  }

  /** Forgets the units of `scope` (every unit when undefined) that no task names. */
  settle(scope: Scope, tasks: readonly AgentTask[]): void {
    const owing = new Set(tasks.map((task) => task.unit));
    for (const unit of scope ?? [...this.byUnit.keys()]) {
      if (!owing.has(unit)) this.byUnit.delete(unit);
    }
  }

  private record(task: AgentTask): CallRecord {
    let machines = this.byUnit.get(task.unit);
    if (!machines) {
      machines = new Map();
      this.byUnit.set(task.unit, machines);
    }
    let record = machines.get(task.machineId);
    if (!record) {
      record = {};
      machines.set(task.machineId, record);
    }
    return record;
  }
}
