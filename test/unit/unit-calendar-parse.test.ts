import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type Calendar, parseCalendar } from "../../src/unit/calendar/index.ts";

function parse(text: string): Calendar {
  const result = parseCalendar(text);
  assert.ok(result.ok, `${JSON.stringify(text)}: ${result.ok ? "" : result.error}`);
  return result.calendar;
}

function refusal(text: string): string {
  const result = parseCalendar(text);
  assert.ok(
    !result.ok,
    `${JSON.stringify(text)} was accepted as ${result.ok ? result.calendar.normalized : ""}`,
  );
  return result.error;
}

// Expressions and the normalized forms systemd-analyze 252 prints for them.
const ACCEPTED: [string, string][] = [
  ["minutely", "*-*-* *:*:00"],
  ["hourly", "*-*-* *:00:00"],
  ["daily", "*-*-* 00:00:00"],
  ["weekly", "Mon *-*-* 00:00:00"],
  ["monthly", "*-*-01 00:00:00"],
  ["quarterly", "*-01,04,07,10-01 00:00:00"],
  ["semiannually", "*-01,07-01 00:00:00"],
  ["semi-annually", "*-01,07-01 00:00:00"],
  ["biannually", "*-01,07-01 00:00:00"],
  ["bi-annually", "*-01,07-01 00:00:00"],
  ["yearly", "*-01-01 00:00:00"],
  ["annually", "*-01-01 00:00:00"],
  ["anually", "*-01-01 00:00:00"],
  ["HOURLY", "*-*-* *:00:00"],
  ["Daily UTC", "*-*-* 00:00:00 UTC"],
  ["weekly Europe/Berlin", "Mon *-*-* 00:00:00 Europe/Berlin"],
  ["Mon", "Mon *-*-* 00:00:00"],
  ["monday", "Mon *-*-* 00:00:00"],
  ["MON", "Mon *-*-* 00:00:00"],
  ["Sat,Sun", "Sat,Sun *-*-* 00:00:00"],
  ["Sun,Sat", "Sat,Sun *-*-* 00:00:00"],
  ["Mon..Fri", "Mon..Fri *-*-* 00:00:00"],
  ["Mon-Fri", "Mon..Fri *-*-* 00:00:00"],
  ["Monday..Friday", "Mon..Fri *-*-* 00:00:00"],
  ["mon..wed,fri", "Mon..Wed,Fri *-*-* 00:00:00"],
  ["Mon,Tue", "Mon,Tue *-*-* 00:00:00"],
  ["Mon,Tue,Wed", "Mon..Wed *-*-* 00:00:00"],
  ["Mon..Wed,Thu", "Mon..Thu *-*-* 00:00:00"],
  ["Mon,Wed,Fri,Sun", "Mon,Wed,Fri,Sun *-*-* 00:00:00"],
  ["Tue..Wed,Fri..Sun", "Tue,Wed,Fri..Sun *-*-* 00:00:00"],
  ["Mon..Sun", "*-*-* 00:00:00"],
  ["Mon..Mon", "Mon *-*-* 00:00:00"],
  ["Mon,", "Mon *-*-* 00:00:00"],
  ["Mon, 12:00", "Mon *-*-* 12:00:00"],
  ["Mon,Tue, 12:00", "Mon,Tue *-*-* 12:00:00"],
  ["Mon  12:00", "Mon *-*-* 12:00:00"],
  ["2024-06-15", "2024-06-15 00:00:00"],
  ["2024-06-15 12:00", "2024-06-15 12:00:00"],
  ["2024-06-15 12:00:30", "2024-06-15 12:00:30"],
  ["06-15", "*-06-15 00:00:00"],
  ["6-15 8:05", "*-06-15 08:05:00"],
  ["*-*-*", "*-*-* 00:00:00"],
  ["*-*-* *:*:*", "*-*-* *:*:*"],
  ["*-*-* 00:00:00", "*-*-* 00:00:00"],
  ["*-*-01", "*-*-01 00:00:00"],
  ["*-*-1/7", "*-*-01/7 00:00:00"],
  ["*-1/3-15", "*-01/3-15 00:00:00"],
  ["*-*-1..7", "*-*-01..07 00:00:00"],
  ["*-*-31", "*-*-31 00:00:00"],
  ["*-02-29", "*-02-29 00:00:00"],
  ["*-02-30", "*-02-30 00:00:00"],
  ["2023-02-30", "2023-02-30 00:00:00"],
  ["2020..2030/2-01-01", "2020..2030/2-01-01 00:00:00"],
  ["2020..2030/3-01-01", "2020..2029/3-01-01 00:00:00"],
  ["2020/5-*-*", "2020/5-*-* 00:00:00"],
  ["2024,2026,2025-*-*", "2024,2025,2026-*-* 00:00:00"],
  ["*-12,1,6-*", "*-01,06,12-* 00:00:00"],
  ["24-06-15", "2024-06-15 00:00:00"],
  ["99-01-01", "1999-01-01 00:00:00"],
  ["0-1-1", "2000-01-01 00:00:00"],
  ["69-1-1", "2069-01-01 00:00:00"],
  ["70-1-1", "1970-01-01 00:00:00"],
  ["0099-01-01", "1999-01-01 00:00:00"],
  ["00-01-01", "2000-01-01 00:00:00"],
  ["70..99/2-1-1", "1970..1998/2-01-01 00:00:00"],
  ["05..10-1-1", "2005..2010-01-01 00:00:00"],
  ["1970-01-01", "1970-01-01 00:00:00"],
  ["2199-12-31", "2199-12-31 00:00:00"],
  ["2150/49-1-1", "2150/49-01-01 00:00:00"],
  ["*-02~03", "*-02~03 00:00:00"],
  ["02~03", "*-02~03 00:00:00"],
  ["*~1", "*-*~01 00:00:00"],
  ["*-*~01", "*-*~01 00:00:00"],
  ["*-*~28", "*-*~28 00:00:00"],
  ["*-05~01..07", "*-05~01..07 00:00:00"],
  ["*-*~1..7/2", "*-*~01..07/2 00:00:00"],
  ["*-*~07/6", "*-*~07/6 00:00:00"],
  ["Mon *-05~07/1", "Mon *-05~07/1 00:00:00"],
  ["*-02~*", "*-02-* 00:00:00"],
  ["*-*~1,5", "*-*~01,05 00:00:00"],
  ["*-*~01,25", "*-*~01,25 00:00:00"],
  ["*-*~01,04,07,10", "*-*~01,04,07,10 00:00:00"],
  ["12:00", "*-*-* 12:00:00"],
  ["12:00:00", "*-*-* 12:00:00"],
  ["9:5", "*-*-* 09:05:00"],
  ["9:5:7", "*-*-* 09:05:07"],
  ["*:0/15", "*-*-* *:00/15:00"],
  ["*:00/15", "*-*-* *:00/15:00"],
  ["0/15:00", "*-*-* 00/15:00:00"],
  ["8..18:00", "*-*-* 08..18:00:00"],
  ["08..18/3:00", "*-*-* 08..17/3:00:00"],
  ["8..17/2:00", "*-*-* 08..16/2:00:00"],
  ["8..8:00", "*-*-* 08:00:00"],
  ["8..9/2:00", "*-*-* 08:00:00"],
  ["3,1,2,1:00", "*-*-* 01,02,03:00:00"],
  ["1..3,5:00", "*-*-* 01..03,05:00:00"],
  ["1..3,2..4:0", "*-*-* 01..03,02..04:00:00"],
  ["0,0/1:0", "*-*-* 00,00/1:00:00"],
  ["0/1:0", "*-*-* 00/1:00:00"],
  ["0..23:0", "*-*-* 00..23:00:00"],
  ["*:0..59", "*-*-* *:00..59:00"],
  ["*:0/59", "*-*-* *:00/59:00"],
  ["*:*", "*-*-* *:*:00"],
  ["*:*:*", "*-*-* *:*:*"],
  ["*:*:1.5", "*-*-* *:*:01.500000"],
  ["*:*:01.500000", "*-*-* *:*:01.500000"],
  ["*:*:1.1234565", "*-*-* *:*:01.123457"],
  ["*:*:1.1234564", "*-*-* *:*:01.123456"],
  ["*:*:1.9999995", "*-*-* *:*:02"],
  ["*:*:59.999999", "*-*-* *:*:59.999999"],
  ["*:*:0/0.5", "*-*-* *:*:00/0.500000"],
  ["*:*:1.5..3", "*-*-* *:*:01.500000..02.500000"],
  ["*:*:1..5", "*-*-* *:*:01..05"],
  ["*:*:1..5.5", "*-*-* *:*:01..05"],
  ["*:*:1.5/2.25", "*-*-* *:*:01.500000/2.250000"],
  ["*:*:0..10/2.5", "*-*-* *:*:00..10/2.500000"],
  ["*:*:0..1/0.3", "*-*-* *:*:00..00.900000/0.300000"],
  ["*:*:5,1.5", "*-*-* *:*:01.500000,05"],
  ["*:*:0/1", "*-*-* *:*:*"],
  ["*:*:0..59/1", "*-*-* *:*:00..59"],
  ["*:*:00..59", "*-*-* *:*:00..59"],
  ["*:*:0/0.000001", "*-*-* *:*:00/0.000001"],
  ["*:*:10/0.000001", "*-*-* *:*:10/0.000001"],
  ["00:00:00.000000", "*-*-* 00:00:00"],
  ["*:*:00.0", "*-*-* *:*:00"],
  ["01:02:03.000001", "*-*-* 01:02:03.000001"],
  ["*-*-* 12:00:00.5/1", "*-*-* 12:00:00.500000/1"],
  ["@0", "1970-01-01 00:00:00 UTC"],
  ["@1700000000", "2023-11-14 22:13:20 UTC"],
  ["@ 5", "1970-01-01 00:00:05 UTC"],
  ["@+5", "1970-01-01 00:00:05 UTC"],
  ["@-0", "1970-01-01 00:00:00 UTC"],
  ["@5 UTC", "1970-01-01 00:00:05 UTC"],
  ["Mon @123", "Mon 1970-01-01 00:02:03 UTC"],
  ["@123 Europe/Berlin", "1970-01-01 00:02:03 UTC"],
  ["@7258118399", "2199-12-31 23:59:59 UTC"],
  ["12:00 UTC", "*-*-* 12:00:00 UTC"],
  ["12:00 utc", "*-*-* 12:00:00 UTC"],
  ["12:00 Utc", "*-*-* 12:00:00 UTC"],
  ["daily UTC", "*-*-* 00:00:00 UTC"],
  ["12:00 Europe/Berlin", "*-*-* 12:00:00 Europe/Berlin"],
  ["12:00 America/New_York", "*-*-* 12:00:00 America/New_York"],
  ["12:00 Asia/Kathmandu", "*-*-* 12:00:00 Asia/Kathmandu"],
  ["12:00 Etc/UTC", "*-*-* 12:00:00 Etc/UTC"],
  ["12:00 Etc/GMT+5", "*-*-* 12:00:00 Etc/GMT+5"],
  ["12:00 US/Eastern", "*-*-* 12:00:00 US/Eastern"],
  ["12:00 Asia/Kolkata", "*-*-* 12:00:00 Asia/Kolkata"],
];

