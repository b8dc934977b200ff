// Scheduler micro-benchmark: `npx tsx bench/scheduler.ts [machines] [units]`; `npm run bench`
// runs it as benchmark 2 through scheduler() below.
// Places units one decision at a time (decide + place, as the engine does) on a cluster with
// random metadata, from a mix of templates: 40% plain (some with MachineMetadata), 30% service
// replicas in groups of 5 that conflict with each other (Conflicts=webN@*.service), 30%
// sidekicks (MachineOf=webN@R.service). Prints a table; asserts nothing.
import { ClusterIndex, type SchedulerUnit } from "../src/scheduler/cluster-index.ts";
import { decide, planBatch } from "../src/scheduler/decide.ts";
import type { FleetRequirements } from "../src/unit/xfleet.ts";
import { enginePass } from "./support/engine-pass.ts";
import { isEntryPoint, runAsScript } from "./support/main.ts";
import type { BenchResult } from "./support/report.ts";

const WINDOW = 2000;

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function requirements(r: Partial<FleetRequirements>): FleetRequirements {
  return { machineOf: [], conflicts: [], metadata: [], global: false, replaces: [], ...r };
}

function buildCluster(machines: number, rand: () => number): ClusterIndex {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const index = new ClusterIndex();
  for (let i = 0; i < machines; i++) {
    let id = "";
    for (let j = 0; j < 32; j++) id += pick([..."0123456789abcdef"]);
    index.setMachine({
      id,
      metadata: {
        region: pick(["us-east", "us-west", "eu-west", "ap-south"]),
        disk: pick(["ssd", "hdd"]),
        cores: pick(["2", "4", "8", "16"]),
        rack: String(Math.floor(rand() * 50)),
      },
    });
  }
  return index;
}

function buildUnits(count: number, rand: () => number): SchedulerUnit[] {
  const plainCount = Math.round(count * 0.4);
  const webCount = Math.round(count * 0.3);
  const sidekickCount = count - plainCount - webCount;
  const units: SchedulerUnit[] = [];
  let plain = 0;
  let web = 0;
  let sidekick = 0;
  while (units.length < count) {
    const roll = rand();
    if (roll < 0.4 && plain < plainCount) {
      const r = rand();
      const metadata: FleetRequirements["metadata"] =
        r < 0.25
          ? [{ key: "region", op: "=", values: ["us-east", "eu-west"] }]
          : r < 0.375
            ? [{ key: "cores", op: ">=", values: ["8"] }]
            : r < 0.4
              ? [{ key: "rack", op: "=", values: [String(Math.floor(rand() * 50))] }]
              : [];
      units.push({ name: `app-${plain}.service`, requirements: requirements({ metadata }) });
      plain++;
    } else if (roll < 0.7 && web < webCount) {
      const group = Math.floor(web / 5);
      units.push({
        name: `web${group}@${web % 5}.service`,
        requirements: requirements({
          conflicts: [`web${group}@*.service`],
          metadata: group % 2 === 0 ? [{ key: "disk", op: "=", values: ["ssd"] }] : [],
        }),
      });
      web++;
    } else if (sidekick < Math.min(web, sidekickCount)) {
      const group = Math.floor(sidekick / 5);
      units.push({
        name: `web${group}-discovery@${sidekick % 5}.service`,
        requirements: requirements({ machineOf: [`web${group}@${sidekick % 5}.service`] }),
      });
      sidekick++;
    }
  }
  return units;
}

interface Row {
  phase: string;
  decisions: number;
  ms: number;
}

function run(
  machines: number,
  count: number,
): { rows: Row[]; unplaced: number; index: ClusterIndex } {
  const rand = random(42);
  const index = buildCluster(machines, rand);
  const units = buildUnits(count, rand);
  const windows: number[] = [];
  let unplaced = 0;
  let start = process.hrtime.bigint();
  units.forEach((unit, i) => {
    const decision = decide(index, unit);
    if (decision.ok) index.place(unit, decision.machineId);
    else unplaced++;
    if ((i + 1) % WINDOW === 0 || i + 1 === units.length) {
      const now = process.hrtime.bigint();
      windows.push(Number(now - start) / 1e6);
      start = now;
    }
  });
  const total = windows.reduce((a, b) => a + b, 0);
  const rows: Row[] = [
    { phase: `first ${WINDOW}`, decisions: Math.min(WINDOW, count), ms: windows[0] ?? 0 },
    {
      phase: `last ${WINDOW}`,
      decisions: count % WINDOW || WINDOW,
      ms: windows.at(-1) ?? 0,
    },
    { phase: `all ${count}`, decisions: count, ms: total },
  ];
  return { rows, unplaced, index };
}

