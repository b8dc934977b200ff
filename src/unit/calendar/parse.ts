import { formatCalendar } from "./format.ts";
import { parseFields, type RawCalendar } from "./grammar.ts";
import type { Calendar } from "./model.ts";
import {
  checkField,
  DAY,
  HOUR,
  MINUTE,
  MONTH,
  normalizeField,
  SECOND,
  toRanges,
  widenYears,
  YEAR,
} from "./normalize.ts";
import { asciiLowerCase, CalendarSyntaxError, type RawRange } from "./scanner.ts";
import { isKnownTimeZone } from "./zone.ts";

export type CalendarParse = { ok: true; calendar: Calendar } | { ok: false; error: string };

/**
 * Reads an OnCalendar= expression as systemd 252 does (systemd.time(7)): it accepts and refuses
 * the same texts and yields the same normalized form. The one difference: systemd also takes
 * the local zone's abbreviations (such as "CET" on a machine in Europe/Berlin) as a suffix,
 * which depends on the machine; here such a word is only accepted when it names a zone.
 */
export function parseCalendar(text: string): CalendarParse {
  try {
    return { ok: true, calendar: readCalendar(text) };
  } catch (error) {
    if (error instanceof CalendarSyntaxError) return { ok: false, error: error.message };
    throw error;
  }
}

// The text before the last space, and the word after it.
const LAST_WORD = /^(.*) ([^ ]+)$/s;

// Words systemd reads in timestamps but not in calendar expressions.
const TIMESTAMP_WORDS = new Set(["now", "today", "yesterday", "tomorrow"]);

function readCalendar(text: string): Calendar {
  let body = text;
  let timeZone: string | undefined;
  const lastWord = LAST_WORD.exec(text);
  if (asciiLowerCase(text.slice(-4)) === " utc") {
    body = text.slice(0, -4);
    timeZone = "UTC";
  } else if (
    lastWord?.[1] !== undefined &&
    lastWord[2] !== undefined &&
    isKnownTimeZone(lastWord[2])
  ) {
    body = lastWord[1];
    timeZone = lastWord[2];
  }
  if (body === "" || (timeZone === undefined && isKnownTimeZone(body))) {
    throw new CalendarSyntaxError(
      text === "" ? "the expression is empty" : "a time zone alone is not a calendar expression",
    );
  }
  if (TIMESTAMP_WORDS.has(asciiLowerCase(body))) {
    throw new CalendarSyntaxError(`"${body}" is a timestamp, not a calendar expression`);
  }
  if (timeZone !== undefined && body.endsWith(" ") && !parses(body) && parses(body.trimEnd())) {
    throw new CalendarSyntaxError(`unexpected space before "${timeZone}"`);
  }
  const raw = shorthand(body) ?? parseBody(body, timeZone === undefined ? lastWord : null);
  if (raw.utc) timeZone = "UTC";

  const years = normalizeField(widenYears(raw.years));
  const months = normalizeField(raw.months);
  const days = normalizeField(raw.days);
  const hours = normalizeField(raw.hours);
  const minutes = normalizeField(raw.minutes);
  const seconds = normalizeField(raw.seconds) as RawRange[];
  const fromMonthEnd = raw.fromMonthEnd && days !== undefined;
  checkField(years, YEAR);
  checkField(months, MONTH);
  checkField(days, DAY, fromMonthEnd);
  checkField(hours, HOUR);
  checkField(minutes, MINUTE);
  checkField(seconds, SECOND);

  const parts = {
    weekdays: raw.weekdays === 0x7f ? 0 : raw.weekdays,
    years: toRanges(years),
    months: toRanges(months),
    days: toRanges(days),
    fromMonthEnd,
    hours: toRanges(hours),
    minutes: toRanges(minutes),
    seconds: toRanges(seconds) ?? [],
    timeZone,
  };
  // Fields that match everything are left out rather than set to undefined.
  return {
    weekdays: parts.weekdays,
    ...(parts.years && { years: parts.years }),
    ...(parts.months && { months: parts.months }),
    ...(parts.days && { days: parts.days }),
    fromMonthEnd,
    ...(parts.hours && { hours: parts.hours }),
    ...(parts.minutes && { minutes: parts.minutes }),
    seconds: parts.seconds,
    ...(timeZone && { timeZone }),
    normalized: formatCalendar(parts),
  };
}

/**
 * Parses the fields. When that fails because of the last word, and the rest parses, the word
 * was most likely meant as a time zone that is not known: says so rather than pointing at it.
 */
function parseBody(body: string, lastWord: RegExpExecArray | null): RawCalendar {
  try {
    return parseFields(body);
  } catch (error) {
    if (!(error instanceof CalendarSyntaxError)) throw error;
    const [, before, word] = lastWord ?? [];
    if (before === undefined || word === undefined || !/[A-Za-z]/.test(word) || !parses(before)) {
      throw error;
    }
    const lower = word.toLowerCase();
    const otherCase = Intl.supportedValuesOf("timeZone").some(
      (zone) => zone.toLowerCase() === lower,
    );
    throw new CalendarSyntaxError(
      `unknown time zone "${word}"${otherCase ? " (zone names are case-sensitive)" : ""}`,
    );
  }
}

function parses(body: string): boolean {
  try {
    parseFields(body);
    return true;
  } catch {
    return false;
  }
}

const once = (value: number): RawRange[] => [{ start: value, stop: -1, repeat: 0 }];

function shorthand(body: string): RawCalendar | undefined {
  const midnight = { hours: once(0), minutes: once(0), seconds: once(0) };
  const base: RawCalendar = {
    weekdays: 0,
    years: undefined,
    months: undefined,
    days: undefined,
    fromMonthEnd: false,
    hours: undefined,
    minutes: undefined,
    seconds: once(0),
    utc: false,
  };
  const months = (...values: number[]): RawRange[] => values.flatMap(once);
  switch (asciiLowerCase(body)) {
    case "minutely":
      return base;
    case "hourly":
      return { ...base, minutes: once(0) };
    case "daily":
      return { ...base, ...midnight };
    case "weekly":
      return { ...base, ...midnight, weekdays: 1 };
    case "monthly":
      return { ...base, ...midnight, days: once(1) };
    case "quarterly":
      return { ...base, ...midnight, months: months(1, 4, 7, 10), days: once(1) };
    case "semiannually":
    case "semi-annually":
    case "biannually":
    case "bi-annually":
      return { ...base, ...midnight, months: months(1, 7), days: once(1) };
    case "yearly":
    case "annually":
    case "anually":
      return { ...base, ...midnight, months: once(1), days: once(1) };
    default:
      return undefined;
  }
}
