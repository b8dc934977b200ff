/**
 * Writes openapi/openapi.json from the route schemas, and src/client/openapi.ts (the typed
 * client's paths) from that document. With --check, fails when either committed file is stale.
 */
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import { buildApp } from "../src/server/app.ts";
import { offlineContext } from "./offline-context.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const targets = {
  document: join(root, "openapi", "openapi.json"),
  client: join(root, "src", "client", "openapi.ts"),
};

async function generate(): Promise<{ document: string; client: string }> {
  const app = await buildApp(offlineContext());
  await app.ready();
  const spec = app.swagger() as Record<string, unknown>;
  await app.close();
  const document = `${JSON.stringify(spec, null, 2)}\n`;
  const ast = await openapiTS(JSON.parse(document), { alphabetize: true });
  const client = `// Generated from openapi/openapi.json by scripts/generate-openapi.ts; do not edit.\n${astToString(ast)}`;
  return { document, client };
}

const check = process.argv.includes("--check");
const generated = await generate();
let stale = false;
for (const key of ["document", "client"] as const) {
  const path = targets[key];
  const current = await readFile(path, "utf8").catch(() => "");
  if (current === generated[key]) continue;
  if (check) {
    console.error(`${path} is stale: run npm run openapi and commit the result`);
    stale = true;
  } else {
    await writeFile(path, generated[key]);
    console.log(`wrote ${path}`);
  }
}
if (stale) process.exitCode = 1;
