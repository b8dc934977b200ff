import { Type } from "typebox";
import { UNIT_HISTORY_LIMIT } from "../registry/records.ts";
import { HEALTH_PROBES, HEALTH_STATUSES } from "../unit/health-status.ts";
import { SERVICE_RUNS_KEPT, UNIT_FILE_MAX_CHARS, UNIT_FILE_MAX_OPTIONS } from "../unit/limits.ts";
import { KEY_NAME_CHARACTERS } from "../unit/parse.ts";
import { UNIT_STATES } from "../unit/states.ts";
import { AgentServiceRun, AgentTimerStatus } from "./agent.ts";
import {
  exampleOptions,
  exampleTemplateText,
  exampleUnit,
  exampleUnitFileDetail,
  exampleUnitFileHistory,
  exampleUnitFileSubmitted,
  exampleUnitFileSummary,
  exampleUnitHealth,
} from "./examples.ts";
import { wholeString } from "./pattern.ts";
import { ref } from "./ref.ts";
import { StringEnum } from "./string-enum.ts";

export const DesiredState = StringEnum(UNIT_STATES, {
  $id: "DesiredState",
  examples: ["launched"],
  description: "What the cluster should do with a unit.",
});

export const CurrentState = StringEnum(UNIT_STATES, {
  $id: "CurrentState",
  examples: ["launched"],
  description:
    "What the unit's machine reports: inactive until placed and reported; then launched once it is active, and still launched while a stop runs; loaded when it is not running.",
});

export const UnitKind = StringEnum(["template", "instance", "unit"], {
  $id: "UnitKind",
  examples: ["instance"],
});

export const UnitOption = Type.Object(
  {
    section: Type.String({ minLength: 1, maxLength: 256 }),
    name: Type.String({ maxLength: 256, pattern: wholeString(KEY_NAME_CHARACTERS) }),
    value: Type.String({ maxLength: 65536 }),
  },
  { $id: "UnitOption", examples: [exampleOptions[0]], additionalProperties: false },
);

export const Warning = Type.Object(
  { message: Type.String(), line: Type.Optional(Type.Integer()) },
  {
    $id: "Warning",
    examples: [{ message: "[Unit] X-Owner: an X- key, kept but not used", line: 2 }],
    additionalProperties: false,
  },
);

export const UnitFileSummary = Type.Object(
  {
    name: Type.String(),
    kind: ref(UnitKind),
    hash: Type.String({ description: "SHA-1 of the canonical unit text" }),
    shortHash: Type.String({ description: "The first 7 digits of hash, as fleetctl shows it" }),
    template: Type.Optional(Type.String({ description: "For an instance: its template" })),
  },
  { $id: "UnitFileSummary", examples: [exampleUnitFileSummary], additionalProperties: false },
);

export const UnitFileDetail = Type.Object(
  {
    name: Type.String(),
    kind: ref(UnitKind),
    hash: Type.String(),
    shortHash: Type.String(),
    version: Type.Integer({
      minimum: 1,
      description:
        "The version of its content in its history: 1 when submitted, one more at each change",
    }),
    template: Type.Optional(Type.String()),
    options: Type.Array(ref(UnitOption)),
    text: Type.String({ description: "The canonical unit text" }),
  },
  { $id: "UnitFileDetail", examples: [exampleUnitFileDetail], additionalProperties: false },
);

export const UnitFileVersion = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    hash: Type.String({ description: "SHA-1 of the content's canonical text" }),
    at: Type.String({ format: "date-time", description: "When the unit got this content" }),
    cause: Type.Optional(
      Type.String({
        description:
          "Why: submitted, replaced, from template NAME (an instance's first), rollout ID, revert of rollout ID",
      }),
    ),
    current: Type.Boolean({ description: "The unit file's content now" }),
  },
  {
    $id: "UnitFileVersion",
    examples: [exampleUnitFileHistory.history[0]],
    additionalProperties: false,
  },
);