// Expressions systemd-analyze 252 refuses.
const REFUSED: string[] = [
  "Sun..Sat",
  "Fri..Mon",
  "Mon..",
  "Mon-",
  "Mon.Fri",
  "Mon..Wed..Fri",
  "Mon..Wed-Fri",
  "Mon,,Tue",
  "Mond",
  "Monday2",
  "Mo",
  "Xyz",
  "Mon..Xyz",
  "2024-*-* 12",
  "2024-01-01T12:00",
  "2024-01-01-12",
  "1-2-3-4",
  "2024~01-01",
  "2024-01",
  "69..71-1-1",
  "100-01-01",
  "1969-12-31",
  "2200-01-01",
  "2150/50-1-1",
  "*-*~29",
  "*-05~07..01",
  "*-*~07/7",
  "*-*~01/1",
  "*-*~01,26",
  "*-*~01,04,07,10,20",
  "2024~01-01",
  "8..7:00",
  "20/10:00",
  "*:50/10",
  "*:0/60",
  "*:0/0",
  "*/5:00",
  "*:*/5",
  "25:00",
  "24:00",
  "*:60",
  "12",
  "12:00:00:00",
  "12.5:00",
  "1,:00",
  "*",
  "*:*:59.9999995",
  "*:*:1.5..2",
  "*:*:*,5.5",
  "*:*:1.",
  "*:*:.5",
  "*:*:99",
  "*:*:60",
  "@-1",
  "@1.5",
  "@",
  "@7258118400",
  "12:00 europe/berlin",
  "12:00 Mars/Olympus",
  "12:00  Europe/Berlin",
  "12:00 Europe//Berlin",
  "12:00 UTC UTC",
  "UTC",
  " UTC",
  "Europe/Berlin",
  " Europe/Berlin",
  "today",
  "tomorrow",
  "yesterday",
  "now",
  "bogus",
  "",
];

