// node scripts/build.mjs [--outdir DIR]: bundles src/ into dist/ (default) with esbuild, the
// program bin/flotilla.js runs whenever it is there. One entry, dist/flotilla.js, split into
// chunks at every dynamic import, so a CLI command loads the CLI's code and not the server's
// or the agent's. Packages stay outside the bundle and load from node_modules (etcd3 reads
// its .proto files from its own directory, which a bundle would break).
import { cp, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { outdir: { type: "string" } } });
const outdir = values.outdir ?? join(root, "dist");

await rm(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { flotilla: "src/main.ts" },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  // Every file at the top of outdir: src/package-root.ts finds the package one level up.
  chunkNames: "[name]-[hash]",
  sourcemap: "linked",
  logLevel: "warning",
});
// The dashboard's static files, which the server serves from dist/dashboard when it has no src/.
await cp(join(root, "src", "server", "dashboard"), join(outdir, "dashboard"), { recursive: true });
