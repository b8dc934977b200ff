import assert from "node:assert/strict";
import { newRollout } from "../../src/rollout/create.ts";
import { ROLLOUT_DEFAULTS, type RolloutRecord } from "../../src/rollout/model.ts";
import { checkUnitFile } from "../../src/unit/validate.ts";
import type { DocumentedOperation } from "./documented-operations.ts";
import type { InjectApp, RequestOptions } from "./inject-app.ts";

/** The unit, machine and announcement that requestFor's requests address. */
export const SAMPLE_UNIT = "sample.service";
export const SAMPLE_MACHINE = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";
export const SAMPLE_UNIT_TEXT = "[Service]\nExecStart=/bin/true\n";
const AT_SAMPLE = "2026-01-01T00:00:00.000Z";

/**
 * The rollouts requestFor's requests address, each in a phase its operations apply to (see
 * writeSampleRollouts): an action that does not apply would be refused before etcd is asked.
 */
export const SAMPLE_ROLLOUTS = {
  /** Replacing SAMPLE_UNIT, in its canary phase: read, paused, promoted and aborted. */
  running: "5a5a0001",
  /** Replacing SAMPLE_PAUSED_UNIT, paused: resumed. */
  paused: "5a5a0002",
  /** Replaced SAMPLE_UNIT, aborted: reverted. */
  aborted: "5a5a0003",
} as const;
export const SAMPLE_PAUSED_UNIT = "sample-paused.service";

const plainText = (body: string): RequestOptions => ({
  body,
  headers: { "content-type": "text/plain" },
});

/**
 * For each operation, a request that is right in every way a hook in front of the routes
 * looks at (path, query, body and its type): what a test of such a hook (tokens, limits,
 * availability) sends to every operation. Its body is small and fills in SAMPLE_UNIT.
 */
const SAMPLES: Record<string, RequestOptions> = {
  "GET /healthz": {},
  "GET /readyz": {},
  "GET /metrics": {},
  "GET /v1/unit-files": {},
  "PUT /v1/unit-files/{name}": plainText(SAMPLE_UNIT_TEXT),
  "GET /v1/unit-files/{name}": {},
  "GET /v1/unit-files/{name}/history": {},
  "DELETE /v1/unit-files/{name}": {},
  "GET /v1/units": {},
  "GET /v1/units/{name}": {},
  "PUT /v1/units/{name}": { json: { desiredState: "loaded" } },
  "DELETE /v1/units/{name}": {},
  "GET /v1/units/{name}/logs": {},
  "GET /v1/machines": {},
  "PATCH /v1/machines/{id}/metadata": { json: { role: "web" } },
  "PUT /v1/machines/{id}/drain": { json: { reason: "sample" } },
  "DELETE /v1/machines/{id}/drain": {},
  "GET /v1/events": {},
  "GET /v1/announcements": {},
  "GET /v1/backup": {},
  "POST /v1/restore": {
    json: { format: "flotilla-backup", version: 1, createdAt: AT_SAMPLE, revision: 1, keys: [] },
  },
  "POST /v1/plan": { json: { units: [SAMPLE_UNIT] } },
  "GET /fleet/v1/discovery": {},
  "GET /fleet/v1/units": {},
  "GET /fleet/v1/units/{name}": {},
  "PUT /fleet/v1/units/{name}": {
    json: { options: [{ section: "Service", name: "ExecStart", value: "/bin/false" }] },
  },
  "DELETE /fleet/v1/units/{name}": {},
  "GET /fleet/v1/state": {},
  "GET /fleet/v1/state/{name}": {},
  "GET /fleet/v1/machines": {},
  "PATCH /fleet/v1/machines": {
    json: [{ op: "add", path: `/${SAMPLE_MACHINE}/metadata/role`, value: { value: "web" } }],
  },
  "POST /v1/rollouts": { json: { target: SAMPLE_UNIT, text: SAMPLE_UNIT_TEXT } },
  "GET /v1/rollouts": {},
  "GET /v1/rollouts/{id}": {},
  "POST /v1/rollouts/{id}/pause": {},
  "POST /v1/rollouts/{id}/resume": {},
  "POST /v1/rollouts/{id}/promote": {},
  "POST /v1/rollouts/{id}/abort": { json: { reason: "sample" } },
  "POST /v1/rollouts/{id}/revert": {},
};