describe("parseCalendar: what systemd accepts, normalized as systemd-analyze prints it", () => {
  for (const [text, normalized] of ACCEPTED) {
    test(JSON.stringify(text), () => {
      assert.equal(parse(text).normalized, normalized);
    });
  }
});

describe("parseCalendar: what systemd refuses", () => {
  for (const text of REFUSED) {
    test(JSON.stringify(text), () => {
      const error = refusal(text);
      assert.match(
        error,
        /^\S.*[^.]$/s,
        'one sentence, no full stop, fits after "OnCalendar=...: "',
      );
      assert.ok(!error.includes("\n"));
    });
  }
});

describe("parseCalendar: the parsed fields", () => {
  test("weekdays, a time zone and fields left out when they match everything", () => {
    assert.deepEqual(parse("Mon..Fri 09:00 Europe/Berlin"), {
      weekdays: 0b0011111,
      fromMonthEnd: false,
      hours: [{ start: 9, step: 0 }],
      minutes: [{ start: 0, step: 0 }],
      seconds: [{ start: 0, step: 0 }],
      timeZone: "Europe/Berlin",
      normalized: "Mon..Fri *-*-* 09:00:00 Europe/Berlin",
    });
  });

  test("repetitions, ranges and lists, sorted and without repeats", () => {
    const calendar = parse("2020..2030/3-12,1,6,1-1/7 8..17/2,3:0/15");
    assert.deepEqual(calendar.years, [{ start: 2020, end: 2029, step: 3 }]);
    assert.deepEqual(calendar.months, [
      { start: 1, step: 0 },
      { start: 6, step: 0 },
      { start: 12, step: 0 },
    ]);
    assert.deepEqual(calendar.days, [{ start: 1, step: 7 }]);
    assert.deepEqual(calendar.hours, [
      { start: 3, step: 0 },
      { start: 8, end: 16, step: 2 },
    ]);
    assert.deepEqual(calendar.minutes, [{ start: 0, step: 15 }]);
    assert.equal(calendar.weekdays, 0);
  });

  test("a plain range steps by one; a range that matches once is a single value", () => {
    assert.deepEqual(parse("8..18:00").hours, [{ start: 8, end: 18, step: 1 }]);
    assert.deepEqual(parse("8..8:00").hours, [{ start: 8, step: 0 }]);
    assert.deepEqual(parse("8..9/2:00").hours, [{ start: 8, step: 0 }]);
  });

  test("seconds are kept in microseconds, `*` being every whole second", () => {
    assert.deepEqual(parse("*:*:1.5").seconds, [{ start: 1_500_000, step: 0 }]);
    assert.deepEqual(parse("*:*:*").seconds, [{ start: 0, step: 1_000_000 }]);
    assert.deepEqual(parse("*:*:0/0.25").seconds, [{ start: 0, step: 250_000 }]);
    assert.deepEqual(parse("*:*:1..5.5").seconds, [
      { start: 1_000_000, end: 5_000_000, step: 1_000_000 },
    ]);
    // Six decimals count and the seventh rounds, as in systemd.
    assert.deepEqual(parse("*:*:1.1234565").seconds, [{ start: 1_123_457, step: 0 }]);
    assert.deepEqual(parse("*:*:1.12345649").seconds, [{ start: 1_123_456, step: 0 }]);
  });

  test("days counted from the end of the month", () => {
    const calendar = parse("Mon *-05~07/1");
    assert.equal(calendar.fromMonthEnd, true);
    assert.deepEqual(calendar.days, [{ start: 7, step: 1 }]);
    assert.equal(calendar.weekdays, 1);
    // `~` with every day is just every day.
    assert.equal(parse("*-02~*").fromMonthEnd, false);
  });

  test("two-digit years: 0-69 are 2000-2069, 70-99 are 1970-1999", () => {
    assert.deepEqual(parse("24-06-15").years, [{ start: 2024, step: 0 }]);
    assert.deepEqual(parse("69-1-1").years, [{ start: 2069, step: 0 }]);
    assert.deepEqual(parse("70..99/2-1-1").years, [{ start: 1970, end: 1998, step: 2 }]);
    assert.deepEqual(
      parse("0099-01-01").years,
      [{ start: 1999, step: 0 }],
      "by value, not by digits",
    );
  });

  test("@SECONDS is that instant in UTC", () => {
    const calendar = parse("@1700000000");
    assert.equal(calendar.normalized, "2023-11-14 22:13:20 UTC");
    assert.equal(calendar.timeZone, "UTC");
    assert.deepEqual(calendar.seconds, [{ start: 20_000_000, step: 0 }]);
    // A time zone after it does not change that (systemd prints UTC).
    assert.equal(parse("@123 Europe/Berlin").normalized, "1970-01-01 00:02:03 UTC");
  });

  test("the shorthands", () => {
    assert.deepEqual(parse("weekly"), parse("Mon *-*-* 00:00:00"));
    assert.deepEqual(parse("minutely").seconds, [{ start: 0, step: 0 }]);
    assert.equal(parse("minutely").minutes, undefined);
    assert.deepEqual(
      parse("quarterly").months?.map((range) => range.start),
      [1, 4, 7, 10],
    );
  });
});

