import {
  type CalendarField,
  type CalendarRange,
  MICROSECONDS_PER_SECOND,
  WEEKDAY_ABBREVIATIONS,
} from "./model.ts";

export interface NormalizedParts {
  weekdays: number;
  years: CalendarField;
  months: CalendarField;
  days: CalendarField;
  fromMonthEnd: boolean;
  hours: CalendarField;
  minutes: CalendarField;
  seconds: readonly CalendarRange[];
  timeZone: string | undefined;
}

/** The text `systemd-analyze calendar` prints on its "Normalized form:" line. */
export function formatCalendar(parts: NormalizedParts): string {
  const weekdays = parts.weekdays === 0 ? "" : `${formatWeekdays(parts.weekdays)} `;
  const date = `${formatField(parts.years, 4)}-${formatField(parts.months, 2)}${parts.fromMonthEnd ? "~" : "-"}${formatField(parts.days, 2)}`;
  const time = `${formatField(parts.hours, 2)}:${formatField(parts.minutes, 2)}:${formatSeconds(parts.seconds)}`;
  const zone = parts.timeZone === undefined ? "" : ` ${parts.timeZone}`;
  return `${weekdays}${date} ${time}${zone}`;
}

/** Runs of three or more days as "Mon..Wed", shorter runs listed: "Mon,Tue,Thu..Sun". */
function formatWeekdays(bits: number): string {
  const runs: string[] = [];
  for (let day = 0; day < 7; day++) {
    if ((bits & (1 << day)) === 0) continue;
    let last = day;
    while (last + 1 < 7 && (bits & (1 << (last + 1))) !== 0) last++;
    const first = WEEKDAY_ABBREVIATIONS[day] as string;
    const final = WEEKDAY_ABBREVIATIONS[last] as string;
    if (last === day) runs.push(first);
    else if (last === day + 1) runs.push(first, final);
    else runs.push(`${first}..${final}`);
    day = last;
  }
  return runs.join(",");
}

function formatField(field: CalendarField, width: number): string {
  if (field === undefined) return "*";
  return field.map((range) => formatRange(range, width, 1)).join(",");
}

function formatSeconds(field: readonly CalendarRange[]): string {
  // A whole-second repetition from 0 anywhere in the list covers every value systemd prints.
  const everySecond = field.some(
    (range) =>
      range.start === 0 && range.end === undefined && range.step === MICROSECONDS_PER_SECOND,
  );
  return everySecond
    ? "*"
    : field.map((range) => formatRange(range, 2, MICROSECONDS_PER_SECOND)).join(",");
}

function formatRange(range: CalendarRange, width: number, unit: number): string {
  const { start, end, step } = range;
  let text = formatValue(start, width, unit);
  if (end !== undefined) text += `..${formatValue(end, width, unit)}`;
  // A plain range steps by one unit without saying so.
  if (step > 0 && !(end !== undefined && step === unit)) {
    text += `/${Math.floor(step / unit)}${fraction(step, unit)}`;
  }
  return text;
}

function formatValue(value: number, width: number, unit: number): string {
  return `${String(Math.floor(value / unit)).padStart(width, "0")}${fraction(value, unit)}`;
}

function fraction(value: number, unit: number): string {
  const rest = value % unit;
  return rest > 0 ? `.${String(rest).padStart(6, "0")}` : "";
}
