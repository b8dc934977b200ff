import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { BACKUP_FORMAT, Backup, RestoreResult } from "../../schema/backup.ts";
import { problemResponse } from "../../schema/common.ts";
import { ref } from "../../schema/ref.ts";
import type { ServerContext } from "../context.ts";
import { ProblemError } from "../problems.ts";

/**
 * A backup of ten thousand units with their history is tens of megabytes: a restore takes
 * this many times the API's body limit (256 MiB by default).
 */
const RESTORE_BODY_FACTOR = 512;

export function backupRoutes(context: ServerContext): FastifyPluginAsyncTypebox {
  const { registry, view } = context;
  return async (app) => {
    app.get(
      "/v1/backup",
      {
        schema: {
          operationId: "getBackup",
          summary: "Take a backup of the cluster's desired state",
          description:
            "Every unit file (with the contents its history keeps), unit and desired state, placement, operator metadata, drain and rollout, read from etcd at one revision. Keep it somewhere etcd is not; POST it to /v1/restore to bring a cluster back.",
          tags: ["backup"],
          response: { 200: ref(Backup, "The backup"), 503: problemResponse(503) },
        },
      },
      async () => {
        const { revision, entries } = await registry.readDurable();
        return {
          format: BACKUP_FORMAT,
          version: 1 as const,
          createdAt: new Date().toISOString(),
          revision,
          keys: entries,
        };
      },
    );

    app.post(
      "/v1/restore",
      {
        bodyLimit: (app.initialConfig.bodyLimit ?? 1024 * 1024) * RESTORE_BODY_FACTOR,
        schema: {
          operationId: "restoreBackup",
          summary: "Bring a cluster back from a backup",
          description:
            "Writes the backup's keys into a cluster that holds none of its units yet (etcd lost its data, or a new prefix). Agents that kept running report their units again: those the backup places on them, with the same content and launch, are left running untouched. Until a restore (or a first unit submitted), the engine stops nothing an agent runs without a record. Keys that already hold the backup's value are left alone (and a placement the engine moved since), so a restore cut short can be run again. 409, before anything is written, when a unit exists that the backup does not have, or a key holds something else; 409 too when a writer takes a key between two of the restore's transactions.",
          tags: ["backup"],
          body: ref(Backup),
          response: {
            200: ref(RestoreResult, "What was written"),
            400: problemResponse(400),
            409: problemResponse(409),
            413: problemResponse(413),
            415: problemResponse(415),
            503: problemResponse(503),
          },
        },
      },
      async (request) => {
        const result = await registry.restoreDurable(request.body.keys);
        if (!result.ok && "invalid" in result)
          throw new ProblemError("invalid-request", result.invalid);
        if (!result.ok) {
          const shown = result.conflicts.slice(0, 10).join(", ");
          const more =
            result.conflicts.length > 10 ? ` and ${result.conflicts.length - 10} more` : "";
          throw new ProblemError(
            "restore-conflict",
            `the cluster holds other values for ${shown}${more}: restore into a cluster without these units (destroy them, or use a new prefix)`,
          );
        }
        const { revision } = await registry.readDurable();
        await view.waitFor(revision);
        return { written: result.written, unchanged: result.unchanged, units: view.units.size };
      },
    );
  };
}
