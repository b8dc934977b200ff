import { type CalendarRange, FIRST_YEAR, LAST_YEAR, MICROSECONDS_PER_SECOND } from "./model.ts";
import { CalendarSyntaxError, type RawField, type RawRange, secondsText } from "./scanner.ts";

export interface FieldRule {
  name: "year" | "month" | "day" | "hour" | "minute" | "second";
  from: number;
  to: number;
}

export const YEAR: FieldRule = { name: "year", from: FIRST_YEAR, to: LAST_YEAR };
export const MONTH: FieldRule = { name: "month", from: 1, to: 12 };
export const DAY: FieldRule = { name: "day", from: 1, to: 31 };
export const HOUR: FieldRule = { name: "hour", from: 0, to: 23 };
export const MINUTE: FieldRule = { name: "minute", from: 0, to: 59 };
export const SECOND: FieldRule = { name: "second", from: 0, to: 60 * MICROSECONDS_PER_SECOND - 1 };

// Days counted from the end of the month reach back at most 31 - 3 = 28 days (February's length).
const MONTH_END_MARGIN = 3;

/** Two-digit years as systemd reads them: 0-69 are 2000-2069 and 70-99 are 1970-1999. */
export function widenYears(field: RawField): RawField {
  const widen = (year: number): number =>
    year < 0 ? year : year < 70 ? year + 2000 : year < 100 ? year + 1900 : year;
  return field?.map((range) => ({ ...range, start: widen(range.start), stop: widen(range.stop) }));
}

/**
 * Trims each range's end to its last matching value, turns ranges that match once into single
 * values, then sorts the elements and drops repeated ones, as systemd normalizes a field.
 */
export function normalizeField(field: RawField): RawField {
  if (field === undefined) return undefined;
  const ranges = field.map((range): RawRange => {
    let { start, stop, repeat } = range;
    if (stop > start && repeat > 0) stop -= (stop - start) % repeat;
    if ((stop > start && repeat > 0 && start + repeat > stop) || start === stop) {
      repeat = 0;
      stop = -1;
    }
    return { start, stop, repeat };
  });
  ranges.sort((a, b) => a.start - b.start || a.stop - b.stop || a.repeat - b.repeat);
  return ranges.filter(
    (range, index) =>
      index === 0 ||
      !(
        range.start === ranges[index - 1]?.start &&
        range.stop === ranges[index - 1]?.stop &&
        range.repeat === ranges[index - 1]?.repeat
      ),
  );
}

/** Refuses a normalized field that systemd refuses, saying why. */
export function checkField(field: RawField, rule: FieldRule, fromMonthEnd = false): void {
  if (field === undefined) return;
  const { name, from } = rule;
  const amount = (value: number): string =>
    name === "second" ? secondsText(value) : String(value);
  const show = (value: number): string => (fromMonthEnd ? `~${amount(value)}` : amount(value));
  const fail = (message: string): never => {
    throw new CalendarSyntaxError(message);
  };
  for (const [index, { start, stop, repeat }] of field.entries()) {
    // systemd narrows the reach from the end of the month by three days for each further
    // element of the list (a quirk of its check): ~1,26 is refused where ~1,25 is not.
    const to = fromMonthEnd ? rule.to - MONTH_END_MARGIN * (index + 1) : rule.to;
    const limits = fromMonthEnd ? `~${from}-~${to}` : `${from}-${name === "second" ? 59 : to}`;
    if (start < from || start > to) fail(`${name} ${show(start)} is out of range (${limits})`);
    if (repeat > to - from) {
      fail(`the ${name} repetition /${amount(repeat)} is too large (at most ${amount(to - from)})`);
    }
    if (stop >= 0) {
      if (stop < from || stop > to) fail(`${name} ${show(stop)} is out of range (${limits})`);
      if (start + repeat > stop)
        fail(`the ${name} range ${show(start)}..${show(stop)} runs backwards`);
    } else if (fromMonthEnd ? start - repeat < from : start + repeat > to) {
      const repetition = `${show(start)}/${amount(repeat)}`;
      fail(
        fromMonthEnd
          ? `the day repetition ${repetition} never repeats before the end of the month`
          : `the ${name} repetition ${repetition} never repeats within ${limits}`,
      );
    }
  }
}

export function toRanges(field: RawField): CalendarRange[] | undefined {
  return field?.map(({ start, stop, repeat }) =>
    stop >= 0 ? { start, end: stop, step: repeat } : { start, step: repeat },
  );
}
