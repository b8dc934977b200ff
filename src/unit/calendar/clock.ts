import { type CivilTime, civilFromWallSeconds, wallSeconds } from "./civil.ts";
import type { ZoneOffsets } from "./zone.ts";

/**
 * A wall-clock reading as the elapse search builds it: fields may be out of range (minute 60,
 * day 32, ...), and `pinned` is the UTC offset the reading is known to be in (glibc's tm_isdst
 * set) or undefined to let the conversion choose (tm_isdst = -1).
 */
export interface Reading extends CivilTime {
  pinned: number | undefined;
}

export interface Conversion {
  /** Seconds since the epoch. */
  instant: number;
  /** The UTC offset in force at `instant`. */
  offset: number;
  /** The normalized reading of `instant`. */
  civil: CivilTime;
}

// glibc gives up after this many probes; real zone histories never need them all.
const PROBES = 6;

/**
 * Converts readings to instants as glibc's mktime(3) does, because systemd's elapse search
 * leans on it across daylight-saving changes. A reading that occurs twice resolves with the
 * offset the previous conversion used (glibc remembers it between calls); a reading skipped by
 * a change resolves with the offset in force before the change, so it reads as that much later
 * (or, where tzdata flags the earlier offset as daylight-saving time, with the offset after it,
 * reading as that much earlier).
 */
export class WallClock {
  private guess: number;

  constructor(
    private readonly offsets: ZoneOffsets,
    initialGuess: number,
  ) {
    this.guess = initialGuess;
  }

  convert(reading: Reading): Conversion {
    // glibc solves for seconds clamped to 0-59 and adds the excess afterwards, so 01:59:75 is
    // 16 seconds after 01:59:59 even when a change of offset falls in between.
    const clamped = Math.min(Math.max(reading.second, 0), 59);
    const wall = wallSeconds(reading) - reading.second + clamped;
    const instant = this.solve(wall, reading.pinned) + (reading.second - clamped);
    const offset = this.offsets.offsetAt(instant);
    return { instant, offset, civil: civilFromWallSeconds(instant + offset) };
  }

  private solve(wall: number, pinned: number | undefined): number {
    if (pinned !== undefined) {
      this.guess = pinned;
      return wall - pinned;
    }
    let probe = wall - this.guess;
    let previous = Number.NaN;
    let beforePrevious = Number.NaN;
    for (let attempt = 0; attempt < PROBES; attempt++) {
      const offset = this.offsets.offsetAt(probe);
      if (probe + offset === wall) {
        this.guess = offset;
        return probe;
      }
      if (probe === beforePrevious) {
        // Bouncing between the two sides of a skipped stretch of wall-clock time: glibc settles
        // on the side flagged as daylight-saving time, normally the later one.
        const later = Math.max(probe, previous);
        const chosen = this.offsets.negativeSaving(later) ? Math.min(probe, previous) : later;
        this.guess = wall - chosen;
        return chosen;
      }
      beforePrevious = previous;
      previous = probe;
      probe = wall - offset;
    }
    this.guess = wall - probe;
    return probe;
  }
}