export const UnitFileHistory = Type.Object(
  {
    name: Type.String(),
    version: Type.Integer({ minimum: 1, description: "The current version" }),
    history: Type.Array(ref(UnitFileVersion), {
      description: `Newest first; the last ${UNIT_HISTORY_LIMIT} are kept, with their content`,
    }),
  },
  { $id: "UnitFileHistory", examples: [exampleUnitFileHistory], additionalProperties: false },
);

export const UnitFileList = Type.Object(
  { unitFiles: Type.Array(ref(UnitFileSummary)) },
  {
    $id: "UnitFileList",
    examples: [{ unitFiles: [exampleUnitFileSummary] }],
    additionalProperties: false,
  },
);

export const UnitFileText = Type.Object(
  {
    content: Type.String({
      maxLength: UNIT_FILE_MAX_CHARS,
      description: "The unit file's text, exactly as it would be sent as text/plain",
    }),
  },
  {
    $id: "UnitFileText",
    examples: [{ content: exampleTemplateText }],
    additionalProperties: false,
  },
);

export const UnitFileOptions = Type.Object(
  {
    options: Type.Array(ref(UnitOption), {
      maxItems: UNIT_FILE_MAX_OPTIONS,
      description: "The unit file parsed into options, in file order",
    }),
  },
  { $id: "UnitFileOptions", examples: [{ options: exampleOptions }], additionalProperties: false },
);

export const UnitFileJsonBody = Type.Union([ref(UnitFileText), ref(UnitFileOptions)], {
  $id: "UnitFileJsonBody",
  description:
    "A unit file as JSON, for clients that cannot send text/plain: either its text or its options",
  examples: [{ content: exampleTemplateText }, { options: exampleOptions }],
});

export const UnitFileSubmitted = Type.Object(
  {
    name: Type.String(),
    kind: ref(UnitKind),
    hash: Type.String(),
    shortHash: Type.String(),
    created: Type.Boolean({ description: "false when the same content was already submitted" }),
    replaced: Type.Boolean({ description: "true when other content under this name was replaced" }),
    warnings: Type.Array(ref(Warning)),
  },
  { $id: "UnitFileSubmitted", examples: [exampleUnitFileSubmitted], additionalProperties: false },
);

export const HealthStatus = StringEnum(HEALTH_STATUSES, {
  $id: "HealthStatus",
  examples: ["healthy"],
  description:
    "A running unit's health, as its machine's agent judges it: starting until its checks give a verdict (and through the start period), then healthy or unhealthy; none when the unit declares no check and its image has no HEALTHCHECK, or when it is not running.",
});

export const HealthProbeKind = StringEnum(HEALTH_PROBES, {
  $id: "HealthProbeKind",
  examples: ["http"],
  description:
    "What judges a unit's health: its [X-Health] probe (HTTPGet=, TCPConnect=, ExecCheck=, ContainerExecCheck=) or its image's HEALTHCHECK.",
});

export const UnitHealth = Type.Object(
  {
    status: ref(HealthStatus),
    since: Type.Optional(
      Type.String({ format: "date-time", description: "When the status began" }),
    ),
    failures: Type.Optional(
      Type.Integer({ minimum: 0, description: "Failed checks in a row when the status began" }),
    ),
    lastCheckAt: Type.Optional(
      Type.String({
        format: "date-time",
        description:
          "When the check that gave the status ended. The agent reports a change of status, not every check.",
      }),
    ),
    lastOutput: Type.Optional(
      Type.String({ description: "What that check said, at most 512 bytes" }),
    ),
    probe: Type.Optional(ref(HealthProbeKind)),
  },
  {
    $id: "UnitHealth",
    examples: [exampleUnitHealth, { status: "none" }],
    additionalProperties: false,
    description:
      "A unit's health; only its status when it is none. Absent when no machine reports the unit.",
  },
);

