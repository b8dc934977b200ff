/** The largest unit file accepted, in characters (its canonical text, however it was sent). */
export const UNIT_FILE_MAX_CHARS = 256 * 1024;
/** The most options one unit file may set. */
export const UNIT_FILE_MAX_OPTIONS = 1000;

/** How many runs of a oneshot service are kept: a timer's recent history. */
export const SERVICE_RUNS_KEPT = 10;
