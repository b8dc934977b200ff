// nextElapse on cases whose answers come from systemd-analyze 252 (unit-calendar-systemd.test.ts
// compares many more where systemd-analyze is installed), and the zone conversions.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type Calendar,
  instantsAt,
  matches,
  nextElapse,
  parseCalendar,
  wallClockAt,
} from "../../src/unit/calendar/index.ts";

function calendar(text: string): Calendar {
  const result = parseCalendar(text);
  assert.ok(result.ok, result.ok ? "" : result.error);
  return result.calendar;
}

/** The next `count` elapses after `from` (ISO), as ISO strings; "never" ends the list. */
function elapses(text: string, localZone: string, from: string, count: number): string[] {
  const parsed = calendar(text);
  const found: string[] = [];
  let after = Date.parse(from);
  for (let index = 0; index < count; index++) {
    const next = nextElapse(parsed, after, localZone);
    if (next === undefined) return [...found, "never"];
    assert.ok(next > after);
    found.push(new Date(next).toISOString().replace(".000Z", "Z"));
    after = next;
  }
  return found;
}

describe("nextElapse: ordinary expressions", () => {
  test("repetitions, weekdays and the end of the month", () => {
    assert.deepEqual(elapses("*:0/15", "UTC", "2023-11-14T22:13:20Z", 3), [
      "2023-11-14T22:15:00Z",
      "2023-11-14T22:30:00Z",
      "2023-11-14T22:45:00Z",
    ]);
    assert.deepEqual(elapses("Mon..Fri 09:00", "Europe/Berlin", "2023-11-16T12:00:00Z", 2), [
      "2023-11-17T08:00:00Z",
      "2023-11-20T08:00:00Z",
    ]);
    // The last Monday of May.
    assert.deepEqual(elapses("Mon *-05~07/1", "UTC", "2023-11-14T00:00:00Z", 3), [
      "2024-05-27T00:00:00Z",
      "2025-05-26T00:00:00Z",
      "2026-05-25T00:00:00Z",
    ]);
    // The third-last day of February, leap years included.
    assert.deepEqual(elapses("*-02~03", "UTC", "2023-11-14T00:00:00Z", 2), [
      "2024-02-27T00:00:00Z",
      "2025-02-26T00:00:00Z",
    ]);
  });

  test("strictly after `after`, to the microsecond", () => {
    const everySecond = calendar("*:*:*");
    assert.equal(
      nextElapse(everySecond, Date.parse("2024-01-01T00:00:00Z"), "UTC"),
      Date.parse("2024-01-01T00:00:01Z"),
    );
    assert.equal(
      nextElapse(everySecond, Date.parse("2024-01-01T00:00:00.999Z"), "UTC"),
      Date.parse("2024-01-01T00:00:01Z"),
    );
    const everyMicrosecond = calendar("*:*:0/0.000001");
    assert.equal(nextElapse(everyMicrosecond, 1_700_000_000_000, "UTC"), 1_700_000_000_000.001);
    assert.equal(
      nextElapse(calendar("*:*:1.5"), Date.parse("2024-01-01T00:00:00Z"), "UTC"),
      Date.parse("2024-01-01T00:00:01.500Z"),
    );
  });

  test("the expression's zone wins over the local one", () => {
    assert.deepEqual(
      elapses("12:00 Asia/Kathmandu", "America/New_York", "2024-01-01T00:00:00Z", 1),
      ["2024-01-01T06:15:00Z"],
    );
    assert.deepEqual(elapses("12:00 UTC", "Pacific/Chatham", "2024-01-01T00:00:00Z", 1), [
      "2024-01-01T12:00:00Z",
    ]);
    assert.deepEqual(elapses("12:00", "Pacific/Chatham", "2024-01-01T00:00:00Z", 1), [
      "2024-01-01T22:15:00Z",
    ]);
  });

  test("never again: past dates, impossible dates, the end of 2199", () => {
    assert.deepEqual(elapses("2020-01-01", "UTC", "2023-01-01T00:00:00Z", 1), ["never"]);
    assert.deepEqual(elapses("*-02-30", "UTC", "2023-01-01T00:00:00Z", 1), ["never"]);
    assert.deepEqual(elapses("2023-02-29", "UTC", "2020-01-01T00:00:00Z", 1), ["never"]);
    assert.deepEqual(elapses("*-12-31 23:59:59", "UTC", "2198-06-01T00:00:00Z", 3), [
      "2198-12-31T23:59:59Z",
      "2199-12-31T23:59:59Z",
      "never",
    ]);
  });
});

