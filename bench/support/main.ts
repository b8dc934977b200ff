import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type BenchResult, printResult, writeResults } from "./report.ts";

/** True when the module at `url` is the script node was asked to run. */
export function isEntryPoint(url: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(url));
  } catch {
    return false;
  }
}

/** Runs one benchmark as a script: prints its table and updates RESULTS.md. */
export async function runAsScript(run: () => Promise<BenchResult>): Promise<void> {
  try {
    const result = await run();
    printResult(result);
    writeResults([result]);
    process.exit(0);
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
}

/** Seconds since `started` (a performance.now() value). */
export function since(started: number): number {
  return (performance.now() - started) / 1000;
}
