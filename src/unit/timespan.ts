/** Seconds per systemd time-span unit. */
const UNITS: Record<string, number> = {
  ns: 1e-9,
  nsec: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  usec: 1e-6,
  ms: 1e-3,
  msec: 1e-3,
  s: 1,
  sec: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
  w: 604800,
  week: 604800,
  weeks: 604800,
  // systemd's month and year are averages: 30.44 and 365.25 days.
  M: 2629800,
  month: 2629800,
  months: 2629800,
  y: 31557600,
  year: 31557600,
  years: 31557600,
};

/**
 * A systemd time span ("90", "5s", "1min 30s", "100ms", "infinity") in seconds; a bare
 * number is seconds. Infinity for "infinity"; undefined when it is not a time span.
 */
export function parseTimespan(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "infinity") return Number.POSITIVE_INFINITY;
  if (trimmed === "") return undefined;
  let total = 0;
  const pattern = /(\d+(?:\.\d+)?)\s*([a-zA-Zµμ]*)\s*/gy;
  let consumed = 0;
  for (let match = pattern.exec(trimmed); match; match = pattern.exec(trimmed)) {
    const factor = match[2] === "" ? 1 : UNITS[match[2] as string];
    if (factor === undefined) return undefined;
    total += Number(match[1]) * factor;
    consumed = pattern.lastIndex;
  }
  return consumed === trimmed.length ? total : undefined;
}
