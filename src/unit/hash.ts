import { createHash } from "node:crypto";
import type { UnitFile } from "./model.ts";
import { serializeUnitFile } from "./serialize.ts";

/**
 * fleet's unit hash: SHA-1 of the UTF-8 bytes of the canonical serialization (not of the submitted
 * text), so comments, blank lines, spacing around "=" and split sections do not change it. For
 * files without continuation lines it equals fleet's hash exactly; fleet kept a continuation's
 * backslash-newline inside the value, whereas this model joins continued lines as systemd does.
 */
export function unitHash(file: UnitFile): string {
  return createHash("sha1").update(serializeUnitFile(file), "utf8").digest("hex");
}

/** The first 7 hex digits, as fleetctl list-unit-files shows. */
export function shortHash(hash: string): string {
  return hash.slice(0, 7);
}
