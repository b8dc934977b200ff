// Invariant 1: a unit runs at most once on the machines that are members of the cluster, and
// units that conflict never share one. A machine whose presence vanished (its agent killed or
// paused too long, or cut off from etcd) may keep what it ran as strays while it is away and
// for a grace after it is back; then they must be gone, or be placed there again.
import { type Copy, copiesOf, type Sample } from "./sample.ts";
import type { ViolationLog } from "./violations.ts";

interface Episode {
  /** When the machine was present again with its agent up. */
  backAt?: number;
  /** Units that ran on it meanwhile: its strays. */
  strays: Set<string>;
}

export class RunningCheck {
  private members: Set<string> | undefined;
  private readonly episodes = new Map<string, Episode>();
  private placements = new Map<string, string | undefined>();

  constructor(
    private readonly log: ViolationLog,
    /** How long after its return a machine may still hold strays: the presence TTL + 10 s. */
    private readonly graceMs: number,
    private readonly conflicting: (a: string, b: string) => boolean,
    /** Told when a machine leaves the cluster and comes back, for the campaign's log. */
    private readonly note: (at: number, text: string) => void = () => {},
  ) {}

  /** Checks one sample; returns how many checks it could make (0 or 1). */
  observe(sample: Sample): number {
    if (sample.members) this.members = new Set(sample.members);
    if (sample.units)
      this.placements = new Map(sample.units.map((unit) => [unit.name, unit.machineId]));
    const members = this.members;
    if (!members) return 0;
    if (sample.members) this.followPresence(sample, members);
    const copies = copiesOf(sample);
    const counted: Copy[] = [];
    for (const copy of copies) {
      const episode = this.episodes.get(copy.machine);
      if (episode && this.straying(episode, sample.at)) episode.strays.add(copy.unit);
      else if (members.has(copy.machine)) counted.push(copy);
    }
    this.checkOnce(sample.at, counted);
    this.checkConflicts(sample.at, counted);
    if (sample.units) this.checkStraysGone(sample.at, copies);
    return 1;
  }

  /** A machine is lost when its presence key is gone; back once present with its agent up. */
  private followPresence(sample: Sample, members: Set<string>): void {
    for (const { machine, up } of sample.agents) {
      const episode = this.episodes.get(machine);
      if (!members.has(machine)) {
        if (!episode || episode.backAt !== undefined) {
          this.episodes.set(machine, { strays: episode?.strays ?? new Set() });
          this.note(
            sample.at,
            `${machine.slice(0, 8)}'s presence is gone (its agent ${up ? "runs" : "is down"}): what it runs is stray`,
          );
        }
      } else if (up && episode && episode.backAt === undefined) {
        episode.backAt = sample.at;
        const strays = [...episode.strays].sort().join(", ") || "none";
        this.note(
          sample.at,
          `${machine.slice(0, 8)} is back; its strays (${strays}) must be gone or placed there within ${this.graceMs / 1000} s`,
        );
      }
    }
  }

  private straying(episode: Episode, at: number): boolean {
    return episode.backAt === undefined || at <= episode.backAt + this.graceMs;
  }

  private checkOnce(at: number, copies: Copy[]): void {
    const where = new Map<string, Copy[]>();
    for (const copy of copies) where.set(copy.unit, [...(where.get(copy.unit) ?? []), copy]);
    for (const [unit, found] of where) {
      if (found.length < 2) continue;
      const places = found.map((copy) => `${copy.machine.slice(0, 8)} (${copy.via})`).join(", ");
      this.log.report(1, at, `${unit} runs ${found.length} times: on ${places}`, `twice ${unit}`);
    }
  }

  private checkConflicts(at: number, copies: Copy[]): void {
    const byMachine = new Map<string, Set<string>>();
    for (const copy of copies)
      byMachine.set(copy.machine, (byMachine.get(copy.machine) ?? new Set()).add(copy.unit));
    for (const [machine, units] of byMachine) {
      const names = [...units].sort();
      for (const [i, a] of names.entries())
        for (const b of names.slice(i + 1))
          if (this.conflicting(a, b))
            this.log.report(
              1,
              at,
              `${a} and ${b} conflict but run together on ${machine.slice(0, 8)}`,
              `conflict ${machine} ${a} ${b}`,
            );
    }
  }

  /** Past the grace, a stray still running where the unit is not placed is a violation. */
  private checkStraysGone(at: number, copies: Copy[]): void {
    for (const [machine, episode] of this.episodes) {
      if (episode.backAt === undefined || this.straying(episode, at)) continue;
      for (const unit of episode.strays) {
        const running = copies.some((copy) => copy.machine === machine && copy.unit === unit);
        if (running && this.placements.get(unit) !== machine) {
          const late = ((at - episode.backAt) / 1000).toFixed(1);
          this.log.report(
            1,
            at,
            `stray ${unit} still runs on ${machine.slice(0, 8)} ${late} s after its agent came back`,
            `stray ${machine} ${unit}`,
          );
        } else {
          episode.strays.delete(unit);
        }
      }
      if (episode.strays.size === 0) this.episodes.delete(machine);
    }
  }
}
