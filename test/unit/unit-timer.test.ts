import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { readTimerSection, type TimerDefinition, timerUnitOf } from "../../src/unit/timer.ts";
import { nextTimerElapse } from "../../src/unit/timer-schedule.ts";
import { parseTimespan } from "../../src/unit/timespan.ts";
import { checkUnitFile } from "../../src/unit/validate.ts";

function file(text: string) {
  const parsed = parseUnitFile(text);
  assert.ok(parsed.ok);
  return parsed.file;
}

function timer(text: string, name = "backup.timer"): TimerDefinition {
  const read = readTimerSection(file(text), { unitName: name });
  assert.ok(read.ok, JSON.stringify(read.errors));
  return read.timer;
}

function errors(text: string, name = "backup.timer"): string[] {
  const checked = checkUnitFile(text, name);
  return checked.ok ? [] : checked.errors.map((error) => `${error.line}: ${error.message}`);
}

describe("timer units: the [Timer] section", () => {
  test("every supported key, with systemd's defaults", () => {
    const read = timer(`[Timer]
OnCalendar=daily
OnCalendar=*:0/15
OnActiveSec=1min
OnBootSec=2h
OnStartupSec=30
OnUnitActiveSec=1h 30min
OnUnitInactiveSec=1w
RandomizedDelaySec=5s
Persistent=true
`);
    assert.deepEqual(
      read.calendars.map((entry) => entry.text),
      ["daily", "*:0/15"],
    );
    assert.deepEqual(read.monotonic, {
      OnActiveSec: [60],
      OnBootSec: [7200],
      OnStartupSec: [30],
      OnUnitActiveSec: [5400],
      OnUnitInactiveSec: [604800],
    });
    assert.equal(read.unit, "backup.service");
    assert.equal(read.accuracySeconds, 60);
    assert.equal(read.randomizedDelaySeconds, 5);
    assert.equal(read.persistent, true);
  });

  test("Unit= names the service; by default the timer's own name, also for instances", () => {
    assert.equal(timer("[Timer]\nOnCalendar=hourly\nUnit=other.service\n").unit, "other.service");
    assert.equal(
      timer("[Timer]\nOnCalendar=hourly\n", "backup@db.timer").unit,
      "backup@db.service",
    );
    assert.equal(
      timer("[Timer]\nOnCalendar=hourly\nUnit=dump@%i.service\n", "backup@db.timer").unit,
      "dump@db.service",
    );
    assert.equal(timerUnitOf(file("[Timer]\nOnCalendar=hourly\n"), "a@b.timer"), "a@b.service");
  });

  test("an empty assignment resets a list, as systemd reads one", () => {
    const read = timer("[Timer]\nOnCalendar=daily\nOnCalendar=\nOnCalendar=weekly\n");
    assert.deepEqual(
      read.calendars.map((entry) => entry.text),
      ["weekly"],
    );
  });

  test("a calendar expression systemd refuses is an error naming the key and the value", () => {
    const [error] = errors("[Timer]\nOnCalendar=*:*:99\n");
    assert.match(error ?? "", /^2: OnCalendar=\*:\*:99: /);
  });

  test("unsupported keys are refused, naming them", () => {
    for (const key of ["WakeSystem", "RemainAfterElapse", "OnClockChange", "FixedRandomDelay"]) {
      const [error] = errors(`[Timer]\nOnCalendar=daily\n${key}=yes\n`);
      assert.match(error ?? "", new RegExp(`^3: ${key}= is not supported: `));
    }
    assert.match(
      errors("[Timer]\nOnCalendar=daily\nOnCalender=daily\n")[0] ?? "",
      /unknown key OnCalender/,
    );
  });

  test("bad spans, booleans and units are errors", () => {
    assert.match(
      errors("[Timer]\nOnActiveSec=soon\n")[0] ?? "",
      /OnActiveSec=soon: not a time span/,
    );
    assert.match(errors("[Timer]\nOnActiveSec=infinity\n")[0] ?? "", /not a time span/);
    assert.match(
      errors("[Timer]\nOnCalendar=daily\nPersistent=maybe\n")[0] ?? "",
      /Persistent=maybe: not a boolean/,
    );
    assert.match(
      errors("[Timer]\nOnCalendar=daily\nUnit=other.socket\n")[0] ?? "",
      /Unit=other.socket: a timer starts a service/,
    );
    assert.match(
      errors("[Timer]\nOnCalendar=daily\nUnit=other@.service\n")[0] ?? "",
      /a template cannot be started/,
    );
    assert.match(errors("[Timer]\nOnCalendar=daily\nUnit=no dot\n")[0] ?? "", /^3: Unit=no dot: /);
  });

  test("a timer with nothing to elapse on is refused, as systemd refuses it", () => {
    assert.match(
      errors("[Timer]\nPersistent=true\n")[0] ?? "",
      /a timer needs something to elapse on/,
    );
    assert.match(
      errors("[Unit]\nDescription=x\n")[0] ?? "",
      /a timer needs something to elapse on/,
    );
  });

  test("[Service] does not belong in a timer; [Timer] in a service is a warning", () => {
    assert.match(
      errors("[Timer]\nOnCalendar=daily\n[Service]\nExecStart=/bin/true\n")[0] ?? "",
      /section \[Service\] does not belong in a timer: .* by default backup.service/,
    );
    const service = checkUnitFile(
      "[Service]\nExecStart=/bin/true\n[Timer]\nOnCalendar=daily\n",
      "a.service",
    );
    assert.ok(service.ok);
    assert.match(service.check.warnings[0]?.message ?? "", /\[Timer\] belongs in a .timer unit/);
  });

  test("a valid timer, and a template timer checked as an instance", () => {
    assert.deepEqual(
      errors(
        "[Unit]\nDescription=nightly\n[Timer]\nOnCalendar=Mon..Fri 02:00 Europe/Berlin\nPersistent=yes\n[X-Fleet]\nMachineMetadata=role=db\n",
      ),
      [],
    );
    assert.deepEqual(
      errors("[Timer]\nOnCalendar=*:*:0/2\nUnit=run@%i.service\n", "backup@.timer"),
      [],
    );
  });
});

