/** Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01). */

export const SECONDS_PER_DAY = 86400;

/** A wall-clock reading; `month` is 1-12 and `day` 1-31 once normalized. */
export interface CivilTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// Days are counted in 400-year eras of 146097 days, with years starting on March 1 so that the
// leap day falls at the end of the year.
export function daysFromCivil(year: number, month: number, day: number): number {
  const monthIndex = month - 1;
  const carry = Math.floor(monthIndex / 12);
  const y = year + carry - (monthIndex - carry * 12 < 2 ? 1 : 0);
  const m = monthIndex - carry * 12 + 1;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const shifted = days + 719468;
  const era = Math.floor(shifted / 146097);
  const dayOfEra = shifted - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36524) -
      Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (MONTH_LENGTHS[month - 1] as number);
}

/** 0 for Monday through 6 for Sunday. */
export function weekdayOfDays(days: number): number {
  // 1970-01-01 was a Thursday.
  return (((days + 3) % 7) + 7) % 7;
}

/**
 * Seconds since the epoch of a wall-clock reading taken as UTC. Fields may be out of range
 * (minute 60, day 32, month 13, ...): they carry over as mktime(3) carries them.
 */
export function wallSeconds(time: CivilTime): number {
  return (
    daysFromCivil(time.year, time.month, 1) * SECONDS_PER_DAY +
    (time.day - 1) * SECONDS_PER_DAY +
    time.hour * 3600 +
    time.minute * 60 +
    time.second
  );
}

export function civilFromWallSeconds(seconds: number): CivilTime {
  const days = Math.floor(seconds / SECONDS_PER_DAY);
  const rest = seconds - days * SECONDS_PER_DAY;
  const { year, month, day } = civilFromDays(days);
  const hour = Math.floor(rest / 3600);
  const minute = Math.floor((rest - hour * 3600) / 60);
  // Spelled out: spreading the date object here is many times slower.
  return { year, month, day, hour, minute, second: rest - hour * 3600 - minute * 60 };
}

/** Copies a reading's fields into `target`. */
export function assignCivil(target: CivilTime, source: CivilTime): void {
  target.year = source.year;
  target.month = source.month;
  target.day = source.day;
  target.hour = source.hour;
  target.minute = source.minute;
  target.second = source.second;
}