describe("parseCalendar: spaces and letters, as systemd reads them", () => {
  test("spaces after weekdays and after a date are skipped, also at the end", () => {
    assert.equal(parse("Mon  12:00").normalized, "Mon *-*-* 12:00:00");
    assert.equal(parse("Mon ").normalized, "Mon *-*-* 00:00:00");
    assert.equal(parse("2020-01-01 ").normalized, "2020-01-01 00:00:00");
    assert.equal(
      parse("2020-01-01  Europe/Berlin").normalized,
      "2020-01-01 00:00:00 Europe/Berlin",
    );
  });

  test("but not after a time, nor before anything", () => {
    assert.equal(refusal("12:00 "), "unexpected space");
    assert.equal(refusal(" 12:00"), 'unexpected space before "12:00"');
    assert.equal(refusal("12:00  Europe/Berlin"), 'unexpected space before "Europe/Berlin"');
  });

  test("names ignore the case of ASCII letters only", () => {
    assert.equal(parse("WEEKLY").normalized, "Mon *-*-* 00:00:00");
    assert.equal(parse("wEdNeSdAy").normalized, "Wed *-*-* 00:00:00");
    refusal("WEE\u212aLY"); // KELVIN SIGN, which lower-cases to "k"
    refusal("Mon..Fr\u0130"); // LATIN CAPITAL LETTER I WITH DOT ABOVE
  });

  test("a field may list up to 241 values", () => {
    const values = (count: number): string => Array.from({ length: count }, () => "5").join(",");
    assert.equal(parse(`*:${values(241)}`).normalized, "*-*-* *:05:00");
    assert.equal(refusal(`*:${values(242)}`), "a field lists more than 241 values");
  });
});

