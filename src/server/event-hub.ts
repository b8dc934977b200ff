import type { Static } from "typebox";
import type { Change, Revision } from "../registry/registry.ts";
import type { ClusterView } from "../registry/view.ts";
import type { ClusterEvent } from "../schema/events.ts";
import { parseUnitName } from "../unit/name.ts";
import { DrainProgress } from "./drain-progress.ts";
import { presentMachine, presentUnit, presentUnitFile } from "./entities.ts";

export type ClusterEventView = Static<typeof ClusterEvent>;
export type EventSink = (event: ClusterEventView) => void;

/** How many recent events are kept so that a client that reconnects can resume. */
const HISTORY = 10_000;

/**
 * Turns the view's changes into API events (the resource as GET shows it after the
 * change) and fans them out to subscribers, keeping a window of history for resumption
 * by revision.
 */
export class EventHub {
  private readonly history: ClusterEventView[] = [];
  private readonly sinks = new Set<EventSink>();
  private readonly drainProgress: DrainProgress;

  constructor(private readonly view: ClusterView) {
    this.drainProgress = new DrainProgress(view);
    view.onChange((revision, changes) => this.publish(revision, changes));
  }

  /**
   * Subscribes from just after `after` (a revision a client saw), replaying what it
   * missed. Returns false, subscribing nothing, when that history is no longer kept.
   */
  subscribe(sink: EventSink, after?: Revision): { resumed: boolean; unsubscribe: () => void } {
    let resumed = true;
    if (after !== undefined && after < this.view.revision) {
      const oldest = this.history[0];
      if (!oldest || oldest.revision > after + 1) resumed = false;
      else for (const event of this.history) if (event.revision > after) sink(event);
    }
    this.sinks.add(sink);
    return { resumed, unsubscribe: () => this.sinks.delete(sink) };
  }

  get subscribers(): number {
    return this.sinks.size;
  }

  private publish(revision: Revision, changes: readonly Change[]): void {
    const units = new Set<string>();
    const unitFiles = new Set<string>();
    const machines = new Set<string>();
    const rollouts = new Set<string>();
    for (const change of changes) {
      switch (change.kind) {
        case "unit":
          unitFiles.add(change.name);
          units.add(change.name);
          break;
        case "placement":
        case "schedule":
        case "state":
          units.add(change.name);
          break;
        case "machine":
        case "machine-metadata":
          machines.add(change.id);
          break;
        case "machine-drain":
          // A drain outlives its machine's agent: an absent machine's is no machine's event.
          if (this.view.machines.has(change.id)) machines.add(change.id);
          break;
        case "rollout":
          rollouts.add(change.id);
          break;
      }
    }
    for (const id of this.drainProgress.changed()) machines.add(id);
    const events: ClusterEventView[] = [];
    for (const name of unitFiles) {
      const data = presentUnitFile(this.view, name);
      events.push(
        data
          ? { revision, type: "unit-file.updated", name, data }
          : { revision, type: "unit-file.deleted", name },
      );
    }
    for (const name of units) {
      const data = presentUnit(this.view, name);
      if (data) events.push({ revision, type: "unit.updated", name, data });
      else if (!this.view.units.has(name) && !isTemplateName(name))
        events.push({ revision, type: "unit.deleted", name });
    }
    for (const id of machines) {
      const data = presentMachine(this.view, id);
      events.push(
        data
          ? { revision, type: "machine.updated", name: id, data }
          : { revision, type: "machine.deleted", name: id },
      );
    }
    for (const id of rollouts) {
      const rollout = this.view.rollouts.get(id);
      if (rollout)
        events.push({ revision, type: "rollout.updated", name: id, data: rollout.value });
    }
    for (const event of events) {
      this.history.push(event);
      for (const sink of this.sinks) sink(event);
    }
    if (this.history.length > HISTORY) this.history.splice(0, this.history.length - HISTORY);
  }
}

function isTemplateName(name: string): boolean {
  const parsed = parseUnitName(name);
  return parsed.ok && parsed.value.kind === "template";
}
