import { assignCivil, type CivilTime, daysFromCivil, wallSeconds, weekdayOfDays } from "./civil.ts";
import { type Reading, WallClock } from "./clock.ts";
import { type Calendar, type CalendarField, LAST_YEAR, MICROSECONDS_PER_SECOND } from "./model.ts";
import { civilTimeAt, type ZoneOffsets, zoneOffsets } from "./zone.ts";

// systemd gives up (and the timer never elapses) after this many rounds of the search.
const MAX_ROUNDS = 1000;
// The largest base time systemd accepts: 9999-12-31 23:59:59 UTC, in microseconds.
const LATEST_BASE = 253402214399000000;

/**
 * The first instant strictly after `after` (epoch milliseconds) at which the calendar elapses,
 * in epoch milliseconds (fractional when the expression names sub-millisecond seconds), or
 * undefined when it never will. The expression's own time zone applies if it names one, else
 * `localZone` (an IANA name, or "UTC").
 *
 * The search is systemd 252's, quirks included. It moves forward in wall-clock time field by
 * field (year, month, day, hour, minute, second), so an hour repeated when daylight-saving time
 * ends elapses only once (in its first pass, or in its second when `after` already lies in it),
 * and wall-clock times skipped when it begins do not elapse: the search continues after the
 * skipped stretch. A repetition that runs past the end of its field carries into the next
 * unit, and only the unit just below the first one that changes starts over: after 23:56,
 * `*:0/7` next elapses at 00:07, and after December 31, `*-*-1/7` on January 8. It gives up
 * after year 2199 and after 1000 rounds (systemd then reports an infinite loop).
 *
 * Throws RangeError when the zone is unknown to Intl.
 */
export function nextElapse(
  calendar: Calendar,
  after: number,
  localZone: string,
): number | undefined {
  if (!Number.isFinite(after)) throw new RangeError(`not an instant: ${after}`);
  const base = Math.round(after * 1000);
  if (base > LATEST_BASE) return undefined;
  const offsets = zoneOffsets(calendar.timeZone ?? localZone);
  const next = new ElapseSearch(calendar, offsets, base).run();
  return next === undefined ? undefined : next / 1000;
}

type Bounds = "same" | "moved" | "refused";

const CIVIL_FIELDS = ["year", "month", "day", "hour", "minute", "second"] as const;

interface Origin extends CivilTime {
  micro: number;
}

class ElapseSearch {
  private readonly clock: WallClock;
  private readonly origin: Origin;
  private readonly cursor: Reading;
  private micro: number;

  constructor(
    private readonly calendar: Calendar,
    private readonly offsets: ZoneOffsets,
    private readonly base: number,
  ) {
    const start = base + 1;
    const second = Math.floor(start / MICROSECONDS_PER_SECOND);
    const offset = offsets.offsetAt(second);
    this.micro = start - second * MICROSECONDS_PER_SECOND;
    const { year, month, day, hour, minute, second: secondOfMinute } = civilTimeAt(offsets, second);
    this.origin = { year, month, day, hour, minute, second: secondOfMinute, micro: this.micro };
    this.cursor = { year, month, day, hour, minute, second: secondOfMinute, pinned: offset };
    this.clock = new WallClock(offsets, offset);
  }

