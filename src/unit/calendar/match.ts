import { daysFromCivil, daysInMonth, weekdayOfDays } from "./civil.ts";
import {
  type Calendar,
  type CalendarField,
  type CalendarRange,
  MICROSECONDS_PER_SECOND,
} from "./model.ts";
import { civilTimeAt, zoneOffsets } from "./zone.ts";

/**
 * Whether the wall-clock reading of an instant (epoch milliseconds) fits every field of the
 * calendar, in the calendar's own zone or else `localZone`. Every elapse that nextElapse returns
 * matches; not every matching instant is an elapse (see nextElapse on repeated hours).
 */
export function matches(calendar: Calendar, instant: number, localZone: string): boolean {
  const micros = Math.round(instant * 1000);
  const second = Math.floor(micros / MICROSECONDS_PER_SECOND);
  const time = civilTimeAt(zoneOffsets(calendar.timeZone ?? localZone), second);
  const days = daysFromCivil(time.year, time.month, time.day);
  const dayOfMonth = calendar.fromMonthEnd
    ? daysInMonth(time.year, time.month) - time.day + 1
    : time.day;
  return (
    fieldMatches(calendar.years, time.year) &&
    fieldMatches(calendar.months, time.month) &&
    (calendar.fromMonthEnd
      ? countdownMatches(calendar.days, dayOfMonth)
      : fieldMatches(calendar.days, time.day)) &&
    (calendar.weekdays === 0 || (calendar.weekdays & (1 << weekdayOfDays(days))) !== 0) &&
    fieldMatches(calendar.hours, time.hour) &&
    fieldMatches(calendar.minutes, time.minute) &&
    fieldMatches(
      calendar.seconds,
      micros - second * MICROSECONDS_PER_SECOND + time.second * MICROSECONDS_PER_SECOND,
    )
  );
}

function fieldMatches(field: CalendarField, value: number): boolean {
  return field === undefined || field.some((range) => rangeMatches(range, value));
}

function rangeMatches({ start, end, step }: CalendarRange, value: number): boolean {
  if (step === 0) return value === start;
  return value >= start && (end === undefined || value <= end) && (value - start) % step === 0;
}

/**
 * Days counted back from the end of the month (1 is the last day). A range `~a..b` covers the
 * a-th to the b-th last day; a repetition counts forward in the month from its first day, so
 * `~7/2` is the 7th, 5th, 3rd and last day from the end.
 */
function countdownMatches(field: CalendarField, fromEnd: number): boolean {
  return (
    field === undefined ||
    field.some(({ start, end, step }) => {
      const first = end ?? start;
      const last = end === undefined ? (step === 0 ? start : 1) : start;
      if (fromEnd > first || fromEnd < last) return false;
      return step === 0 || (first - fromEnd) % step === 0;
    })
  );
}
