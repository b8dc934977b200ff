import { parseSystemdBoolean } from "./boolean.ts";
import { type Calendar, parseCalendar } from "./calendar/index.ts";
import type { Located, UnitFile } from "./model.ts";
import { parseUnitName } from "./name.ts";
import { lastOptionValue } from "./options.ts";
import { serializeWithLines } from "./serialize.ts";
import { expandSpecifiers, type SpecifierContext } from "./specifiers.ts";
import { quote } from "./text.ts";
import { parseTimespan } from "./timespan.ts";

export const TIMER_SECTION = "Timer";

/** The monotonic triggers: each elapses a span after an event of the timer or its unit. */
export const MONOTONIC_KEYS = [
  "OnActiveSec",
  "OnBootSec",
  "OnStartupSec",
  "OnUnitActiveSec",
  "OnUnitInactiveSec",
] as const;
export type MonotonicKey = (typeof MONOTONIC_KEYS)[number];

export const TIMER_KEYS: readonly string[] = [
  "OnCalendar",
  ...MONOTONIC_KEYS,
  "AccuracySec",
  "RandomizedDelaySec",
  "Persistent",
  "Unit",
];

/** systemd's [Timer] keys Flotilla does not honour, and why: a unit using one is refused. */
const UNSUPPORTED_KEYS: ReadonlyMap<string, string> = new Map([
  ["WakeSystem", "Flotilla does not wake suspended machines"],
  ["RemainAfterElapse", "a timer stays active until it is stopped"],
  ["OnClockChange", "a timer is not triggered by changes of the system clock"],
  ["OnTimezoneChange", "a timer is not triggered by changes of the time zone"],
  ["FixedRandomDelay", "the randomized delay is drawn anew for every elapse"],
]);

/** systemd's default AccuracySec=: a timer may elapse this much late. */
const DEFAULT_ACCURACY_SECONDS = 60;

export interface CalendarTrigger {
  /** As written, after specifiers. */
  text: string;
  calendar: Calendar;
}

/** A `.timer` unit's [Timer] section, with specifiers expanded for one unit name. */
export interface TimerDefinition {
  /** The unit it starts when it elapses: Unit=, else the service of the timer's own name. */
  unit: string;
  calendars: CalendarTrigger[];
  /** Seconds after each event, per key; a key that is not set has none. */
  monotonic: Record<MonotonicKey, number[]>;
  accuracySeconds: number;
  randomizedDelaySeconds: number;
  /** Catch up, at the timer's start, on an OnCalendar= elapse missed while it was not running. */
  persistent: boolean;
}

export type TimerSection =
  | { ok: true; timer: TimerDefinition; errors: Located[] }
  | { ok: false; errors: Located[] };

/** Whether a unit name is a timer's. */
export function isTimerName(name: string): boolean {
  return name.endsWith(".timer");
}

/** The service a timer of this name starts unless its Unit= says otherwise. */
export function defaultTimerUnit(timerName: string): string {
  return `${timerName.slice(0, -".timer".length)}.service`;
}

/**
 * The service a timer starts, as the scheduler places it: Unit= after specifiers, else the
 * service of the timer's name. The rest of the section is not checked here.
 */
export function timerUnitOf(file: UnitFile, timerName: string): string {
  const given = lastOptionValue(file, TIMER_SECTION, "Unit");
  return given === undefined
    ? defaultTimerUnit(timerName)
    : expandSpecifiers(given, { unitName: timerName });
}

/**
 * Reads and checks a timer's [Timer] section as systemd does, refusing what Flotilla would
 * not honour: keys it does not implement, a calendar expression or time span systemd would
 * refuse, a timer with nothing to elapse on, a Unit= that is not a service it can start.
 */