export const UnitTimer = Type.Object(AgentTimerStatus.properties, {
  $id: "UnitTimer",
  additionalProperties: false,
  examples: [
    {
      unit: "backup.service",
      nextElapse: "2026-12-09T02:00:00.000Z",
      nextTrigger: "OnCalendar=*-*-* 02:00:00",
      lastTrigger: "2026-12-08T02:00:00.000Z",
    },
  ],
  description:
    "A timer's next and last elapse, as its machine's agent reports them; timers only. Absent when no machine reports the timer.",
});

export const UnitRun = Type.Object(AgentServiceRun.properties, {
  $id: "UnitRun",
  additionalProperties: false,
  examples: [
    {
      startedAt: "2026-12-08T02:00:00.012Z",
      endedAt: "2026-12-08T02:03:41.870Z",
      result: "failed",
      reason: "ExecStart=/usr/local/bin/backup failed: exit status 3",
    },
  ],
  description:
    "One run of a oneshot service (one a timer starts, say) from its start to its end; read its output with GET /v1/units/{name}/logs?run=N",
});

export const Unit = Type.Object(
  {
    name: Type.String(),
    kind: StringEnum(["instance", "unit"], {
      // Generators name an inline enum after its parent and property: UnitKind is taken.
      title: "InstanceKind",
      description: "An instance of a template, or a unit of its own",
    }),
    template: Type.Optional(Type.String()),
    hash: Type.String(),
    shortHash: Type.String(),
    desiredState: ref(DesiredState),
    currentState: ref(CurrentState),
    machineId: Type.Optional(Type.String({ description: "The machine the unit is placed on" })),
    machineIds: Type.Optional(
      Type.Array(Type.String(), { description: "For a global unit: the machines that report it" }),
    ),
    loadState: Type.Optional(Type.String({ description: "As the machine's agent reports it" })),
    activeState: Type.Optional(Type.String()),
    subState: Type.Optional(Type.String()),
    health: Type.Optional(ref(UnitHealth)),
    timer: Type.Optional(ref(UnitTimer)),
    runs: Type.Optional(
      Type.Array(ref(UnitRun), {
        maxItems: SERVICE_RUNS_KEPT,
        description:
          "A oneshot service's latest runs, newest first, as its machine's agent reports them",
      }),
    ),
    lastExit: Type.Optional(
      Type.Object(
        {
          at: Type.String({ format: "date-time" }),
          reason: Type.String({
            examples: [
              "exit status 137",
              "container apache1 exited with status 137 while no agent watched it",
            ],
          }),
        },
        {
          title: "UnitLastExit",
          additionalProperties: false,
          description:
            "How the unit's main process last ended, as its machine's agent reports it; kept after the unit starts again",
        },
      ),
    ),
    reason: Type.Optional(
      Type.String({ description: "Why the unit is not placed or not running" }),
    ),
    createdAt: Type.String({ format: "date-time" }),
    updatedAt: Type.String({ format: "date-time" }),
  },
  { $id: "Unit", examples: [exampleUnit], additionalProperties: false },
);

export const UnitList = Type.Object(
  {
    units: Type.Array(ref(Unit)),
    nextPageToken: Type.Optional(
      Type.String({ description: "Pass as pageToken for the next page" }),
    ),
  },
  { $id: "UnitList", examples: [{ units: [exampleUnit] }], additionalProperties: false },
);

export const UnitListQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.String({
        pattern: wholeString("[1-9][0-9]{0,4}"),
        description: "Page size, 1 to 10000 (default: all)",
      }),
    ),
    pageToken: Type.Optional(Type.String({ maxLength: 512 })),
    machineId: Type.Optional(
      Type.String({ maxLength: 256, description: "Only units on this machine" }),
    ),
  },
  { additionalProperties: false },
);

export const SetDesiredStateBody = Type.Object(
  { desiredState: ref(DesiredState) },
  {
    $id: "SetDesiredStateBody",
    examples: [{ desiredState: "launched" }],
    additionalProperties: false,
  },
);