describe("parseCalendar: time zones", () => {
  test("UTC in any case, as a suffix", () => {
    assert.equal(parse("12:00 utc").timeZone, "UTC");
    assert.equal(parse("12:00 utc").normalized, "*-*-* 12:00:00 UTC");
  });

  test("IANA names, including links, as written", () => {
    assert.equal(parse("12:00 Asia/Kolkata").timeZone, "Asia/Kolkata");
    assert.equal(parse("12:00 US/Eastern").normalized, "*-*-* 12:00:00 US/Eastern");
    assert.equal(parse("12:00 Etc/UTC").normalized, "*-*-* 12:00:00 Etc/UTC");
  });

  test("unknown or miscased names are refused", () => {
    assert.equal(refusal("12:00 Mars/Olympus"), 'unknown time zone "Mars/Olympus"');
    assert.equal(
      refusal("12:00 europe/berlin"),
      'unknown time zone "europe/berlin" (zone names are case-sensitive)',
    );
    assert.equal(refusal("Europe/Berlin"), "a time zone alone is not a calendar expression");
    assert.equal(refusal(" UTC"), "a time zone alone is not a calendar expression");
  });
});

describe("parseCalendar: what is wrong, in one sentence", () => {
  const MESSAGES: [string, string][] = [
    ["", "the expression is empty"],
    ["*:*:99", "second 99 is out of range (0-59)"],
    ["25:00", "hour 25 is out of range (0-23)"],
    ["*:60", "minute 60 is out of range (0-59)"],
    ["2023-13-01", "month 13 is out of range (1-12)"],
    ["*-*-0", "day 0 is out of range (1-31)"],
    ["2200-01-01", "year 2200 is out of range (1970-2199)"],
    ["100-01-01", "year 100 is out of range (1970-2199)"],
    ["*:*:59.9999995", "second 60 is out of range (0-59)"],
    ["*-*~29", "day ~29 is out of range (~1-~28)"],
    ["*-*~01,26", "day ~26 is out of range (~1-~25)"],
    ["Mon..Xyz", '"Xyz" is not a weekday'],
    ["Mond", '"Mond" is not a weekday'],
    ["Mon,,Tue", 'expected a weekday before ",Tue"'],
    ["Sat..Mon", "the weekday range Sat..Mon runs backwards"],
    ["Mon..", "the weekday range Mon.. has no end"],
    ["Mon.Fri", 'weekday ranges are written "Mon..Fri"'],
    ["8..7:00", "the hour range 8..7 runs backwards"],
    ["69..71-01-01", "the year range 2069..1971 runs backwards"],
    ["*-05~07..01", "the day range ~7..~1 runs backwards"],
    ["*:50/10", "the minute repetition 50/10 never repeats within 0-59"],
    ["*:0/60", "the minute repetition /60 is too large (at most 59)"],
    ["*-*~07/7", "the day repetition ~7/7 never repeats before the end of the month"],
    ["*:0/0", "a repetition of 0 never advances"],
    ["*:*:1.5..2", "the seconds range 1.5..2 spans less than a second"],
    ["*:*:1.", "expected digits after the decimal point"],
    ["*/5:00", '"*/5:00": a repetition is written "0/N", not "*/N"'],
    ["12", 'a time needs hours and minutes, as in "12:00"'],
    ["2020-01-01T12:00", 'unexpected "T12:00"'],
    ["99999999999:00", "99999999999 is too large"],
    ["today", '"today" is a timestamp, not a calendar expression'],
    ["now UTC", '"now" is a timestamp, not a calendar expression'],
    ["@-1", "@-1 is before 1970"],
    ["@1.5", 'unexpected ".5"'],
  ];
  for (const [text, message] of MESSAGES) {
    test(JSON.stringify(text), () => assert.equal(refusal(text), message));
  }
});
