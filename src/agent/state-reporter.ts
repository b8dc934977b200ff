import type { Presence, Registry } from "../registry/registry.ts";
import type { AgentUnitView } from "./unit-manager.ts";

type Pending = { kind: "report"; unit: AgentUnitView } | { kind: "withdraw" };

/**
 * Writes unit states to etcd under the machine's presence lease, one write at a time per
 * unit and only the latest: concurrent puts could land out of order and leave a stale
 * state behind.
 */
export class StateReporter {
  private readonly pending = new Map<string, Pending>();
  private readonly busy = new Set<string>();
  presence: Presence | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly machineId: string,
    private readonly onError: (message: string, error: unknown) => void,
  ) {}

  report(unit: AgentUnitView): void {
    this.enqueue(unit.name, { kind: "report", unit });
  }

  withdraw(name: string): void {
    this.enqueue(name, { kind: "withdraw" });
  }

  private enqueue(name: string, next: Pending): void {
    this.pending.set(name, next);
    if (!this.busy.has(name)) void this.flush(name);
  }

  private async flush(name: string): Promise<void> {
    this.busy.add(name);
    try {
      for (let next = this.pending.get(name); next; next = this.pending.get(name)) {
        this.pending.delete(name);
        await this.write(name, next).catch((error: unknown) =>
          this.onError(`cannot report ${name}`, error),
        );
      }
    } finally {
      this.busy.delete(name);
    }
  }

  private async write(name: string, next: Pending): Promise<void> {
    if (next.kind === "withdraw") {
      await this.registry.withdrawUnitState(name, this.machineId);
      return;
    }
    if (!this.presence) return;
    const { unit } = next;
    await this.registry.reportUnitState(this.presence, {
      name,
      machineId: this.machineId,
      hash: unit.hash,
      desiredState: unit.desiredState,
      loadState: unit.loadState,
      activeState: unit.activeState,
      subState: unit.subState,
      since: unit.since,
      ...(unit.error ? { error: unit.error } : {}),
    });
  }
}
