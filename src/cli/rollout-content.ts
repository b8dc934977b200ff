import { relative, resolve } from "node:path";
import { CommandFailure, UsageError } from "./errors.ts";
import { localPathOf, readLocalUnit } from "./local-files.ts";
import { isGlob, targetOf } from "./rollout-words.ts";

/**
 * What `rollout TARGET [FILE]` replaces and with what: FILE, or else the local file named like
 * the target, found as submit finds it (`units/apache@.service` names apache@.service and is
 * read from there). A glob names no file: it needs FILE.
 */
export async function newContentOf(
  cwd: string,
  arg: string,
  file: string | undefined,
): Promise<{ target: string; text: string }> {
  const target = targetOf(arg);
  if (file !== undefined) {
    const text = await readLocalUnit(resolve(cwd, file));
    if (text === undefined) throw new CommandFailure(`cannot read ${file}: no such file`);
    return { target, text };
  }
  if (isGlob(arg)) {
    throw new UsageError(
      `a glob names no local file: give the new unit file after it (rollout "${arg}" FILE)`,
      "rollout",
    );
  }
  const path = localPathOf(cwd, arg);
  const text = await readLocalUnit(path);
  if (text === undefined) {
    throw new CommandFailure(
      `no local file ${relative(cwd, path) || path} with the new content of ${target}: give the file after it (rollout ${target} FILE)`,
    );
  }
  return { target, text };
}