/** The rollout each operation on one addresses: one its action applies to. */
const SAMPLE_ROLLOUT_OF: Record<string, string> = {
  "GET /v1/rollouts/{id}": SAMPLE_ROLLOUTS.running,
  "POST /v1/rollouts/{id}/pause": SAMPLE_ROLLOUTS.running,
  "POST /v1/rollouts/{id}/resume": SAMPLE_ROLLOUTS.paused,
  "POST /v1/rollouts/{id}/promote": SAMPLE_ROLLOUTS.running,
  "POST /v1/rollouts/{id}/abort": SAMPLE_ROLLOUTS.running,
  "POST /v1/rollouts/{id}/revert": SAMPLE_ROLLOUTS.aborted,
};

export interface SampleRequest {
  method: string;
  url: string;
  options: RequestOptions;
}

/** A valid request of `operation`; `parameter` replaces the path's parameter when given. */
export function requestFor(operation: DocumentedOperation, parameter?: string): SampleRequest {
  const options = SAMPLES[operation.key];
  if (!options) throw new Error(`sample-requests.ts has no request for ${operation.key}`);
  const url = operation.path.replace(
    /\{([^}]+)\}/g,
    (_, name: string) =>
      parameter ??
      SAMPLE_ROLLOUT_OF[operation.key] ??
      (name === "id" ? SAMPLE_MACHINE : SAMPLE_UNIT),
  );
  return { method: operation.method, url, options };
}

/**
 * Submits SAMPLE_UNIT (unless it is) and SAMPLE_PAUSED_UNIT, and writes SAMPLE_ROLLOUTS over
 * them, each in its phase, as the routes and the engine would leave them: so that a hook's
 * test of an operation on a rollout gets past the routes' own checks to etcd.
 */
export async function writeSampleRollouts(api: InjectApp): Promise<void> {
  if (!api.view.units.has(SAMPLE_UNIT)) await api.submit(SAMPLE_UNIT, SAMPLE_UNIT_TEXT);
  await api.submit(SAMPLE_PAUSED_UNIT, SAMPLE_UNIT_TEXT);
  const text = "[Service]\nExecStart=/bin/false\n";
  const checked = checkUnitFile(text, SAMPLE_UNIT);
  assert.ok(checked.ok);
  const rollout = (id: string, unit: string): RolloutRecord => {
    const hash = api.view.units.get(unit)?.hash;
    assert.ok(hash, `${unit} is submitted`);
    return newRollout({
      id,
      target: unit,
      toHash: checked.hash,
      instances: [{ name: unit, hash }],
      options: ROLLOUT_DEFAULTS,
      now: Date.now(),
    });
  };
  const { running, paused, aborted } = SAMPLE_ROLLOUTS;
  // The aborted one first: two rollouts of one unit are never running together.
  for (const record of [
    { ...rollout(aborted, SAMPLE_UNIT), phase: "aborted" as const, reason: "sample" },
    rollout(running, SAMPLE_UNIT),
    { ...rollout(paused, SAMPLE_PAUSED_UNIT), paused: true },
  ]) {
    const { lock } = await api.registry.listRollouts();
    const [instance] = record.instances;
    const fromHashes = instance?.fromHash ? [instance.fromHash] : [];
    const result = await api.registry.startRollout(record, { lock, text, fromHashes, units: [] });
    assert.ok(result.ok, `sample rollout ${record.id} was written`);
  }
  await api.settle();
}
