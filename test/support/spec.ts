import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The tutorial's unit files, exactly as a user submits them. */
const specDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "examples");

export function specUnit(name: "apache@.service" | "apache-discovery@.service"): string {
  return readFileSync(join(specDir, name), "utf8");
}