describe("nextElapse: daylight-saving changes, as systemd", () => {
  test("a time skipped when the clocks go forward does not elapse that day", () => {
    assert.deepEqual(elapses("02:30", "Europe/Berlin", "2023-03-25T12:00:00Z", 2), [
      "2023-03-27T00:30:00Z",
      "2023-03-28T00:30:00Z",
    ]);
    // Havana goes forward at midnight: the whole of 2024-03-10 has no 00:00.
    assert.deepEqual(elapses("00:00", "America/Havana", "2024-03-09T03:00:00Z", 2), [
      "2024-03-09T05:00:00Z",
      "2024-03-11T04:00:00Z",
    ]);
  });

  test("repetitions continue after the skipped hour", () => {
    assert.deepEqual(elapses("*:0/20", "America/New_York", "2024-03-10T06:30:00Z", 4), [
      "2024-03-10T06:40:00Z",
      "2024-03-10T07:00:00Z",
      "2024-03-10T07:20:00Z",
      "2024-03-10T07:40:00Z",
    ]);
  });

  test("a repeated hour elapses in its first pass only", () => {
    assert.deepEqual(elapses("02:30", "Europe/Berlin", "2023-10-28T12:00:00Z", 2), [
      "2023-10-29T00:30:00Z",
      "2023-10-30T01:30:00Z",
    ]);
    assert.deepEqual(elapses("01,02,03:30", "Europe/Berlin", "2023-10-28T12:00:00Z", 4), [
      "2023-10-28T23:30:00Z",
      "2023-10-29T00:30:00Z",
      "2023-10-29T02:30:00Z",
      "2023-10-30T00:30:00Z",
    ]);
    assert.deepEqual(elapses("*:15", "Europe/Berlin", "2023-10-29T00:50:00Z", 2), [
      "2023-10-29T02:15:00Z",
      "2023-10-29T03:15:00Z",
    ]);
  });

  test("... or in its second pass, when the search starts there", () => {
    assert.deepEqual(elapses("*:15", "Europe/Berlin", "2023-10-29T01:10:00Z", 2), [
      "2023-10-29T01:15:00Z",
      "2023-10-29T02:15:00Z",
    ]);
  });

  test("Irish winter time, a negative saving in tzdata, skips the rest of the day of the change", () => {
    assert.deepEqual(elapses("01,02,03:30", "Europe/Dublin", "2024-03-30T23:30:00Z", 2), [
      "2024-04-01T00:30:00Z",
      "2024-04-01T01:30:00Z",
    ]);
    assert.deepEqual(elapses("*:30", "Europe/Dublin", "2024-03-31T00:29:00Z", 3), [
      "2024-03-31T00:30:00Z",
      "2024-03-31T01:30:00Z",
      "2024-03-31T02:30:00Z",
    ]);
  });

  test("systemd gives up where its search goes round in circles, and so does this", () => {
    // Hour 26 is 02:00 of the next day, skipped on 2024-03-31; systemd reports an infinite loop.
    assert.deepEqual(elapses("01/5:00", "Europe/Berlin", "2024-03-30T21:30:00Z", 1), ["never"]);
  });

  test("never before `after`, where systemd would go back to the first pass of a repeated hour", () => {
    // systemd 252 answers 2024-10-27T00:46:00Z here, before the base; the second pass is next.
    assert.deepEqual(elapses("*-*~1..7 *:48,46", "Europe/London", "2024-10-27T01:14:39Z", 2), [
      "2024-10-27T01:46:00Z",
      "2024-10-27T01:48:00Z",
    ]);
  });
});

