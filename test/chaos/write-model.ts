// What the API acknowledged, as registers per unit (its content hash and its desired state),
// and which values a listing may therefore show. The last acknowledged write wins; a write
// whose answer was lost may or may not have happened, so its value stays possible until an
// acknowledged write begins after it can no longer take effect.

import type { ListedUnit } from "./sample.ts";

/** The value of a register while the unit does not exist. */
export const ABSENT = "(absent)";

export type Field = "content" | "desired";

type Status = "pending" | "acked" | "failed" | "unknown";

interface Write {
  id: number;
  /** The unit written; for a family write, the template whose instances it also writes. */
  unit: string;
  family: boolean;
  field: Field;
  values: string[];
  start: number;
  status: Status;
  ackedAt?: number;
  /** From then on it cannot take effect any more; undefined while it still may. */
  settledAt?: number;
}

/** `boat@10.service` → `boat@.service`; undefined for a template or a plain unit. */
export function templateOf(name: string): string | undefined {
  const match = /^(.+)@([^@]+)\.([a-z]+)$/.exec(name);
  return match ? `${match[1]}@.${match[3]}` : undefined;
}

export function isTemplate(name: string): boolean {
  return /@\.[a-z]+$/.test(name);
}

export class WriteModel {
  private readonly writes: Write[] = [];

  /** A write sent at `at`; its outcome comes later. A family write also writes every instance of its template. */
  begin(unit: string, field: Field, values: string[], at: number, family = false): number {
    const id = this.writes.length;
    this.writes.push({
      id,
      unit,
      family,
      field,
      values: [...new Set(values)],
      start: at,
      status: "pending",
    });
    return id;
  }

  /**
   * Acknowledged at `at`, with the value the answer names when it does. `open`: its effects go
   * on after the answer (a rollout), until settle().
   */
  ack(id: number, at: number, values?: string[], open = false): void {
    const write = this.get(id);
    write.status = "acked";
    write.ackedAt = at;
    if (values) write.values = [...new Set(values)];
    write.settledAt = open ? undefined : at;
  }

  /** Refused: it did not happen. */
  fail(id: number): void {
    this.get(id).status = "failed";
  }

  /** Its answer was lost; `settledAt` when it is already known that it can no longer apply. */
  unknown(id: number, settledAt?: number): void {
    const write = this.get(id);
    write.status = "unknown";
    write.settledAt = settledAt;
  }

  settle(id: number, at: number): void {
    const write = this.get(id);
    if (write.settledAt === undefined) write.settledAt = at;
  }

  /** Writes that may still take effect: sent and unanswered, lost, or open. */
  unsettled(): number[] {
    return this.writes
      .filter((write) => write.status !== "failed" && write.settledAt === undefined)
      .map((write) => write.id);
  }

  /** The units (templates included) that some write names, family writes aside. */
  units(): string[] {
    return [...new Set(this.writes.filter((w) => !w.family).map((w) => w.unit))].sort();
  }

  /** Whether a family write (a rollout) was ever sent: it may have added canaries. */
  rolloutsSent(): boolean {
    return this.writes.some((write) => write.family);
  }

  /** The values the register may hold at some instant of [from, to]. */
  acceptable(unit: string, field: Field, from: number, to = from): Set<string> {
    const relevant = this.relevant(unit, field);
    const instants = new Set([from]);
    for (const write of relevant) {
      if (write.start > from && write.start <= to) instants.add(write.start);
      if (write.ackedAt !== undefined && write.ackedAt > from && write.ackedAt <= to)
        instants.add(write.ackedAt);
    }
    const values = new Set<string>();
    for (const instant of instants)
      for (const value of this.at(unit, relevant, instant)) values.add(value);
    return values;
  }

  /**
   * What a listing contradicts: asked for at `from` (a lagging view may be older still) and
   * answered at `to`, it may show the register at any instant between. `mayBeUnknown` names
   * units that appear without a write of ours (a rollout's canaries).
   */
  contradictions(
    units: readonly ListedUnit[],
    templates: readonly ListedUnit[],
    from: number,
    to: number,
    mayBeUnknown: (name: string) => boolean = () => false,
  ): string[] {
    const found: string[] = [];
    const listed = new Map<string, ListedUnit>();
    for (const unit of [...units, ...templates]) listed.set(unit.name, unit);
    for (const name of this.units()) {
      const unit = listed.get(name);
      const contents = this.acceptable(name, "content", from, to);
      const states = isTemplate(name) ? undefined : this.acceptable(name, "desired", from, to);
      if (unit === undefined) {
        const gone = isTemplate(name) ? contents.has(ABSENT) : states?.has(ABSENT);
        if (!gone)
          found.push(
            `${name}: not listed, though the writes allow only ${describe(states ?? contents)}`,
          );
        continue;
      }
      const absentOnly = (states ?? contents).size === 1 && (states ?? contents).has(ABSENT);
      if (absentOnly) {
        found.push(`${name}: listed, though it was destroyed`);
        continue;
      }
      if (!contents.has(unit.hash))
        found.push(`${name}: content ${short(unit.hash)} is none of ${describe(contents)}`);
      if (states && !states.has(unit.desiredState ?? ABSENT))
        found.push(`${name}: desired state ${unit.desiredState} is none of ${describe(states)}`);
    }
    const known = new Set(this.units());
    for (const name of listed.keys()) {
      if (!known.has(name) && !mayBeUnknown(name))
        found.push(`${name}: listed, but no write created it`);
    }
    return found;
  }

  private get(id: number): Write {
    const write = this.writes[id];
    if (!write) throw new Error(`no write ${id}`);
    return write;
  }

  private relevant(unit: string, field: Field): Write[] {
    const family = isTemplate(unit) ? unit : templateOf(unit);
    return this.writes.filter(
      (write) =>
        write.field === field &&
        write.status !== "failed" &&
        (write.family ? write.unit === family : write.unit === unit),
    );
  }

  /**
   * The values possible at one instant: the last acknowledged write's, and whatever may override
   * it. A rollout moves each instance from its own content to the new one, a few at a time: for
   * an instance it adds values and overrides none.
   */
  private at(unit: string, relevant: readonly Write[], instant: number): Set<string> {
    const sent = relevant.filter((write) => write.start <= instant);
    let last: Write | undefined;
    for (const write of sent) {
      if (write.status !== "acked" || (write.ackedAt as number) > instant) continue;
      if (write.family && write.unit !== unit) continue;
      if (!last || write.start > last.start) last = write;
    }
    const values = new Set(last ? last.values : [ABSENT]);
    for (const write of sent) {
      if (write === last) continue;
      // Settled before the last acknowledged write began: whatever it did, that one overrode.
      if (last && write.settledAt !== undefined && write.settledAt <= last.start) continue;
      for (const value of write.values) values.add(value);
    }
    return values;
  }
}

function short(value: string): string {
  return /^[0-9a-f]{40}$/.test(value) ? value.slice(0, 7) : value;
}

function describe(values: Set<string>): string {
  return `{${[...values].map(short).sort().join(", ")}}`;
}
