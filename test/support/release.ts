import { execFile } from "node:child_process";
import { access, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const exec = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Where the tag of each earlier release travels with the repository: a git bundle of the tag
 * and its history. A clone that is shallow, or was made without tags, still has the files, so
 * the upgrade test builds the same source wherever it runs.
 */
export function releaseBundle(tag: string): string {
  return join(ROOT, "test", "releases", `${tag}.bundle`);
}

/** An earlier release of Flotilla, built from its git tag beside this one. */
export interface Release {
  tag: string;
  /** Its bin/flotilla.js, which runs its own bundle. */
  bin: string;
  remove(): Promise<void>;
}

/**
 * Builds the release tagged `tag` in a directory of its own: its files as the tag has them,
 * its packages (this checkout's when both lock the same ones, else installed), its bundle.
 */
export async function buildRelease(tag: string): Promise<Release> {
  const bundle = releaseBundle(tag);
  await access(bundle).catch(() => {
    throw new Error(`no bundle of release ${tag} at ${bundle}`);
  });
  const dir = await mkdtemp(join(tmpdir(), `flotilla-${tag}-`));
  try {
    await exec("git", [
      "-c",
      "advice.detachedHead=false",
      "clone",
      "--quiet",
      "--branch",
      tag,
      bundle,
      dir,
    ]);
    await rm(join(dir, ".git"), { recursive: true, force: true });
    if (await sameDependencies(dir))
      await symlink(join(ROOT, "node_modules"), join(dir, "node_modules"));
    else await exec("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir });
    await exec(process.execPath, [join(dir, "scripts", "build.mjs")], { cwd: dir });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    tag,
    bin: join(dir, "bin", "flotilla.js"),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Whether the release locks the same packages as this checkout (the root entry aside). */
async function sameDependencies(dir: string): Promise<boolean> {
  const locked = async (root: string) => {
    const lock = JSON.parse(await readFile(join(root, "package-lock.json"), "utf8"));
    const { "": _root, ...packages } = lock.packages ?? {};
    return JSON.stringify(packages);
  };
  return (await locked(dir)) === (await locked(ROOT));
}
