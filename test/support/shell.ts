import { spawn } from "node:child_process";
import { mkdir, mkdtemp, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished, flotillaBin, type RunResult } from "./process.ts";

export type Typed = RunResult;

/**
 * A working directory with `fleetctl` on the PATH, installed as npm installs a bin: a link
 * named fleetctl to the one binary.
 */
export async function userShell(): Promise<{ workDir: string; binDir: string }> {
  const workDir = await mkdtemp(join(tmpdir(), "flotilla-cli-"));
  const binDir = join(workDir, ".bin");
  await mkdir(binDir);
  await symlink(await flotillaBin(), join(binDir, "fleetctl"));
  return { workDir, binDir };
}

/**
 * A command line as a user types it, through a shell in `workDir`, with `binDir` first on the
 * PATH and no Flotilla or fleetctl variables but those given.
 */
export async function typeLine(
  line: string,
  shell: { workDir: string; binDir: string },
  env: NodeJS.ProcessEnv = {},
): Promise<Typed> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(FLOTILLA|FLEETCTL)_/.test(key)),
  );
  return finished(
    spawn("sh", ["-c", line], {
      cwd: shell.workDir,
      env: { ...base, PATH: `${shell.binDir}:${process.env.PATH}`, ...env },
    }),
  );
}
