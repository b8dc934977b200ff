/**
 * Writes openapi/openapi.json (the control plane) and openapi/agent.json (the node agent)
 * from the route schemas, and src/client/openapi.ts (the typed client's paths) from the
 * first. With --check, fails when a committed file is stale.
 */
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import openapiTS, { astToString } from "openapi-typescript";
import { buildAgentApi } from "../src/agent/api.ts";
import { buildApp } from "../src/server/app.ts";
import { offlineAgentManager, offlineContext } from "./offline-context.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const targets = {
  document: join(root, "openapi", "openapi.json"),
  agent: join(root, "openapi", "agent.json"),
  client: join(root, "src", "client", "openapi.ts"),
};

async function documentOf(app: FastifyInstance): Promise<string> {
  await app.ready();
  const spec = app.swagger() as Record<string, unknown>;
  await app.close();
  return `${JSON.stringify(spec, null, 2)}\n`;
}

async function generate(): Promise<Record<keyof typeof targets, string>> {
  const document = await documentOf(await buildApp(offlineContext()));
  const agent = await documentOf(
    await buildAgentApi({ manager: offlineAgentManager(), machineId: "offline" }),
  );
  const ast = await openapiTS(JSON.parse(document), { alphabetize: true });
  const client = `// Generated from openapi/openapi.json by scripts/generate-openapi.ts; do not edit.\n${astToString(ast)}`;
  return { document, agent, client };
}

const check = process.argv.includes("--check");
const generated = await generate();
let stale = false;
for (const key of ["document", "agent", "client"] as const) {
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