export function readTimerSection(
  file: UnitFile,
  context: SpecifierContext,
  lines?: readonly number[],
): TimerSection {
  const lineOf = lines ?? serializeWithLines(file).lines;
  const errors: Located[] = [];
  const calendars: CalendarTrigger[] = [];
  const monotonic: Record<MonotonicKey, number[]> = {
    OnActiveSec: [],
    OnBootSec: [],
    OnStartupSec: [],
    OnUnitActiveSec: [],
    OnUnitInactiveSec: [],
  };
  const single = new Map<string, { value: string; line: number }>();
  let firstLine = 1;
  let seen = false;
  file.options.forEach((option, index) => {
    if (option.section !== TIMER_SECTION) return;
    const line = lineOf[index] ?? 1;
    if (!seen) firstLine = line;
    seen = true;
    const { name } = option;
    const value = expandSpecifiers(option.value, context);
    const unsupported = UNSUPPORTED_KEYS.get(name);
    if (unsupported !== undefined) {
      errors.push({ line, message: `${name}= is not supported: ${unsupported}` });
      return;
    }
    if (name === "OnCalendar") {
      if (value === "") calendars.length = 0;
      else {
        const parsed = parseCalendar(value);
        if (parsed.ok) calendars.push({ text: value, calendar: parsed.calendar });
        else errors.push({ line, message: `OnCalendar=${value}: ${parsed.error}` });
      }
      return;
    }
    if ((MONOTONIC_KEYS as readonly string[]).includes(name)) {
      const spans = monotonic[name as MonotonicKey];
      if (value === "") spans.length = 0;
      else {
        const seconds = parseTimespan(value);
        if (seconds === undefined || !Number.isFinite(seconds))
          errors.push({
            line,
            message: `${name}=${value}: not a time span such as 5min or 1h 30s`,
          });
        else spans.push(seconds);
      }
      return;
    }
    if (TIMER_KEYS.includes(name)) {
      if (value === "") single.delete(name);
      else single.set(name, { value, line });
      return;
    }
    errors.push({ line, message: `unknown key ${name} in section [${TIMER_SECTION}]` });
  });

  const span = (name: string, fallback: number) => {
    const given = single.get(name);
    if (!given) return fallback;
    const seconds = parseTimespan(given.value);
    if (seconds !== undefined && Number.isFinite(seconds)) return seconds;
    errors.push({
      line: given.line,
      message: `${name}=${given.value}: not a time span such as 5min or 1h 30s`,
    });
    return fallback;
  };
  const accuracySeconds = span("AccuracySec", DEFAULT_ACCURACY_SECONDS);
  const randomizedDelaySeconds = span("RandomizedDelaySec", 0);
  let persistent = false;
  const persistentValue = single.get("Persistent");
  if (persistentValue) {
    const parsed = parseSystemdBoolean(persistentValue.value);
    if (parsed === undefined)
      errors.push({
        line: persistentValue.line,
        message: `Persistent=${persistentValue.value}: not a boolean (yes or no)`,
      });
    else persistent = parsed;
  }
  const unit = triggeredUnit(context.unitName, single.get("Unit"), errors);

  const triggers = calendars.length + MONOTONIC_KEYS.reduce((n, k) => n + monotonic[k].length, 0);
  if (triggers === 0 && errors.length === 0)
    errors.push({
      line: firstLine,
      message: `a timer needs something to elapse on: set OnCalendar= or one of ${MONOTONIC_KEYS.map((key) => `${key}=`).join(", ")} in [${TIMER_SECTION}]`,
    });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    errors,
    timer: {
      unit,
      calendars,
      monotonic,
      accuracySeconds,
      randomizedDelaySeconds,
      persistent,
    },
  };
}

function triggeredUnit(
  timerName: string,
  given: { value: string; line: number } | undefined,
  errors: Located[],
): string {
  const fallback = defaultTimerUnit(timerName);
  if (!given) return fallback;
  const parsed = parseUnitName(given.value);
  if (!parsed.ok) {
    errors.push({ line: given.line, message: `Unit=${given.value}: ${parsed.error}` });
    return fallback;
  }
  if (parsed.value.suffix !== ".service") {
    errors.push({
      line: given.line,
      message: `Unit=${given.value}: a timer starts a service; Flotilla runs no ${quote(parsed.value.suffix.slice(1))} units`,
    });
    return fallback;
  }
  if (parsed.value.kind === "template") {
    errors.push({
      line: given.line,
      message: `Unit=${given.value}: a template cannot be started; name an instance, such as ${parsed.value.prefix}@%i.service`,
    });
    return fallback;
  }
  return given.value;
}
