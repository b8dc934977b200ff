import { readdir, readFile } from "node:fs/promises";

/** What the agent reads of a process in /proc/<pid>/stat. */
export interface ProcStat {
  pid: number;
  /** R, S, D, Z, ... (field 3). */
  state: string;
  parent: number;
  group: number;
  /** Clock ticks after boot (field 22): with the pid, names one process for the whole boot. */
  startTime: string;
}

/** A process's stat; undefined once it is gone, or when it cannot be read. */
export async function procStat(pid: number): Promise<ProcStat | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return {
    pid,
    state: fields[0] ?? "",
    parent: Number(fields[1]),
    group: Number(fields[2]),
    startTime: fields[19] ?? "",
  };
}

/** The pids in /proc now. */
export async function processIds(): Promise<number[]> {
  const entries = await readdir("/proc").catch(() => [] as string[]);
  return entries.filter((entry) => /^\d+$/.test(entry)).map(Number);
}
