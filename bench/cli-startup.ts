// CLI start-up: `flotilla version`, `list-machines` and `list-units` (against a live server
// holding units) as whole processes, each run paired with a bare `node -e 0` right before it,
// so that the ratio holds when the machine's speed drifts.   npx tsx bench/cli-startup.ts [pairs]
import { spawn } from "node:child_process";
import { join } from "node:path";
import { expectOk, http, percentile, startCluster } from "./support/cluster.ts";
import { isEntryPoint, runAsScript, since } from "./support/main.ts";
import { BENCH_DIR, type BenchResult, type Row } from "./support/report.ts";

const BIN = join(BENCH_DIR, "..", "bin", "flotilla.js");
const COMMANDS = [["version"], ["list-machines"], ["list-units"]];
const UNITS = 50;
const TARGET_RATIO = 1.5;

/** Wall time of one process from spawn to exit, in milliseconds; it must exit 0. */
function timed(args: readonly string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`${args.join(" ")} exited ${code}: ${stderr}`));
    });
  });
}

export async function cliStartup(pairs = 30): Promise<BenchResult> {
  const started = performance.now();
  const cluster = await startCluster();
  try {
    await expectOk(
      "submit",
      http("PUT", `${cluster.url}/v1/unit-files/startup@.service`, {
        text: "[Service]\nExecStart=/bin/sleep 1000\n",
      }),
    );
    for (let i = 0; i < UNITS; i++) {
      await expectOk(
        "load",
        http("PUT", `${cluster.url}/v1/units/startup@${i}.service`, {
          json: { desiredState: "loaded" },
        }),
      );
    }
    const rows: Row[] = [];
    for (const command of COMMANDS) {
      const cli = [BIN, ...command, `--endpoint=${cluster.url}`];
      await timed(cli);
      await timed(["-e", "0"]);
      const ratios: number[] = [];
      const times: number[] = [];
      const bare: number[] = [];
      for (let i = 0; i < pairs; i++) {
        const node = await timed(["-e", "0"]);
        const flotilla = await timed(cli);
        bare.push(node);
        times.push(flotilla);
        ratios.push(flotilla / node);
      }
      const ratio = percentile(ratios, 50);
      rows.push({
        metric: `flotilla ${command.join(" ")}: median wall time`,
        value: percentile(times, 50),
        unit: "ms",
        baseline: { value: percentile(bare, 50), what: "node -e 0, ms" },
        ratio,
        target: `≤ ${TARGET_RATIO}`,
        met: ratio <= TARGET_RATIO,
      });
    }
    return {
      name: "cli-startup",
      title: "CLI start-up against bare Node",
      setup: `${pairs} pairs per command, each \`node -e 0\` then the command; the bundle in dist/ (npm run build); a server with ${UNITS} units`,
      rows,
      notes: ["the ratio is the median of the pairs' ratios, not the ratio of the medians"],
      seconds: since(started),
    };
  } finally {
    await cluster.stop();
  }
}

if (isEntryPoint(import.meta.url)) {
  await runAsScript(() => cliStartup(Number(process.argv[2] ?? 30)));
}
