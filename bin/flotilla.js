#!/usr/bin/env node
// Runs the bundle (dist/, from `npm run build`, which `npm ci` runs) whenever it is there: it
// starts in a fraction of the time the TypeScript loader takes. Without one, or with
// FLOTILLA_FROM_SOURCE=1 in a checkout, the sources run through tsx.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(root, "dist", "flotilla.js");
const source = join(root, "src", "main.ts");
const fromSource = process.env.FLOTILLA_FROM_SOURCE === "1" && existsSync(source);
if (!fromSource && existsSync(bundle)) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(source).href);
}
