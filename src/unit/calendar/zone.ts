import {
  type CivilTime,
  civilFromWallSeconds,
  daysFromCivil,
  SECONDS_PER_DAY,
  wallSeconds,
} from "./civil.ts";

/** UTC offsets of one time zone, in seconds east of Greenwich, by instant (seconds since the epoch). */
export interface ZoneOffsets {
  readonly zone: string;
  offsetAt(epochSeconds: number): number;
  /**
   * Whether tzdata marks the lower of the zone's offsets at this instant as daylight-saving
   * time (a negative saving, as in Irish winter time). glibc reads the flag to resolve
   * wall-clock times that a change skips; ICU does not report it.
   */
  negativeSaving(epochSeconds: number): boolean;
}

const UTC_OFFSETS: ZoneOffsets = { zone: "UTC", offsetAt: () => 0, negativeSaving: () => false };

const atUtc = (year: number, month: number, day: number): number =>
  daysFromCivil(year, month, day) * SECONDS_PER_DAY;

// The spans in which tzdata (in its main format, as Debian builds it) gives these zones a
// negative saving.
const NEGATIVE_SAVINGS: Record<string, { from: number; until: number }> = {
  "Europe/Dublin": { from: atUtc(1971, 10, 31), until: Number.POSITIVE_INFINITY },
  "Africa/Casablanca": { from: atUtc(2018, 10, 28), until: Number.POSITIVE_INFINITY },
  "Africa/El_Aaiun": { from: atUtc(2018, 10, 28), until: Number.POSITIVE_INFINITY },
  "Africa/Windhoek": { from: atUtc(1994, 3, 20), until: atUtc(2017, 10, 24) },
};

// A year's offsets are sampled at this spacing; a change undone within it would go unseen, but
// tzdata's shortest daylight-saving period (about 6.96 days) is longer.
const SAMPLE_STEP = 6 * SECONDS_PER_DAY;

interface OffsetChange {
  at: number;
  offset: number;
}

interface YearOffsets {
  initial: number;
  changes: OffsetChange[];
}

class IntlZoneOffsets implements ZoneOffsets {
  private readonly formatter: Intl.DateTimeFormat;
  private readonly years = new Map<number, YearOffsets>();
  private readonly negativeSpan: { from: number; until: number } | undefined;

  constructor(readonly zone: string) {
    this.formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    this.negativeSpan = NEGATIVE_SAVINGS[this.formatter.resolvedOptions().timeZone];
  }

  negativeSaving(epochSeconds: number): boolean {
    const span = this.negativeSpan;
    return span !== undefined && epochSeconds >= span.from && epochSeconds < span.until;
  }

  offsetAt(epochSeconds: number): number {
    const second = Math.floor(epochSeconds);
    const year = civilFromWallSeconds(second).year;
    let table = this.years.get(year);
    if (table === undefined) {
      table = this.scanYear(year);
      this.years.set(year, table);
    }
    let offset = table.initial;
    for (const change of table.changes) {
      if (change.at > second) break;
      offset = change.offset;
    }
    return offset;
  }

  private scanYear(year: number): YearOffsets {
    const start = daysFromCivil(year, 1, 1) * SECONDS_PER_DAY;
    const end = daysFromCivil(year + 1, 1, 1) * SECONDS_PER_DAY - 1;
    const initial = this.askIntl(start);
    const changes: OffsetChange[] = [];
    let previousAt = start;
    let previousOffset = initial;
    for (let at = Math.min(start + SAMPLE_STEP, end); ; at = Math.min(at + SAMPLE_STEP, end)) {
      const offset = this.askIntl(at);
      // More than one change may hide in one step; keep narrowing until the step is explained.
      while (offset !== previousOffset) {
        const change = this.firstChange(previousAt, at, previousOffset);
        changes.push(change);
        previousAt = change.at;
        previousOffset = change.offset;
      }
      previousAt = at;
      if (at === end) break;
    }
    return { initial, changes };
  }