function timed(phase: string, decisions: number, body: () => void): Row {
  const start = process.hrtime.bigint();
  body();
  return { phase, decisions, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

interface Measured {
  rows: Row[];
  unplaced: number;
  loads: number[];
  runs: number;
}

/** Decisions at this size, as a table of rows (median of three runs after a warm-up). */
function measure(MACHINES: number, UNITS: number): Measured {
  // Warm the JIT with a full run on a throw-away index, then measure three runs and report the
  // median of each row (the figures are noisy on a shared machine).
  run(MACHINES, UNITS);
  const RUNS = 3;
  const runs = Array.from({ length: RUNS }, () => run(MACHINES, UNITS));
  const median = (values: number[]) =>
    values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const rows: Row[] = (runs[0] as (typeof runs)[number]).rows.map((row, i) => ({
    ...row,
    ms: median(runs.map((r) => (r.rows[i] as Row).ms)),
  }));
  const { unplaced, index } = runs.at(-1) as (typeof runs)[number];
  const rand = random(7);
  const loads = index.machines().map((m) => index.load(m.id));

  // Extra rows: decisions that fail (every machine rejected, with a reason each), and a dry run.
  const impossible: SchedulerUnit = {
    name: "nvme.service",
    requirements: requirements({ metadata: [{ key: "disk", op: "=", values: ["nvme"] }] }),
  };
  rows.push(
    timed("failing (1 reason/machine)", 200, () => {
      for (let i = 0; i < 200; i++) decide(index, impossible);
    }),
  );
  let copy = index;
  rows.push(timed("clone (dry-run setup)", 1, () => (copy = index.clone())));
  const batch = buildUnits(2000, rand).map((u) => ({ ...u, name: `plan-${u.name}` }));
  for (const u of batch) {
    u.requirements.machineOf = u.requirements.machineOf.map((t) => `plan-${t}`);
    u.requirements.conflicts = u.requirements.conflicts.map((t) => `plan-${t}`);
  }
  rows.push(timed("planBatch of 2000 on clone", batch.length, () => planBatch(copy, batch)));
  return { rows, unplaced, loads, runs: RUNS };
}

function printTable(machines: number, units: number, measured: Measured): void {
  const { rows, unplaced, loads, runs: RUNS } = measured;
  const table = [
    ["phase", "decisions", "ms", "µs/decision", "decisions/s"],
    ...rows.map((r) => [
      r.phase,
      String(r.decisions),
      r.ms.toFixed(1),
      ((r.ms * 1000) / r.decisions).toFixed(2),
      Math.round((r.decisions / r.ms) * 1000).toLocaleString("en-US"),
    ]),
  ];
  const widths = (table[0] as string[]).map((_, c) =>
    Math.max(...table.map((row) => (row[c] ?? "").length)),
  );
  console.log(
    `scheduler: ${machines} machines, ${units} units; decide + place per decision; median of ${RUNS} runs`,
  );
  for (const [r, row] of table.entries()) {
    console.log(
      row
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
        .join("  "),
    );
    if (r === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
  console.log(
    `unschedulable: ${unplaced}; load per machine: min ${Math.min(...loads)}, max ${Math.max(...loads)}`,
  );
}

/** Benchmark 2: the scheduler alone, and the engine's pass over a cluster of this size. */
export async function scheduler(machines = 1000, units = 20000): Promise<BenchResult> {
  const began = performance.now();
  const measured = measure(machines, units);
  printTable(machines, units, measured);
  const row = (phase: string) => measured.rows.find((r) => r.phase.startsWith(phase)) as Row;
  const rate = (r: Row) => (r.decisions / r.ms) * 1000;
  const all = row("all");
  const first = row("first");
  const last = row("last");
  // Baseline in the same run: the same cluster, units without any requirement.
  const plainIndex = buildCluster(machines, random(42));
  const plain: SchedulerUnit[] = Array.from({ length: units }, (_, i) => ({
    name: `plain-${i}.service`,
    requirements: requirements({}),
  }));
  for (const unit of plain.slice(0, 2000)) decide(plainIndex, unit);
  const plainStarted = performance.now();
  for (const unit of plain) {
    const decision = decide(plainIndex, unit);
    if (decision.ok) plainIndex.place(unit, decision.machineId);
  }
  const plainRate = units / ((performance.now() - plainStarted) / 1000);
  const pass = await enginePass(machines, units);
  return {
    name: "scheduler",
    title: "2. Scheduler alone",
    setup: `${machines} machines with random metadata, ${units} units (40% plain, some with MachineMetadata; 30% replicas in Conflicts groups of 5; 30% MachineOf sidekicks), decide + place one at a time, one core; median of ${measured.runs} runs.`,
    rows: [
      {
        metric: `decisions per second (all ${units})`,
        value: rate(all),
        unit: "decisions/s",
        baseline: { value: plainRate, what: "decisions/s of units without requirements" },
        ratio: rate(all) / plainRate,
        target: "≥ 20,000/s",
        met: rate(all) >= 20_000,
      },
      {
        metric: `µs per decision, last ${WINDOW} vs first ${WINDOW}`,
        value: (last.ms * 1000) / last.decisions,
        unit: "µs",
        baseline: { value: (first.ms * 1000) / first.decisions, what: `µs, first ${WINDOW}` },
        ratio: (last.ms * first.decisions) / (first.ms * last.decisions),
        target: "not growing with units",
      },
      {
        metric: `engine pass, ${pass.units} units placed (incremental index)`,
        value: pass.incrementalMs,
        unit: "ms",
        baseline: { value: pass.rebuildMs, what: "ms, index rebuilt every pass (before)" },
        ratio: pass.incrementalMs / pass.rebuildMs,
      },
    ],
    notes: [
      `unschedulable: ${measured.unplaced}; load per machine: min ${Math.min(...measured.loads)}, max ${Math.max(...measured.loads)}`,
      "the engine pass is computeActions over an in-memory view of this size with every unit placed and reported, i.e. the steady state the leader re-evaluates on every change",
    ],
    seconds: (performance.now() - began) / 1000,
  };
}

if (isEntryPoint(import.meta.url)) {
  const [machines, units] = process.argv.slice(2).map(Number);
  await runAsScript(() => scheduler(machines || undefined, units || undefined));
}
