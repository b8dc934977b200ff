// What an Exec line's argv is, for the agent (how to run it) and for validation (whether it can).
import { type AnnounceLoop, analyseAnnounceLoop } from "./announce-loop.ts";
import { type DockerCommand, isDockerProgram, parseDockerCommand } from "./docker-command.ts";
import { type EtcdctlCommand, isEtcdctlProgram, parseEtcdctlCommand } from "./etcdctl-command.ts";

export type ExecKind =
  | { kind: "docker"; command: DockerCommand }
  | { kind: "etcdctl"; command: EtcdctlCommand }
  | { kind: "announce"; loop: AnnounceLoop }
  | { kind: "process"; argv: string[] }
  | { kind: "invalid"; error: string };

/**
 * Classifies an Exec line's argv (ExecLine.argv: argv[0] is the program). A docker or etcdctl
 * program whose command line its parser refuses is "invalid"; so is a shell announce loop whose
 * etcdctl command is refused. Any other shell script, and any other program, is a "process".
 */
export function classifyExec(argv: string[]): ExecKind {
  const program = argv[0];
  if (program === undefined || program === "") return { kind: "invalid", error: "empty command" };
  if (isDockerProgram(program)) {
    const parsed = parseDockerCommand(argv);
    return parsed.ok
      ? { kind: "docker", command: parsed.command }
      : { kind: "invalid", error: parsed.error };
  }
  if (isEtcdctlProgram(program)) {
    const parsed = parseEtcdctlCommand(argv);
    return parsed.ok
      ? { kind: "etcdctl", command: parsed.command }
      : { kind: "invalid", error: parsed.error };
  }
  const loop = analyseAnnounceLoop(argv);
  if (loop !== undefined) {
    return loop.ok ? { kind: "announce", loop: loop.loop } : { kind: "invalid", error: loop.error };
  }
  return { kind: "process", argv };
}
