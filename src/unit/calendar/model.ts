/**
 * One comma-separated element of a calendar field: a single value (`step` 0), an open repetition
 * `start/step` (start, start+step, ... to the end of the field's range), or a range
 * `start..end[/step]` (a plain range steps by one unit).
 */
export interface CalendarRange {
  readonly start: number;
  /** Last value of a range, inclusive; absent for a single value or an open repetition. */
  readonly end?: number;
  readonly step: number;
}

/** The values a field matches; absent (`*`) when it matches every value. */
export type CalendarField = readonly CalendarRange[] | undefined;

/** A parsed OnCalendar= expression (systemd.time(7)). */
export interface Calendar {
  /** Bit 0 Monday ... bit 6 Sunday; 0 when every weekday matches. */
  readonly weekdays: number;
  readonly years?: readonly CalendarRange[];
  readonly months?: readonly CalendarRange[];
  /** Days of the month; with `fromMonthEnd`, counted back from the end of the month (1 is the last day). */
  readonly days?: readonly CalendarRange[];
  readonly fromMonthEnd: boolean;
  readonly hours?: readonly CalendarRange[];
  readonly minutes?: readonly CalendarRange[];
  /** Microseconds into the minute; systemd's `*` here is every whole second. */
  readonly seconds: readonly CalendarRange[];
  /** "UTC", an IANA zone name, or absent for the local zone of the machine running the timer. */
  readonly timeZone?: string;
  /** The expression as `systemd-analyze calendar` prints it on its "Normalized form:" line. */
  readonly normalized: string;
}

export const WEEKDAY_ABBREVIATIONS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

export const MICROSECONDS_PER_SECOND = 1_000_000;

/** Years outside this span are refused, and no elapse is searched for past its end. */
export const FIRST_YEAR = 1970;
export const LAST_YEAR = 2199;
