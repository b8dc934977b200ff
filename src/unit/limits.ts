/** The largest unit file accepted, in characters (its canonical text, however it was sent). */
export const UNIT_FILE_MAX_CHARS = 256 * 1024;
/** The most options one unit file may set. */
export const UNIT_FILE_MAX_OPTIONS = 1000;
