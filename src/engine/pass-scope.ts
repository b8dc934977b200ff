import type { Change } from "../registry/registry.ts";
import type { ClusterView } from "../registry/view.ts";
import type { Actions, Scope } from "./actions.ts";

/**
 * Which units the engine's next pass must look at, so that a pass costs what changed and not
 * the size of the cluster: units the view changed (and those placed on a machine that
 * changed), units waiting for a machine, units whose agent call is due again, and every global
 * unit (their placements are not kept in the scheduler index between passes). The first pass,
 * a reset of the view, new unit content or a failed pass look at every unit.
 */
export class PassScope {
  private readonly changed = new Set<string>();
  private readonly waiting = new Set<string>();
  /** Units with an agent call outstanding, and when to look at them again without a change. */
  private readonly recheckAt = new Map<string, number>();
  private everything = true;
  private seenResets = -1;

  constructor(private readonly view: ClusterView) {}

  /** Follows the view's changes; returns the function that stops following. */
  follow(): () => void {
    this.everything = true;
    return this.view.onChange((_revision, changes) => this.note(changes));
  }

  note(changes: readonly Change[]): void {
    for (const change of changes) {
      switch (change.kind) {
        case "unit":
        case "placement":
        case "schedule":
        case "state":
          this.changed.add(change.name);
          break;
        case "machine":
        case "machine-metadata":
        case "machine-drain":
          // Units waiting for a machine are in every scope; those placed here may be stale now,
          // and what it reports may be wanted elsewhere (or stopped) now that it is (not) here.
          for (const name of this.view.placedOn(change.id)) this.changed.add(name);
          for (const name of this.view.reportedOn(change.id)) this.changed.add(name);
          break;
        case "unit-file":
          // Content that arrives late can make requirements known for many units at once.
          if (change.text !== undefined) this.everything = true;
          break;
      }
    }
  }

  /** The next pass looks at every unit. */
  widen(): void {
    this.everything = true;
  }

  /** The scope of a pass starting at `now` (undefined: every unit); it is taken from what is owed. */
  take(now: number): Scope {
    if (this.everything || this.seenResets !== this.view.resets) {
      this.everything = false;
      this.seenResets = this.view.resets;
      this.changed.clear();
      return undefined;
    }
    const scope = new Set(this.changed);
    this.changed.clear();
    for (const name of this.waiting) scope.add(name);
    for (const name of this.view.specs.globals) scope.add(name);
    for (const [name, at] of this.recheckAt) if (at <= now) scope.add(name);
    return scope;
  }

  /**
   * Records what a pass over `scope` left owing: the units it could not place, and for each
   * agent task, when its unit is to be looked at again (`recheckAt` of the task).
   */
  settle(scope: Scope, actions: Actions, recheckAt: (task: Actions["agent"][number]) => number) {
    if (scope) {
      for (const name of scope) {
        this.waiting.delete(name);
        this.recheckAt.delete(name);
      }
    } else {
      this.waiting.clear();
      this.recheckAt.clear();
    }
    for (const name of actions.waiting) this.waiting.add(name);
    for (const task of actions.agent) this.recheck(task.unit, recheckAt(task));
  }

  /** Looks at `name` again by `at` at the latest (a failed call's backoff, say). */
  recheck(name: string, at: number): void {
    const known = this.recheckAt.get(name);
    if (known === undefined || at < known) this.recheckAt.set(name, at);
  }
}
