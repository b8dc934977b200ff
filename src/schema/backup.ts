import { Type } from "typebox";

/** What GET /v1/backup gives and POST /v1/restore takes: Flotilla's durable keys in etcd. */

export const BACKUP_FORMAT = "flotilla-backup" as const;

export const Backup = Type.Object(
  {
    format: Type.Literal(BACKUP_FORMAT),
    version: Type.Literal(1, { description: "The backup document's own version" }),
    createdAt: Type.String({ format: "date-time" }),
    revision: Type.Integer({
      minimum: 0,
      description: "The etcd revision every key was read at: the backup is one consistent cut",
    }),
    keys: Type.Array(
      Type.Object(
        {
          key: Type.String({
            minLength: 1,
            maxLength: 1024,
            description: "Relative to the cluster's prefix (units/web@1.service, ...)",
          }),
          value: Type.String({ description: "As stored: a unit file's text, or a JSON record" }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 1_000_000 },
    ),
  },
  {
    $id: "Backup",
    additionalProperties: false,
    description:
      "Every unit file (with the contents its history keeps), unit and desired state, placement, machine metadata set by operators, drain and rollout: what etcd must hold to bring the cluster back. Machines, unit states and announcements are not in it: agents write them again.",
    examples: [
      {
        format: BACKUP_FORMAT,
        version: 1,
        createdAt: "2026-12-07T21:00:00.000Z",
        revision: 4211,
        keys: [
          {
            key: "units/hello.service",
            value:
              '{"name":"hello.service","hash":"1c9f6a0c2e1e4a4b6d0b0f0e7c6d5b4a3f2e1d0c","desiredState":"launched","createdAt":"2026-12-07T20:00:00.000Z","updatedAt":"2026-12-07T20:00:00.000Z"}',
          },
        ],
      },
    ],
  },
);

export const RestoreResult = Type.Object(
  {
    written: Type.Integer({ description: "Keys written" }),
    unchanged: Type.Integer({
      description: "Keys that already held the backup's value (a restore run again)",
    }),
    units: Type.Integer({ description: "Units the cluster holds now" }),
  },
  {
    $id: "RestoreResult",
    additionalProperties: false,
    examples: [{ written: 214, unchanged: 0, units: 40 }],
  },
);
