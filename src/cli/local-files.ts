import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { CommandFailure } from "./errors.ts";
import { unitNameOf } from "./unit-names.ts";

/** Where fleetctl looked for an argument's unit file: the path, `.service` added if untyped. */
export function localPathOf(cwd: string, arg: string): string {
  return resolve(cwd, dirname(arg), unitNameOf(arg));
}

/** A template lies beside the instance's argument: `dir/apache@80.service` → `dir/apache@.service`. */
export function besidePathOf(cwd: string, arg: string, fileName: string): string {
  return resolve(cwd, dirname(arg), fileName);
}

/** The file's text, or undefined when there is no such file. */
export async function readLocalUnit(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new CommandFailure(`cannot read ${path}: ${(error as Error).message}`);
  }
}
