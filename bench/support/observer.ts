import { connectEtcd } from "../../src/registry/etcd-client.ts";
import { EtcdRegistry } from "../../src/registry/etcd-registry.ts";
import type { Change } from "../../src/registry/registry.ts";
import { ClusterView } from "../../src/registry/view.ts";

/**
 * Watches a benchmark's cluster straight from etcd (not through the server under test) and
 * keeps counts up to date on every change: units placed, units running (reported active on
 * some machine), machines present.
 */
export class ClusterObserver {
  readonly view = new ClusterView();
  readonly registry: EtcdRegistry;
  /** Units reported active, with the machine reporting them. */
  readonly active = new Map<string, string>();
  private readonly waiters = new Set<() => void>();

  constructor(etcd: string, prefix: string) {
    this.registry = new EtcdRegistry(connectEtcd({ endpoints: [etcd] }), { prefix });
  }

  async start(): Promise<this> {
    this.view.onChange((_revision, changes) => this.changed(changes));
    await this.view.start(this.registry);
    for (const name of this.view.states.keys()) this.refresh(name);
    return this;
  }

  get placed(): number {
    return this.view.placements.size;
  }

  get machines(): number {
    return this.view.machines.size;
  }

  private changed(changes: readonly Change[]): void {
    for (const change of changes) if (change.kind === "state") this.refresh(change.name);
    for (const wake of this.waiters) wake();
  }

  private refresh(name: string): void {
    let on: string | undefined;
    for (const [machineId, state] of this.view.states.get(name) ?? []) {
      if (state.activeState === "active") on = machineId;
    }
    if (on === undefined) this.active.delete(name);
    else this.active.set(name, on);
  }

  /** Resolves with the time (performance.now()) at which `condition` first held. */
  until(what: string, condition: () => boolean, timeoutMs: number): Promise<number> {
    if (condition()) return Promise.resolve(performance.now());
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        done();
        resolve(performance.now());
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  async stop(): Promise<void> {
    await this.view.stop();
    await this.registry.close();
  }
}
