// `npm run bench` runs every benchmark in turn; `npm run bench -- placement api-load` runs some.
// Each prints its table; RESULTS.md gets the sections of those that ran.
import { apiLoad } from "./api-load.ts";
import { cliStartup } from "./cli-startup.ts";
import { placement } from "./placement.ts";
import { rescheduling } from "./rescheduling.ts";
import { scale } from "./scale.ts";
import { scheduler } from "./scheduler.ts";
import { startLatency } from "./start-latency.ts";
import { type BenchResult, printResult, writeResults } from "./support/report.ts";

const BENCHMARKS: Record<string, () => Promise<BenchResult>> = {
  placement: () => placement(),
  scheduler: () => scheduler(),
  "start-latency": () => startLatency(),
  rescheduling: () => rescheduling(),
  "api-load": () => apiLoad(),
  scale: () => scale(),
  "cli-startup": () => cliStartup(),
};

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark ${unknown.join(", ")}; known: ${Object.keys(BENCHMARKS).join(", ")}`,
  );
  process.exit(2);
}
const names = asked.length > 0 ? asked : Object.keys(BENCHMARKS);
const results: BenchResult[] = [];
let failed = false;
for (const name of names) {
  console.log(`\n### ${name}`);
  try {
    const result = await (BENCHMARKS[name] as () => Promise<BenchResult>)();
    printResult(result);
    results.push(result);
  } catch (error) {
    failed = true;
    console.error(`${name} failed:`, error);
  }
}
if (results.length > 0) {
  writeResults(results);
  console.log(`\n== summary (written to bench/RESULTS.md)`);
  for (const result of results) printResult(result);
}
process.exit(failed ? 1 : 0);
