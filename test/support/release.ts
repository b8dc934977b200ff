import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const exec = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

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
  const commit = await exec("git", ["rev-parse", "--verify", "--quiet", `${tag}^{commit}`], {
    cwd: ROOT,
  }).catch(() => undefined);
  if (!commit) {
    throw new Error(
      `git tag ${tag} is not in this clone (a shallow clone, or one without tags): run \`git fetch --tags\``,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), `flotilla-${tag}-`));
  try {
    await extract(tag, dir);
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

/** `git archive TAG | tar -x`: the tag's files without touching this checkout. */
async function extract(tag: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const archive = spawn("git", ["archive", "--format=tar", tag], { cwd: ROOT });
  const untar = spawn("tar", ["-x", "-C", dir]);
  archive.stdout.pipe(untar.stdin);
  // tar ending early is reported with its own exit status, not as a broken pipe.
  untar.stdin.on("error", () => {});
  let failure = "";
  for (const output of [archive.stderr, untar.stderr])
    output.on("data", (chunk) => {
      failure += chunk;
    });
  const ended = (child: typeof archive) =>
    new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", resolve);
    });
  const [archived, untarred] = await Promise.all([ended(archive), ended(untar)]);
  if (archived !== 0 || untarred !== 0)
    throw new Error(`git archive ${tag} | tar -x failed: ${failure}`);
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