describe("matches", () => {
  test("checks the wall-clock reading in the calendar's zone", () => {
    const berlin = calendar("Mon..Fri 09:00 Europe/Berlin");
    assert.equal(matches(berlin, Date.parse("2023-11-15T08:00:00Z"), "UTC"), true);
    assert.equal(matches(berlin, Date.parse("2023-11-15T09:00:00Z"), "UTC"), false);
    assert.equal(matches(berlin, Date.parse("2023-11-18T08:00:00Z"), "UTC"), false, "a Saturday");
    assert.equal(
      matches(calendar("09:00"), Date.parse("2023-11-15T08:00:00Z"), "Europe/Berlin"),
      true,
    );
  });

  test("whole seconds and fractions", () => {
    assert.equal(matches(calendar("*:*:*"), Date.parse("2024-01-01T00:00:07Z"), "UTC"), true);
    assert.equal(matches(calendar("*:*:*"), Date.parse("2024-01-01T00:00:07.500Z"), "UTC"), false);
    assert.equal(matches(calendar("*:*:7.5"), Date.parse("2024-01-01T00:00:07.500Z"), "UTC"), true);
  });

  test("days from the end of the month", () => {
    const lastWeek = calendar("*-*~1..7/2");
    assert.equal(
      matches(lastWeek, Date.parse("2024-02-23T00:00:00Z"), "UTC"),
      true,
      "7th-last of 29",
    );
    assert.equal(matches(lastWeek, Date.parse("2024-02-24T00:00:00Z"), "UTC"), false);
    assert.equal(matches(lastWeek, Date.parse("2024-02-29T00:00:00Z"), "UTC"), true);
    assert.equal(matches(calendar("*-*~03"), Date.parse("2023-02-26T00:00:00Z"), "UTC"), true);
  });
});

describe("nextElapse: speed", () => {
  test("typical expressions take well under a millisecond", () => {
    const expressions = [
      "*:0/15",
      "Mon..Fri 09:00",
      "Mon *-05~07/1",
      "daily",
      "*-*-1/7 04:00 Europe/Berlin",
    ];
    const calendars = expressions.map(calendar);
    for (const entry of calendars) nextElapse(entry, 1_700_000_000_000, "America/New_York");
    const rounds = 200;
    const start = performance.now();
    for (let round = 0; round < rounds; round++) {
      for (const entry of calendars)
        nextElapse(entry, 1_700_000_000_000 + round * 3_600_000, "America/New_York");
    }
    const perCall = (performance.now() - start) / (rounds * calendars.length);
    assert.ok(perCall < 0.25, `${perCall.toFixed(3)} ms per call`);
  });
});

describe("zone conversions", () => {
  const time = (year: number, month: number, day: number, hour: number, minute: number) => ({
    year,
    month,
    day,
    hour,
    minute,
    second: 0,
  });

  test("wallClockAt reads an instant in a zone", () => {
    assert.deepEqual(wallClockAt(Date.parse("2024-07-01T10:15:30.250Z"), "Asia/Kathmandu"), {
      ...time(2024, 7, 1, 16, 0),
      second: 30,
      millisecond: 250,
    });
    assert.deepEqual(wallClockAt(Date.parse("2024-01-01T00:00:00Z"), "UTC"), {
      ...time(2024, 1, 1, 0, 0),
      millisecond: 0,
    });
  });

  test("instantsAt finds none, one or two instants for a reading", () => {
    assert.deepEqual(instantsAt(time(2023, 3, 26, 2, 30), "Europe/Berlin"), []);
    assert.deepEqual(instantsAt(time(2023, 3, 26, 3, 30), "Europe/Berlin"), [
      Date.parse("2023-03-26T01:30:00Z"),
    ]);
    assert.deepEqual(instantsAt(time(2023, 10, 29, 2, 30), "Europe/Berlin"), [
      Date.parse("2023-10-29T00:30:00Z"),
      Date.parse("2023-10-29T01:30:00Z"),
    ]);
    assert.deepEqual(instantsAt(time(2024, 10, 6, 2, 15), "Australia/Lord_Howe"), []);
    assert.deepEqual(instantsAt(time(2024, 4, 7, 1, 45), "Australia/Lord_Howe"), [
      Date.parse("2024-04-06T14:45:00Z"),
      Date.parse("2024-04-06T15:15:00Z"),
    ]);
  });
});
