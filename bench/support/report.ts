import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
export const RESULTS_FILE = join(BENCH_DIR, "RESULTS.md");

/** One figure of a benchmark, with the baseline measured in the same run that judges it. */
export interface Row {
  metric: string;
  value: number;
  unit: string;
  /** The baseline's figure and what it is. */
  baseline?: { value: number; what: string };
  /** value / baseline.value (or as the row says); printed, never asserted. */
  ratio?: number;
  /** The target, as text ("≥ 0.25"). */
  target?: string;
  /** Whether the figure meets the target; undefined when there is none. */
  met?: boolean;
}

export interface BenchResult {
  name: string;
  title: string;
  /** Sizes and parameters actually used. */
  setup: string;
  rows: Row[];
  notes: string[];
  seconds: number;
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function cells(row: Row): string[] {
  return [
    row.metric,
    `${formatNumber(row.value)} ${row.unit}`.trim(),
    row.baseline ? `${formatNumber(row.baseline.value)} (${row.baseline.what})` : "",
    row.ratio === undefined ? "" : formatNumber(row.ratio),
    row.target === undefined
      ? ""
      : `${row.target}${row.met === undefined ? "" : row.met ? " ✓" : " ✗"}`,
  ];
}

const HEADER = ["metric", "value", "baseline (same run)", "ratio", "target"];

/** The result as a plain-text table, for the terminal. */
export function printResult(result: BenchResult): void {
  const table = [HEADER, ...result.rows.map(cells)];
  const widths = HEADER.map((_, c) => Math.max(...table.map((row) => (row[c] ?? "").length)));
  console.log(`\n== ${result.title} (${result.seconds.toFixed(0)} s)`);
  console.log(result.setup);
  for (const [r, row] of table.entries()) {
    console.log(
      row
        .map((cell, c) => cell.padEnd(widths[c] ?? 0))
        .join("  ")
        .trimEnd(),
    );
    if (r === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
  for (const note of result.notes) console.log(`  note: ${note}`);
}

function markdown(result: BenchResult, stamp: string): string {
  const escapeCell = (cell: string) => cell.replace(/\|/g, "\\|");
  const lines = [
    `<!-- bench:${result.name} -->`,
    `### ${result.title}`,
    "",
    `${result.setup} ${stamp}; took ${result.seconds.toFixed(0)} s.`,
    "",
    `| ${HEADER.join(" | ")} |`,
    `|${HEADER.map(() => "---").join("|")}|`,
    ...result.rows.map((row) => `| ${cells(row).map(escapeCell).join(" | ")} |`),
  ];
  if (result.notes.length > 0) lines.push("", ...result.notes.map((note) => `- ${note}`));
  lines.push(`<!-- /bench:${result.name} -->`);
  return lines.join("\n");
}

export interface MachineInfo {
  cores: number;
  model: string;
  memoryGiB: number;
  node: string;
  etcd: string;
  commit: string;
  date: string;
}

export function machineInfo(): MachineInfo {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? "?";
  const run = (command: string, args: string[]) => {
    try {
      return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    } catch {
      return "";
    }
  };
  const etcd = /etcd Version:\s*(\S+)/.exec(run("etcd", ["--version"]))?.[1] ?? "?";
  const head = run("git", ["rev-parse", "--short", "HEAD"]).trim() || "?";
  const dirty = run("git", ["status", "--porcelain", "--untracked-files=no"]).trim() !== "";
  return {
    cores: Number(run("nproc", []).trim()) || cpus().length,
    model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    etcd,
    commit: dirty ? `${head} + uncommitted changes` : head,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
}

const INTRO = `# Benchmark results

Written by \`npm run bench\` (all benchmarks) or \`npm run bench -- <name>\` /
\`npx tsx bench/<name>.ts\` (one; its section is replaced, the others kept). Every figure is
judged against a baseline measured in the same run, on the same machine, because a shared
machine drifts by up to 2x between runs: read the ratios, not the absolute figures. Nothing
here is asserted; targets are the issue's. A benchmark with a server runs it as shipped: it
builds the sources (\`npm run build\`) and starts \`node dist/flotilla.js server\`.`;

/**
 * Rewrites RESULTS.md with these results: their sections replace earlier ones of the same
 * name, other sections and the hand-written notes (between \`<!-- notes -->\` markers) stay.
 */
export function writeResults(results: BenchResult[], file = RESULTS_FILE): void {
  const machine = machineInfo();
  const stamp = `Run ${machine.date} at ${machine.commit}`;
  const previous = existsSync(file) ? readFileSync(file, "utf8") : "";
  const sections = new Map<string, string>();
  for (const match of previous.matchAll(/<!-- bench:([\w-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g)) {
    sections.set(match[1] as string, match[0]);
  }
  for (const result of results) sections.set(result.name, markdown(result, stamp));
  const order = ["placement", "scheduler", "start-latency", "rescheduling", "api-load", "scale"];
  const names = [...sections.keys()].sort(
    (a, b) => ((order.indexOf(a) + 100) % 100) - ((order.indexOf(b) + 100) % 100),
  );
  const notes =
    /<!-- notes -->[\s\S]*?<!-- \/notes -->/.exec(previous)?.[0] ??
    "<!-- notes -->\n<!-- /notes -->";
  const text = [
    INTRO,
    "",
    "## Machine",
    "",
    `Latest run: ${machine.date}, commit ${machine.commit}. ${machine.cores} cores (${machine.model}), ${machine.memoryGiB} GiB of memory, Node ${machine.node}, etcd ${machine.etcd}.`,
    "",
    "## Figures",
    "",
    ...names.flatMap((name) => [sections.get(name) as string, ""]),
    notes,
    "",
  ].join("\n");
  writeFileSync(file, text);
}
