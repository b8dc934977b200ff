import { fileURLToPath } from "node:url";

/**
 * The directory that holds package.json, bin/ and the rest of Flotilla. This file is
 * src/package-root.ts in the sources and part of a chunk at the top of dist/ in the bundle
 * (scripts/build.mjs keeps every chunk there): the package is one level up from either.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL("..", import.meta.url));
