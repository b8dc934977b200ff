import { parseArgs } from "node:util";

export interface CampaignArgs {
  seed: number;
  minutes: number;
}

export const USAGE = "usage: npm run chaos -- [--seed N] [--minutes M]   (seed: 0..4294967295)";

/** A seed that is not given is drawn, and printed, so that the run can be replayed. */
export function parseCampaignArgs(argv: string[], drawSeed: () => number): CampaignArgs {
  const { values } = parseArgs({
    args: argv,
    options: { seed: { type: "string" }, minutes: { type: "string" } },
    strict: true,
    allowPositionals: false,
  });
  const seed = values.seed === undefined ? drawSeed() : Number(values.seed);
  const minutes = Number(values.minutes ?? "5");
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new Error(`--seed ${values.seed}: a whole number between 0 and 4294967295`);
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60)
    throw new Error(`--minutes ${values.minutes}: a positive number of minutes`);
  return { seed, minutes };
}
