import type { Registry, Revision } from "../../registry/registry.ts";
import {
  METADATA_KEY_CHARACTERS,
  METADATA_KEY_MAX,
  METADATA_KEY_PATTERN,
  METADATA_KEYS_MAX,
  METADATA_VALUE_MAX,
} from "../../schema/machines.ts";
import { patchMachineMetadata } from "../writes/machine-metadata.ts";
import { decodeJsonText } from "./decode.ts";
import { FleetError } from "./fleet-error.ts";
import { goQuote } from "./unit-name.ts";

/** fleet's metadataPathRegex: a key of any length, which the limits below then bound. */
const PATH = new RegExp(`^/([^/]+)/metadata/(${METADATA_KEY_CHARACTERS}+)$`);
const KEY = new RegExp(METADATA_KEY_PATTERN, "u");

interface MetadataOperation {
  machineId: string;
  key: string;
  /** null removes the key. */
  value: string | null;
}

/**
 * fleet's PATCH /machines: JSON-patch-like operations on `/<id>/metadata/<key>` whose value
 * is `{"value": "..."}`. All operations are checked before any is applied, against fleet's
 * rules and then the limits of PATCH /v1/machines/{id}/metadata; each machine's overrides
 * change in one transaction.
 */
export async function applyMachinePatch(registry: Registry, body: unknown): Promise<Revision> {
  const operations = parseOperations(body);
  const byMachine = new Map<string, Record<string, string | null>>();
  for (const { machineId, key, value } of operations) {
    const patch = byMachine.get(machineId) ?? {};
    patch[key] = value;
    byMachine.set(machineId, patch);
  }
  for (const [machineId, patch] of byMachine) {
    if (Object.keys(patch).length > METADATA_KEYS_MAX) {
      throw new FleetError(
        400,
        `more than ${METADATA_KEYS_MAX} metadata keys of machine ${goQuote(machineId)} in one request`,
      );
    }
  }
  let revision = 0;
  for (const [machineId, patch] of byMachine) {
    // fleet accepted metadata for machines that had not joined yet.
    const applied = await patchMachineMetadata(registry, machineId, patch, {
      requirePresent: false,
    });
    revision = Math.max(revision, applied);
  }
  return revision;
}

function parseOperations(raw: unknown): MetadataOperation[] {
  // fleet decoded the body as JSON whatever its Content-Type; `null` is no operations.
  const body = decodeJsonText(raw, "") ?? [];
  if (
    !Array.isArray(body) ||
    body.some((item) => item === null || typeof item !== "object" || Array.isArray(item))
  ) {
    throw new FleetError(
      400,
      "json: cannot unmarshal request body into a list of patch operations",
    );
  }
  return body.map((item: Record<string, unknown>) => {
    const field = (name: string) =>
      Object.entries(item).find(([key]) => key.toLowerCase() === name)?.[1];
    const op = field("op");
    if (op !== "add" && op !== "remove" && op !== "replace") {
      throw new FleetError(400, "invalid op: expect add, remove, or replace");
    }
    const match = typeof field("path") === "string" ? PATH.exec(field("path") as string) : null;
    if (!match) throw new FleetError(400, "machine metadata path invalid");
    const wrapped = field("value");
    const inner =
      wrapped !== null && typeof wrapped === "object"
        ? Object.entries(wrapped).find(([key]) => key.toLowerCase() === "value")?.[1]
        : undefined;
    const value = typeof inner === "string" ? inner : "";
    if (op !== "remove" && value === "") {
      throw new FleetError(400, "invalid value: add and replace require a value");
    }
    const key = match[2] as string;
    if (!KEY.test(key)) {
      throw new FleetError(
        400,
        `invalid metadata key ${goQuote(key)}: a key is 1 to ${METADATA_KEY_MAX} of ${METADATA_KEY_CHARACTERS}`,
      );
    }
    // Counted as JSON Schema counts maxLength on /v1: in code points, not UTF-16 units.
    if (op !== "remove" && [...value].length > METADATA_VALUE_MAX) {
      throw new FleetError(
        400,
        `metadata value of key ${goQuote(key)} is longer than ${METADATA_VALUE_MAX} characters`,
      );
    }
    return { machineId: match[1] as string, key, value: op === "remove" ? null : value };
  });
}