describe("time spans as systemd writes them", () => {
  test("units from nanoseconds to years, with or without blanks", () => {
    assert.equal(parseTimespan("1h30min"), 5400);
    assert.equal(parseTimespan("2w"), 1209600);
    assert.equal(parseTimespan("1M"), 2629800);
    assert.equal(parseTimespan("1y"), 31557600);
    assert.equal(parseTimespan("1m"), 60);
    assert.equal(parseTimespan("500µs"), 0.0005);
    assert.equal(parseTimespan("5 MIN"), undefined);
  });
});

describe("a timer's next elapse", () => {
  const zone = "UTC";
  const at = (iso: string) => Date.parse(iso);
  const base = { localZone: zone };

  test("OnCalendar= counts from the last elapse, else from the start", () => {
    const t = timer("[Timer]\nOnCalendar=*:0/15\n");
    const start = at("2026-12-08T10:07:00Z");
    assert.deepEqual(nextTimerElapse(t, { ...base, now: start, activatedAt: start }), {
      at: at("2026-12-08T10:15:00Z"),
      trigger: "OnCalendar=*:0/15",
    });
    // A Persistent= timer's last elapse long ago: the missed one is due at once.
    const missed = nextTimerElapse(t, {
      ...base,
      now: start,
      activatedAt: start,
      lastTrigger: at("2026-12-08T08:00:00Z"),
    });
    assert.equal(missed?.at, at("2026-12-08T08:15:00Z"));
  });

  test("the earliest of several triggers", () => {
    const t = timer("[Timer]\nOnCalendar=hourly\nOnActiveSec=10min\n");
    const start = at("2026-12-08T10:07:00Z");
    assert.deepEqual(nextTimerElapse(t, { ...base, now: start, activatedAt: start }), {
      at: at("2026-12-08T10:17:00Z"),
      trigger: "OnActiveSec=600s",
    });
  });

  test("OnActiveSec= elapses once per start", () => {
    const t = timer("[Timer]\nOnActiveSec=10s\n");
    const start = at("2026-12-08T10:00:00Z");
    assert.equal(
      nextTimerElapse(t, { ...base, now: start, activatedAt: start })?.at,
      start + 10_000,
    );
    const after = { ...base, now: start + 11_000, activatedAt: start, lastTrigger: start + 10_000 };
    assert.equal(nextTimerElapse(t, after), undefined);
  });

  test("OnUnitActiveSec= counts from the service's start, else the last elapse, else waits", () => {
    const t = timer("[Timer]\nOnUnitActiveSec=1h\n");
    const start = at("2026-12-08T10:00:00Z");
    assert.equal(nextTimerElapse(t, { ...base, now: start, activatedAt: start }), undefined);
    assert.equal(
      nextTimerElapse(t, { ...base, now: start, activatedAt: start, lastTrigger: start })?.at,
      start + 3_600_000,
    );
    assert.equal(
      nextTimerElapse(t, {
        ...base,
        now: start,
        activatedAt: start,
        lastTrigger: start,
        unitActivatedAt: start + 60_000,
      })?.at,
      start + 3_660_000,
    );
  });

  test("OnUnitInactiveSec= counts from the service's end", () => {
    const t = timer("[Timer]\nOnBootSec=0\nOnUnitInactiveSec=30s\n");
    const start = at("2026-12-08T10:00:00Z");
    const next = nextTimerElapse(t, {
      ...base,
      now: start + 5000,
      activatedAt: start,
      lastTrigger: start,
      unitDeactivatedAt: start + 4000,
    });
    assert.deepEqual(next, { at: start + 34_000, trigger: "OnUnitInactiveSec=30s" });
  });
});
