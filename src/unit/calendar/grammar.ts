import { civilFromWallSeconds } from "./civil.ts";
import { MICROSECONDS_PER_SECOND } from "./model.ts";
import { asciiLowerCase, type RawField, type RawRange, Scanner } from "./scanner.ts";

/** An expression's fields as written, before normalization and range checks. */
export interface RawCalendar {
  /** Bit 0 Monday ... bit 6 Sunday; 0 when none were written. */
  weekdays: number;
  years: RawField;
  months: RawField;
  days: RawField;
  fromMonthEnd: boolean;
  hours: RawField;
  minutes: RawField;
  seconds: RawRange[];
  /** Set by `@SECONDS`, which names an instant in UTC. */
  utc: boolean;
}

const once = (value: number): RawRange[] => [{ start: value, stop: -1, repeat: 0 }];

/** `[weekdays] [date] [time]`, or `[weekdays] @SECONDS`, with the time zone already removed. */
export function parseFields(text: string): RawCalendar {
  const scanner = new Scanner(text);
  const calendar: RawCalendar = {
    weekdays: parseWeekdays(scanner),
    years: undefined,
    months: undefined,
    days: undefined,
    fromMonthEnd: false,
    hours: once(0),
    minutes: once(0),
    seconds: once(0),
    utc: false,
  };
  if (scanner.peek() === "@") {
    parseTimestamp(scanner, calendar);
  } else {
    parseDate(scanner, calendar);
    parseTime(scanner, calendar);
  }
  if (!scanner.atEnd()) scanner.unexpected();
  return calendar;
}

// Full names first, so that "Monday" is not read as "Mon" followed by "day".
const WEEKDAY_NAMES: readonly (readonly [string, number])[] = [
  ["monday", 0],
  ["mon", 0],
  ["tuesday", 1],
  ["tue", 1],
  ["wednesday", 2],
  ["wed", 2],
  ["thursday", 3],
  ["thu", 3],
  ["friday", 4],
  ["fri", 4],
  ["saturday", 5],
  ["sat", 5],
  ["sunday", 6],
  ["sun", 6],
];

// What may follow a weekday name.
const NAME_ENDS = new Set(["", "-", ".", ",", " "]);

/** Weekday names, ranges (`..`, or `-` as systemd still allows) and lists; none is fine. */
function parseWeekdays(scanner: Scanner): number {
  let bits = 0;
  // The first day of a range being read, and where it was written.
  let rangeFrom = -1;
  let rangeAt = 0;
  for (let first = true; ; first = false) {
    const rest = scanner.rest();
    const name = WEEKDAY_NAMES.find(
      ([spelling]) => asciiLowerCase(rest.slice(0, spelling.length)) === spelling,
    );
    if (name === undefined && first) return 0;
    if (name === undefined || !NAME_ENDS.has(scanner.peek(name[0].length))) {
      const word = /^[^ ,.-]*/.exec(rest)?.[0];
      scanner.fail(word ? `"${word}" is not a weekday` : `expected a weekday before "${rest}"`);
    }
    const [spelling, day] = name;
    const nameAt = scanner.position;
    scanner.position += spelling.length;
    bits |= 1 << day;
    if (rangeFrom >= 0) {
      const written = scanner.text.slice(rangeAt, scanner.position);
      if (rangeFrom > day) scanner.fail(`the weekday range ${written} runs backwards`);
      for (let between = rangeFrom + 1; between < day; between++) bits |= 1 << between;
    }
    if (scanner.atEnd()) return bits;
    const separator = scanner.peek();
    if (separator === " ") {
      scanner.skipSpaces();
      return bits;
    }
    if (separator === ",") {
      rangeFrom = -1;
      scanner.position++;
    } else {
      if (rangeFrom >= 0) scanner.fail("a weekday range cannot continue into another");
      if (separator === "." && scanner.peek(1) !== ".") {
        scanner.fail('weekday ranges are written "Mon..Fri"');
      }
      rangeFrom = day;
      rangeAt = nameAt;
      scanner.position += separator === "." ? 2 : 1;
    }
    // A list may end in a comma; a range must have its end.
    if (scanner.atEnd() || scanner.peek() === " ") {
      if (rangeFrom >= 0) {
        scanner.fail(
          `the weekday range ${scanner.text.slice(rangeAt, scanner.position)} has no end`,
        );
      }
      scanner.skipSpaces();
      return bits;
    }
  }
}

/**
 * `[YEAR-]MONTH-DAY`, with `~` instead of the last `-` to count days from the end of the month.
 * What turns out to be a time is left for parseTime.
 */
function parseDate(scanner: Scanner, calendar: RawCalendar): void {
  if (scanner.atEnd()) return;
  const start = scanner.position;
  const first = scanner.field(false);
  if (scanner.atEnd() || scanner.peek() === ":") {
    scanner.position = start;
    return;
  }
  const separator = (): void => {
    if (scanner.peek() === "~") calendar.fromMonthEnd = true;
    else if (scanner.peek() !== "-") scanner.unexpected();
    scanner.position++;
  };
  separator();
  const second = scanner.field(false);
  if (scanner.atEnd() || scanner.peek() === " ") {
    scanner.skipSpaces();
    calendar.months = first;
    calendar.days = second;
    return;
  }
  if (calendar.fromMonthEnd) scanner.unexpected();
  separator();
  const third = scanner.field(false);
  if (!scanner.atEnd() && scanner.peek() !== " ") scanner.unexpected();
  scanner.skipSpaces();
  calendar.years = first;
  calendar.months = second;
  calendar.days = third;
}

/** `HOUR:MINUTE[:SECOND]`; no time at all is midnight. */
function parseTime(scanner: Scanner, calendar: RawCalendar): void {
  if (scanner.atEnd()) return;
  calendar.hours = scanner.field(false);
  if (scanner.peek() !== ":") {
    if (scanner.atEnd()) scanner.fail('a time needs hours and minutes, as in "12:00"');
    scanner.unexpected();
  }
  scanner.position++;
  calendar.minutes = scanner.field(false);
  if (scanner.atEnd()) return;
  if (scanner.peek() !== ":") scanner.unexpected();
  scanner.position++;
  calendar.seconds = scanner.field(true) as RawRange[];
}

/**
 * `@SECONDS` since the epoch, read as strtoul(3) reads it: blanks and a sign may come first, and
 * a minus sign wraps around to a time before 1970.
 */
function parseTimestamp(scanner: Scanner, calendar: RawCalendar): void {
  scanner.position++;
  const number = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(scanner.rest());
  if (number === null) scanner.fail('"@" must be followed by seconds since the epoch');
  scanner.position += number[0].length;
  const magnitude = Number(number[2]);
  const value = number[1] === "-" ? -magnitude : magnitude;
  if (value < 0) scanner.fail(`@${number[1]}${number[2]} is before 1970`);
  // Far enough past 2199 to be refused without overflowing the calendar arithmetic.
  const seconds = Math.min(value, 1e13);
  const time = civilFromWallSeconds(seconds);
  calendar.years = once(time.year);
  calendar.months = once(time.month);
  calendar.days = once(time.day);
  calendar.hours = once(time.hour);
  calendar.minutes = once(time.minute);
  calendar.seconds = once(time.second * MICROSECONDS_PER_SECOND);
  calendar.utc = true;
}
