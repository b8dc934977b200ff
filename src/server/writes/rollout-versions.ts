import { contentHistory, type UnitRecord } from "../../registry/records.ts";
import { isValidGlob } from "../../unit/glob.ts";
import { shortHash } from "../../unit/hash.ts";
import { parseUnitName } from "../../unit/name.ts";
import { ProblemError } from "../problems.ts";

/** What a rollout's request names as its new content: a unit file, or a version of the target's. */
export interface RequestedContent {
  target: string;
  text?: string;
  version?: number;
}

/**
 * Refuses a request that gives both text and a version, or neither, and a version of a glob:
 * its units each have a history of their own, which may not agree.
 */
export function checkRequestedContent(request: RequestedContent): void {
  if ((request.text === undefined) === (request.version === undefined))
    throw new ProblemError(
      "invalid-request",
      "give either text (the new unit file) or version (one of the target's history), not both nor neither",
    );
  const { target } = request;
  if (request.version !== undefined && !parseUnitName(target).ok && isValidGlob(target))
    throw new ProblemError(
      "invalid-request",
      `a glob has no history of its own: roll ${target} out with text, or each of its units by version`,
    );
}

/**
 * The text of `version` of a template's or a unit's history. A version it no longer keeps is
 * a 404 listing those it does; one whose content is gone (dropped by a writer that predates
 * histories) a 409.
 */
export function versionText(
  record: UnitRecord,
  version: number,
  unitText: (hash: string) => string | undefined,
): string {
  const history = contentHistory(record);
  const found = history.find((entry) => entry.version === version);
  if (!found)
    throw new ProblemError(
      "version-not-found",
      `${record.name} has no version ${version}; it keeps ${keptVersions(history.map((entry) => entry.version))} (see GET /v1/unit-files/${record.name}/history)`,
    );
  const text = unitText(found.hash);
  if (text === undefined)
    throw new ProblemError(
      "version-content-gone",
      `the content of version ${version} of ${record.name} (${shortHash(found.hash)}) is no longer stored`,
    );
  return text;
}

/** `version 1`, `versions 1, 2 and 3`. */
function keptVersions(versions: readonly number[]): string {
  if (versions.length === 1) return `version ${versions[0]}`;
  return `versions ${versions.slice(0, -1).join(", ")} and ${versions.at(-1)}`;
}
