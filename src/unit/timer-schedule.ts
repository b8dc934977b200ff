import { nextElapse } from "./calendar/index.ts";
import type { MonotonicKey, TimerDefinition } from "./timer.ts";

/** What a timer's next elapse depends on; instants are epoch milliseconds. */
export interface TimerMoments {
  now: number;
  /** When the timer was started on its machine. */
  activatedAt: number;
  /**
   * When it last elapsed: in the cluster for a Persistent= timer (its machine may have
   * changed), else since it was started here.
   */
  lastTrigger?: number;
  /** When the service it starts last became active, and inactive, since the timer started. */
  unitActivatedAt?: number;
  unitDeactivatedAt?: number;
  /** The zone of a calendar expression that names none: the machine's. */
  localZone: string;
}

export interface Elapse {
  /** When it elapses; may be past, for an elapse missed while nothing ran the timer. */
  at: number;
  /** The setting that elapses, as written: `OnCalendar=*:0/15`, `OnUnitActiveSec=3600`. */
  trigger: string;
}

/**
 * A timer's next elapse as systemd computes it, without its randomized delay; undefined
 * when nothing will elapse any more (a timer that only had OnActiveSec=, say).
 *
 * - OnCalendar= counts from the last elapse, else from the timer's start: a Persistent=
 *   timer whose last elapse is older than the expression's latest time elapses at once,
 *   once, for everything it missed.
 * - OnActiveSec=, OnBootSec= and OnStartupSec= count from the timer's start on its machine,
 *   once each: one that the timer has elapsed since is spent.
 * - OnUnitActiveSec= and OnUnitInactiveSec= count from the service's last activation or
 *   deactivation, or from the last elapse when that came later; with neither, they wait (as
 *   systemd's do).
 */
export function nextTimerElapse(timer: TimerDefinition, moments: TimerMoments): Elapse | undefined {
  const { activatedAt, lastTrigger } = moments;
  let next: Elapse | undefined;
  const consider = (at: number | undefined, trigger: string) => {
    if (at !== undefined && (next === undefined || at < next.at)) next = { at, trigger };
  };
  const calendarBase = Math.max(lastTrigger ?? activatedAt, 0);
  for (const { text, calendar } of timer.calendars)
    consider(nextElapse(calendar, calendarBase, moments.localZone), `OnCalendar=${text}`);
  for (const key of ["OnActiveSec", "OnBootSec", "OnStartupSec"] as const)
    for (const seconds of timer.monotonic[key]) {
      const at = activatedAt + seconds * 1000;
      const spent = lastTrigger !== undefined && lastTrigger >= at;
      if (!spent) consider(at, spanTrigger(key, seconds));
    }
  // The later of the two: an elapse that started nothing (another machine fired it, say)
  // still counts, or the same past elapse would come round again at once.
  const unitBases: [MonotonicKey, number | undefined][] = [
    ["OnUnitActiveSec", latest(moments.unitActivatedAt, lastTrigger)],
    ["OnUnitInactiveSec", latest(moments.unitDeactivatedAt, lastTrigger)],
  ];
  for (const [key, base] of unitBases)
    if (base !== undefined)
      for (const seconds of timer.monotonic[key])
        consider(base + seconds * 1000, spanTrigger(key, seconds));
  return next;
}

function spanTrigger(key: MonotonicKey, seconds: number): string {
  return `${key}=${seconds}s`;
}

function latest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.max(a, b);
}