  /** Microseconds since the epoch, or undefined. */
  run(): number | undefined {
    const { calendar, cursor } = this;
    // Once the search has landed before its origin, readings keep the offset their last
    // conversion found instead of letting the conversion choose again (systemd 252.38).
    let keepOffset = false;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      this.normalize();
      if (!keepOffset) cursor.pinned = undefined;

      const year = this.match(calendar.years, cursor.year);
      if (year === undefined) return undefined;
      if (year !== cursor.year) {
        cursor.year = year;
        this.resetBelowYear();
      }
      if (this.withinBounds() !== "same") return undefined;

      let outcome = this.step(calendar.months, "month");
      if (outcome === "refused") {
        cursor.year++;
        this.resetBelowYear();
        continue;
      }
      if (outcome === "moved") continue;

      outcome = this.step(calendar.days, "day");
      if (outcome === "refused") {
        cursor.month++;
        cursor.day = 1;
        this.resetBelowDay();
        continue;
      }
      if (outcome === "moved") continue;

      if (!this.weekdayMatches()) {
        cursor.day++;
        this.resetBelowDay();
        continue;
      }

      outcome = this.step(calendar.hours, "hour");
      if (outcome === "refused") {
        cursor.day++;
        this.resetBelowDay();
        continue;
      }
      if (outcome === "moved") continue;

      outcome = this.step(calendar.minutes, "minute");
      if (outcome === "refused") {
        cursor.hour++;
        cursor.minute = 0;
        cursor.second = 0;
        this.micro = 0;
        continue;
      }
      if (outcome === "moved") continue;

      outcome = this.stepSeconds();
      if (outcome === "refused") {
        cursor.minute++;
        cursor.second = 0;
        this.micro = 0;
        continue;
      }
      if (outcome === "moved") continue;

      if (this.compareWithOrigin() < 0) {
        cursor.hour++;
        keepOffset = true;
        continue;
      }
      const elapse = this.clock.convert(cursor).instant * MICROSECONDS_PER_SECOND + this.micro;
      if (elapse > this.base) return elapse;
      // systemd can resolve a reading repeated when daylight-saving time ends to its earlier
      // pass, before the base (a timer would then fire without end). The base lies in the later
      // pass then, and so does the elapse.
      const later = this.inBasePass(cursor);
      if (later !== undefined) return later;
      cursor.hour++;
      keepOffset = true;
    }
    return undefined;
  }

  /** The reading at the offset in force at the base, in microseconds, if that is after the base. */
  private inBasePass(reading: Reading): number | undefined {
    const baseSecond = Math.floor(this.base / MICROSECONDS_PER_SECOND);
    const offset = this.offsets.offsetAt(baseSecond);
    const instant = wallSeconds(reading) - offset;
    const elapse = instant * MICROSECONDS_PER_SECOND + this.micro;
    return this.offsets.offsetAt(instant) === offset && elapse > this.base ? elapse : undefined;
  }

  /** Moves one field (month, day, hour or minute) to its next matching value. */
  private step(field: CalendarField, name: "month" | "day" | "hour" | "minute"): Bounds {
    const { cursor } = this;
    const value = this.match(field, cursor[name], name === "day" && this.calendar.fromMonthEnd);
    if (value === undefined) return "refused";
    if (value !== cursor[name]) {
      cursor[name] = value;
      if (name === "month") cursor.day = 1;
      if (name === "month" || name === "day") cursor.hour = 0;
      if (name !== "minute") cursor.minute = 0;
      cursor.second = 0;
      this.micro = 0;
    }
    return this.withinBounds();
  }

  private stepSeconds(): Bounds {
    const { cursor } = this;
    const current = cursor.second * MICROSECONDS_PER_SECOND + this.micro;
    const value = this.match(this.calendar.seconds, current);
    if (value === undefined) return "refused";
    cursor.second = Math.floor(value / MICROSECONDS_PER_SECOND);
    this.micro = value - cursor.second * MICROSECONDS_PER_SECOND;
    return this.withinBounds();
  }

  /**
   * The least value at or above `current` that the field allows, possibly past the field's
   * range (the conversion then carries it into the next unit), or undefined when none.
   */
  private match(field: CalendarField, current: number, fromMonthEnd = false): number | undefined {
    if (field === undefined) return current;
    let best: number | undefined;
    for (const range of field) {
      let start = range.start;
      let end = range.end ?? -1;
      if (fromMonthEnd) {
        start = this.dayFromMonthEnd(range.start);
        end = this.dayFromMonthEnd(end);
        if (end > 0) [start, end] = [end, start];
      }
      let candidate: number | undefined;
      if (start >= current) {
        candidate = start;
      } else if (range.step > 0) {
        const next = start + range.step * Math.ceil((current - start) / range.step);
        if (end < 0 || next <= end) candidate = next;
      }
      if (candidate !== undefined && (best === undefined || candidate < best)) best = candidate;
    }
    return best;
  }

  /** The day of the cursor's month that lies `count` days back from its end (1: the last day). */
  private dayFromMonthEnd(count: number): number {
    const { cursor } = this;
    const { civil } = this.clock.convert({
      year: cursor.year,
      month: cursor.month + 1,
      day: 1 - count,
      hour: cursor.hour,
      minute: cursor.minute,
      second: cursor.second,
      pinned: cursor.pinned,
    });
    return civil.month === cursor.month ? civil.day : -1;
  }

  private weekdayMatches(): boolean {
    const { weekdays } = this.calendar;
    if (weekdays === 0) return true;
    const { civil } = this.clock.convert(this.cursor);
    const weekday = weekdayOfDays(daysFromCivil(civil.year, civil.month, civil.day));
    return (weekdays & (1 << weekday)) !== 0;
  }

  private normalize(): void {
    const { civil, offset } = this.clock.convert(this.cursor);
    assignCivil(this.cursor, civil);
    this.cursor.pinned = offset;
  }

  /**
   * Whether the cursor reads as itself once converted; if it reads later (it was out of range,
   * or in a skipped stretch), it moves there with the fields below the first changed one reset.
   */
  private withinBounds(): Bounds {
    const { cursor } = this;
    if (cursor.year > LAST_YEAR) return "refused";
    const { civil, offset } = this.clock.convert(cursor);
    for (let index = 0; index < CIVIL_FIELDS.length; index++) {
      const field = CIVIL_FIELDS[index] as keyof CivilTime;
      const difference = civil[field] - cursor[field];
      if (difference < 0) return "refused";
      if (difference > 0) {
        assignCivil(cursor, civil);
        cursor.pinned = offset;
        // Only the field just below the first changed one starts over (systemd 252).
        const below = CIVIL_FIELDS[index + 1];
        if (below !== undefined) cursor[below] = below === "month" || below === "day" ? 1 : 0;
        return "moved";
      }
    }
    return "same";
  }

  private compareWithOrigin(): number {
    const { cursor, origin } = this;
    return (
      Math.sign(cursor.year - origin.year) ||
      Math.sign(cursor.month - origin.month) ||
      Math.sign(cursor.day - origin.day) ||
      Math.sign(cursor.hour - origin.hour) ||
      Math.sign(cursor.minute - origin.minute) ||
      Math.sign(cursor.second - origin.second) ||
      Math.sign(this.micro - origin.micro)
    );
  }

  private resetBelowYear(): void {
    this.cursor.month = 1;
    this.cursor.day = 1;
    this.resetBelowDay();
  }

  private resetBelowDay(): void {
    this.cursor.hour = 0;
    this.cursor.minute = 0;
    this.cursor.second = 0;
    this.micro = 0;
  }
}
