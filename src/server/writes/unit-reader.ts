import { type DesiredState, newUnitRecord, type UnitRecord } from "../../registry/records.ts";
import type { UnitWrite, Versioned } from "../../registry/registry.ts";
import type { UnitName } from "../../unit/name.ts";
import type { ProblemError } from "../problems.ts";

/** How an attempt reads units: through the cache first, or from etcd (linearizable). */
export interface UnitReader {
  unit(name: string): Promise<Versioned<UnitRecord> | undefined>;
  text(hash: string): Promise<string | undefined>;
  /**
   * Whether what it read may be stale. A write is then still safe, since its transaction
   * compares what was read; an answer without a write (a no-op, a 404, a conflict) is not,
   * and the attempt returns undefined so that the next one reads from etcd.
   */
  mayBeStale: boolean;
}

/** Refuses with `problem`, or, when what was read may be stale, has it read again (undefined). */
export function refuse(read: UnitReader, problem: ProblemError): undefined {
  if (read.mayBeStale) return undefined;
  throw problem;
}

/**
 * An instance created from its template as read, holding only while the template is still at
 * that version; undefined when the name has no template, or the template is not there.
 */
export async function instanceFromTemplate(
  read: UnitReader,
  name: UnitName,
  desiredState: DesiredState,
  at: string,
  cause?: string,
): Promise<Extract<UnitWrite, { kind: "create" }> | undefined> {
  const template = name.template ? await read.unit(name.template) : undefined;
  const text = template ? await read.text(template.value.hash) : undefined;
  if (!template || text === undefined) return undefined;
  const record = newUnitRecord(
    name.name,
    template.value.hash,
    desiredState,
    at,
    cause ?? `from template ${template.value.name}`,
  );
  return { kind: "create", record, text, template };
}