  /** The first second in (from, to] whose offset differs from `offset`, which holds at `from`. */
  private firstChange(from: number, to: number, offset: number): OffsetChange {
    let low = from;
    let high = to;
    let highOffset = this.askIntl(to);
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      const middleOffset = this.askIntl(middle);
      if (middleOffset === offset) {
        low = middle;
      } else {
        high = middle;
        highOffset = middleOffset;
      }
    }
    return { at: high, offset: highOffset };
  }

  private askIntl(epochSeconds: number): number {
    const text = this.formatter.format(epochSeconds * 1000);
    const match = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/.exec(text);
    if (match === null) throw new RangeError(`unexpected date format "${text}" for ${this.zone}`);
    const [, month, day, year, hour, minute, second] = match.map(Number) as number[];
    const wall =
      daysFromCivil(year as number, month as number, day as number) * SECONDS_PER_DAY +
      (hour as number) * 3600 +
      (minute as number) * 60 +
      (second as number);
    return wall - epochSeconds;
  }
}

const cache = new Map<string, ZoneOffsets>();

/** Offsets of an IANA zone (or "UTC"); throws RangeError for a zone Intl does not know. */
export function zoneOffsets(zone: string): ZoneOffsets {
  if (zone === "UTC") return UTC_OFFSETS;
  let offsets = cache.get(zone);
  if (offsets === undefined) {
    offsets = new IntlZoneOffsets(zone);
    cache.set(zone, offsets);
  }
  return offsets;
}

/** The wall-clock reading of an instant (seconds since the epoch, whole seconds) in a zone. */
export function civilTimeAt(offsets: ZoneOffsets, epochSeconds: number): CivilTime {
  return civilFromWallSeconds(epochSeconds + offsets.offsetAt(epochSeconds));
}

/** The wall-clock reading of an instant (epoch milliseconds) in an IANA zone or "UTC". */
export function wallClockAt(epochMs: number, zone: string): CivilTime & { millisecond: number } {
  const second = Math.floor(epochMs / 1000);
  return { ...civilTimeAt(zoneOffsets(zone), second), millisecond: epochMs - second * 1000 };
}

/**
 * The instants (epoch milliseconds, earliest first) at which a zone's clocks show a reading:
 * none when a change skips it, two when a change repeats it.
 */
export function instantsAt(time: CivilTime, zone: string): number[] {
  const offsets = zoneOffsets(zone);
  const wall = wallSeconds(time);
  // Offsets in force a day either side cover every change that could concern this reading.
  const candidates = new Set([
    offsets.offsetAt(wall - SECONDS_PER_DAY),
    offsets.offsetAt(wall + SECONDS_PER_DAY),
  ]);
  for (const offset of [...candidates]) candidates.add(offsets.offsetAt(wall - offset));
  return [...candidates]
    .filter((offset) => offsets.offsetAt(wall - offset) === offset)
    .map((offset) => (wall - offset) * 1000)
    .sort((a, b) => a - b);
}

let knownZones: { exact: Set<string>; lower: Set<string> } | undefined;
const verdicts = new Map<string, boolean>();

/**
 * Whether systemd would find `name` as a file under /usr/share/zoneinfo, judged by Intl's zone
 * database: the spelling must fit a zone file name and Intl must know the zone. Intl ignores
 * case; a differently cased spelling of a canonical name is refused, as on a case-sensitive
 * file system.
 */
export function isKnownTimeZone(name: string): boolean {
  let verdict = verdicts.get(name);
  if (verdict === undefined) {
    verdict = judgeTimeZone(name);
    if (verdicts.size < 1000) verdicts.set(name, verdict);
  }
  return verdict;
}

function judgeTimeZone(name: string): boolean {
  if (name === "UTC") return true;
  // Zone file names; a leading sign would read as an offset to Intl.
  if (!/^[A-Za-z0-9_][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  if (knownZones === undefined) {
    const names = Intl.supportedValuesOf("timeZone");
    knownZones = { exact: new Set(names), lower: new Set(names.map((zone) => zone.toLowerCase())) };
  }
  if (knownZones.exact.has(name)) return true;
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  if (canonical === name) return true;
  const lower = name.toLowerCase();
  return canonical.toLowerCase() !== lower && !knownZones.lower.has(lower);
}
