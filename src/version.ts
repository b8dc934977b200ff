/** Flotilla's release: what `flotilla version` prints and what an agent announces of itself. */
export const FLOTILLA_VERSION = "0.2.0";
