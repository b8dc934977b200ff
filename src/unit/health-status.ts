/**
 * A running unit's health, as its machine's agent judges it: `starting` until a verdict (and
 * through the start period), then `healthy` or `unhealthy`; `none` when the unit declares no
 * check (and its image has none) or is not running. One list for the agent, the records, the
 * API's schemas, the metrics and the CLI.
 */
export const HEALTH_STATUSES = ["starting", "healthy", "unhealthy", "none"] as const;

export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/** The statuses a check gives; `none` is the absence of one. */
export const JUDGED_HEALTH_STATUSES = ["starting", "healthy", "unhealthy"] as const;

export type JudgedHealthStatus = (typeof JUDGED_HEALTH_STATUSES)[number];

/** Where a unit's health comes from: the probe of its [X-Health] section, or its image's HEALTHCHECK. */
export const HEALTH_PROBES = ["http", "tcp", "exec", "container-exec", "image"] as const;

export type HealthProbeKind = (typeof HEALTH_PROBES)[number];
