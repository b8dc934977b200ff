import { relative, resolve } from "node:path";
import type { ComponentStatus } from "../local/cluster.ts";
import type { CliContext } from "./command.ts";
import { tabulate } from "./table.ts";

/** Flags `up` and `down` share. */
export const localClusterOptions = {
  "state-dir": { type: "string" },
  status: { type: "boolean" },
} as const;

export const localClusterFlagHelp = [
  [
    "--state-dir=DIR",
    "Where pid files, logs, etcd's data and machine ids live (default $FLOTILLA_STATE_DIR, else ./.flotilla)",
  ],
  ["--status", "Only show what runs: each component, its pid, address and log"],
] as const;

export function stateDirOf(values: { "state-dir"?: string }, cwd: string): string {
  return resolve(cwd, values["state-dir"] ?? process.env.FLOTILLA_STATE_DIR ?? ".flotilla");
}

/** The components as a table, or as JSON with -o json. */
export function showStatus(context: CliContext, status: readonly ComponentStatus[]): void {
  if (context.out.json) {
    context.out.document(status);
    return;
  }
  const shown = (path: string) => {
    const near = relative(context.cwd, path);
    return near.startsWith("..") ? path : near;
  };
  context.out.raw(
    tabulate([
      ["NAME", "STATE", "PID", "ADDRESS", "LOG"],
      ...status.map((component) => [
        component.name,
        component.running ? "running" : "stopped",
        component.pid === undefined ? "-" : String(component.pid),
        component.address,
        shown(component.log),
      ]),
    ]),
  );
}
