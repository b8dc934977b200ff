// `npm run chaos -- --seed N --minutes M`: a seeded fault campaign against a cluster of real
// processes. Exits 0 when no invariant broke, 1 when one did (with the history to replay it),
// 2 when the campaign itself could not run; Ctrl-C takes everything down first.
import { spawn } from "node:child_process";
import { parseCampaignArgs, USAGE } from "./args.ts";
import { Campaign, type CampaignResult } from "./campaign.ts";
import { replayCommand, summaryTable } from "./summary.ts";

const CHILD = "FLOTILLA_CHAOS_CAMPAIGN";

// Ctrl-C signals the terminal's whole process group: etcd, the engine and the agents would
// die under the campaign, in no order. The campaign runs in a group of its own instead, and
// is asked to stop; it then takes them down itself.
if (process.env[CHILD] === undefined) {
  const campaign = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: "inherit",
    env: { ...process.env, [CHILD]: "1" },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.on(signal, () => campaign.kill(signal));
  campaign.on("exit", (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
} else {
  await main();
}

async function main(): Promise<void> {
  let args: { seed: number; minutes: number };
  try {
    args = parseCampaignArgs(process.argv.slice(2), () => Math.floor(Math.random() * 0x100000000));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const campaign = new Campaign(args.seed, args.minutes, (line) => console.error(`chaos: ${line}`));
  console.error(
    `chaos: seed ${args.seed}, ${args.minutes} min (replay: ${replayCommand(args.seed, args.minutes)})`,
  );

  let interrupted = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      console.error(`chaos: ${signal}: taking everything down`);
      void campaign
        .takeDown()
        .then(() => campaign.writeHistory())
        .then((path) => console.error(`chaos: interrupted; the log so far: ${path}`))
        .finally(() => process.exit(130));
    });
  }

  let result: CampaignResult;
  try {
    result = await campaign.run();
    // Interrupted as it ended, the signal's handler ends the process once everything is down.
    if (interrupted) await new Promise(() => {});
  } catch (error) {
    // Interrupted, the signal's handler ends the process once everything is down.
    if (interrupted) await new Promise(() => {});
    const path = await campaign.writeHistory().catch(() => "(not written)");
    console.error(`chaos: the campaign could not run: ${(error as Error).stack ?? error}`);
    console.error(`chaos: seed ${args.seed}; the log so far: ${path}`);
    process.exit(2);
  }
  await campaign.writeHistory();
  console.log(JSON.stringify(result.summary, null, 2));
  console.log(summaryTable(result.summary));
  if (result.failed) {
    console.log(`FAILED: seed ${args.seed}; replay with: ${result.summary.command}`);
    console.log("history (also in the log file):");
    for (const line of result.history) console.log(line);
  }
  process.exit(result.failed ? 1 : 0);
}
