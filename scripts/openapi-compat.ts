/**
 * Fails when openapi/openapi.json would break clients generated from the last released
 * document (openapi/released/<version>.json, the highest version) without a new major
 * version (a new minor one before 1.0). Releasing copies the document there.
 */
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { allowsBreakingChanges, breakingChanges } from "./lib/openapi-breaking.ts";

const openapi = join(dirname(fileURLToPath(import.meta.url)), "..", "openapi");
const byVersion = (a: string, b: string) => {
  const [x, y] = [a, b].map((version) => version.split(".").map(Number));
  for (let i = 0; i < 3; i++) if (x?.[i] !== y?.[i]) return (x?.[i] ?? 0) - (y?.[i] ?? 0);
  return 0;
};
const releases = (await readdir(join(openapi, "released")))
  .filter((file) => file.endsWith(".json"))
  .map((file) => file.slice(0, -".json".length))
  .sort(byVersion);
const last = releases.at(-1);
if (last === undefined) {
  console.log("openapi: no released document to compare with");
} else {
  const released = JSON.parse(await readFile(join(openapi, "released", `${last}.json`), "utf8"));
  const current = JSON.parse(await readFile(join(openapi, "openapi.json"), "utf8"));
  const version: string = current.info.version;
  const changes = breakingChanges(released, current);
  if (changes.length > 0 && !allowsBreakingChanges(last, version)) {
    console.error(`openapi/openapi.json (${version}) breaks clients of the released ${last}:`);
    for (const change of changes) console.error(`  ${change}`);
    console.error("Keep the change compatible, or raise the API version (API_VERSION).");
    process.exitCode = 1;
  } else {
    console.log(
      `openapi: ${version} is compatible with the released ${last}${changes.length > 0 ? ` (a new version: ${changes.length} breaking changes allowed)` : ""}`,
    );
  }
}
