import type { ClusterView } from "../registry/view.ts";
import { presentDrain } from "./entities.ts";

/**
 * Which drained machines have seen their remaining units change: a drain's progress (a unit
 * placed elsewhere, a unit stopped there) changes the machine as the API shows it, though
 * none of the machine's own keys changed. Drained machines are few, so each is looked at
 * after every change.
 */
export class DrainProgress {
  /** The remaining units last told of, by machine. */
  private readonly told = new Map<string, string>();

  /** Seeded with what the view holds now: a server starting sends no event for old news. */
  constructor(private readonly view: ClusterView) {
    this.changed();
  }

  /** The present drained machines whose remaining units are not those last told of. */
  changed(): string[] {
    for (const id of this.told.keys()) {
      if (!this.view.drains.has(id) || !this.view.machines.has(id)) this.told.delete(id);
    }
    const found: string[] = [];
    for (const id of this.view.drains.keys()) {
      if (!this.view.machines.has(id)) continue;
      const remaining = presentDrain(this.view, id)?.remainingUnits.join("\n") ?? "";
      if (this.told.get(id) === remaining) continue;
      this.told.set(id, remaining);
      found.push(id);
    }
    return found;
  }
}
