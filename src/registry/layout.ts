/**
 * The layout of the records Flotilla keeps in etcd, and how a record of an older layout is
 * read. Every JSON record carries `layout`, the layout its writer used (but see below);
 * records written before layouts were numbered have none, and are layout 1.
 *
 * A cluster is upgraded one server and one agent at a time, so for a while both versions read
 * and write the same records. Two rules keep that safe:
 * - a new layout only adds to the one before it: the previous release reads it (it ignores
 *   what it does not know), and keeps the added fields when it writes the record back, since
 *   every change is made on a copy of the record read;
 * - a release reads the layout before its own and upgrades it as it reads (`upgrades` below),
 *   so nothing above the registry ever sees an older shape. It writes its own layout.
 * Removing or renaming a field therefore takes two releases: one that stops reading it, then
 * one that stops writing it.
 *
 * A record keeps the layout tag it was read with when a previous release rewrites it, so a
 * tag says which layout's fields a record may hold, not which release wrote it last.
 *
 * Operators' metadata overrides are not tagged: they are a map of the operator's own keys, of
 * which `layout` may be one. Their shape is the key layout's.
 */

import type { KeyRef } from "./keys.ts";
import { contentHistory, type UnitRecord } from "./records.ts";

/** The layout this version writes. */
export const RECORD_LAYOUT = 2;

/** The layout of a record written before layouts were numbered. */
const UNNUMBERED_LAYOUT = 1;

/** The kinds of key whose value is a JSON record (unit texts and references are not). */
export type RecordKind = Exclude<KeyRef["kind"], "unit-file" | "unit-file-ref"> | "announcement";

type Upgrade = (record: Record<string, unknown>) => Record<string, unknown>;

/**
 * What reading a record of the layout before RECORD_LAYOUT changes, by kind. A unit of
 * layout 1 written before content histories were kept has none; layout 2 always has one.
 */
const upgrades: Partial<Record<RecordKind, Upgrade>> = {
  unit: (record) => {
    const unit = record as unknown as UnitRecord;
    return { ...record, history: contentHistory(unit) };
  },
};

/** The kinds whose value is a map of operators' keys, stored as it is (see above). */
const UNTAGGED: ReadonlySet<RecordKind> = new Set(["machine-metadata"]);

/** A record as it is stored: its fields and the layout it is written in. */
export function encodeRecord(kind: RecordKind, value: object): string {
  if (UNTAGGED.has(kind)) return JSON.stringify(value);
  return JSON.stringify({ ...value, layout: RECORD_LAYOUT });
}

/**
 * A stored record in this version's shape, without its `layout`; undefined for a value that is
 * not a JSON object, so that one corrupt key reads as absent instead of stopping a reader.
 */
export function decodeRecord<T>(kind: RecordKind, text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return undefined;
  if (UNTAGGED.has(kind)) return parsed as T;
  const { layout, ...fields } = parsed as Record<string, unknown>;
  const written = typeof layout === "number" ? layout : UNNUMBERED_LAYOUT;
  const upgrade = upgrades[kind];
  return (written < RECORD_LAYOUT && upgrade ? upgrade(fields) : fields) as T;
}
