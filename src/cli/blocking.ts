import { integerFlag } from "./flags.ts";

/** fleetctl's flags for how long to wait. */
export const blockOptions = {
  "no-block": { type: "boolean" },
  "block-attempts": { type: "string" },
} as const;

export const blockFlagHelp = [
  [
    "--block-attempts=N",
    "Wait at most N attempts of 2 seconds each; 0, the default, waits for as long as it takes",
  ],
  ["--no-block", "Do not wait: say what was triggered and exit"],
] as const;

/** How to wait: not at all, or a number of 2-second attempts (0: without limit). */
export type Blocking = { wait: false } | { wait: true; attempts: number };

export function blockingOf(values: { "no-block"?: boolean; "block-attempts"?: string }): Blocking {
  const attempts = integerFlag(values["block-attempts"], "--block-attempts", 0);
  return values["no-block"] ? { wait: false } : { wait: true, attempts };
}
