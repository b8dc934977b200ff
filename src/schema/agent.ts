import { Type } from "typebox";
import { HEALTH_PROBES, JUDGED_HEALTH_STATUSES } from "../unit/health-status.ts";
import { SERVICE_RUNS_KEPT } from "../unit/limits.ts";
import { UNIT_STATES } from "../unit/states.ts";
import { ref } from "./ref.ts";
import { StringEnum } from "./string-enum.ts";

/** The agent's HTTP API: what the control plane asks of a machine, and what it reports. */

export const AgentDesiredState = StringEnum(UNIT_STATES, {
  $id: "AgentDesiredState",
});

const UnitHash = Type.String({
  pattern: "^[0-9a-f]{40}$",
  description: "SHA-1 of the canonical unit text",
});

const MAX_UNIT_TEXT = 262144;

const Draining = Type.Boolean({
  description:
    "The unit is about to be stopped (a rollout's drain): the announcements made for it are withdrawn while it keeps running",
});

const Launch = Type.Integer({
  minimum: 0,
  description:
    "How many times the unit has been asked to launch; a running unit asked for a later launch is restarted",
});

export const AgentUnitRequest = Type.Object(
  {
    desiredState: ref(AgentDesiredState),
    hash: UnitHash,
    launch: Type.Optional(Launch),
    draining: Type.Optional(Draining),
    text: Type.Optional(
      Type.String({
        maxLength: MAX_UNIT_TEXT,
        description: "The unit text; when absent the agent reads it from etcd by hash",
      }),
    ),
  },
  { $id: "AgentUnitRequest", additionalProperties: false },
);

/** Units a machine gets at once carry their content once per hash, as many share a template's. */
export const AgentUnitBatch = Type.Object(
  {
    units: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 256 }),
          desiredState: ref(AgentDesiredState),
          hash: UnitHash,
          launch: Type.Optional(Launch),
          draining: Type.Optional(Draining),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
    texts: Type.Optional(
      Type.Record(
        Type.String({ pattern: "^[0-9a-f]{40}$" }),
        Type.String({ maxLength: MAX_UNIT_TEXT }),
        {
          description: "Unit texts by hash; a unit whose text is absent is read from etcd",
        },
      ),
    ),
  },
  { $id: "AgentUnitBatch", additionalProperties: false },
);

/** A unit's health as the agent reports it to etcd: it changes only with its status. */
export const AgentUnitHealth = Type.Object(
  {
    status: StringEnum(JUDGED_HEALTH_STATUSES),
    since: Type.String({ format: "date-time", description: "When the status began" }),
    failures: Type.Integer({
      minimum: 0,
      description: "Failed checks in a row when the status began",
    }),
    lastCheckAt: Type.Optional(
      Type.String({ format: "date-time", description: "When the check that changed it ended" }),
    ),
    lastOutput: Type.Optional(
      Type.String({ description: "What that check said, at most 512 bytes" }),
    ),
    probe: StringEnum(HEALTH_PROBES, {
      description: "What judges it: the unit's [X-Health] probe, or its image's HEALTHCHECK",
    }),
  },
  {
    $id: "AgentUnitHealth",
    additionalProperties: false,
    // On the health, not its status: a $ref's siblings do not reach the document.
    description:
      "A unit's health, changing only with its status. Absent health is none: no check, or not running",
  },
);

export const AgentLastExit = Type.Object(
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
    $id: "AgentLastExit",
    additionalProperties: false,
    description:
      "How the unit's main process last ended, kept after it starts again (as Kubernetes' lastState)",
  },
);

export const AgentTimerStatus = Type.Object(
  {
    unit: Type.String({ description: "The service the timer starts" }),
    activatedAt: Type.Optional(
      Type.String({
        format: "date-time",
        description:
          "When the timer was started on its machine, which OnActiveSec=, OnBootSec= and OnStartupSec= count from; absent while it is stopped",
      }),
    ),
    nextElapse: Type.Optional(
      Type.String({
        format: "date-time",
        description:
          "When it elapses next, its randomized delay included; absent while its service runs, or when nothing will elapse again",
      }),
    ),
    nextTrigger: Type.Optional(
      Type.String({
        description: "The setting that elapses next, as written",
        examples: ["OnCalendar=*-*-* 02:00:00"],
      }),
    ),
    lastTrigger: Type.Optional(
      Type.String({
        format: "date-time",
        description: "When it last elapsed, on whichever machine ran it then",
      }),
    ),
  },
  {
    $id: "AgentTimerStatus",
    additionalProperties: false,
    description: "A timer's next and last elapse (timers only)",
  },
);

export const AgentServiceRun = Type.Object(
  {
    startedAt: Type.String({ format: "date-time" }),
    endedAt: Type.Optional(
      Type.String({ format: "date-time", description: "Absent while the run goes on" }),
    ),
    result: Type.Optional(StringEnum(["success", "failed"], { title: "ServiceRunResult" })),
    reason: Type.Optional(
      Type.String({
        description: "Why the run failed: the command and its status",
        examples: ["ExecStart=/usr/local/bin/backup failed: exit status 3"],
      }),
    ),
  },
  {
    $id: "AgentServiceRun",
    additionalProperties: false,
    description: "One run of a oneshot service, from its start to its end",
  },
);

export const AgentUnit = Type.Object(
  {
    name: Type.String(),
    hash: Type.String(),
    desiredState: ref(AgentDesiredState),
    loadState: Type.String({ description: "loaded, or error when the file cannot be run" }),
    activeState: Type.String({
      description: "inactive, activating, active, deactivating or failed",
    }),
    subState: Type.String({
      description: "dead, start-pre, start, running, exited, stop, failed, auto-restart...",
    }),
    since: Type.String({ format: "date-time" }),
    error: Type.Optional(
      Type.String({
        description:
          "Why the unit failed: the command and its status; else why its [X-Health] check does not run",
      }),
    ),
    restarts: Type.Integer({
      description: "How often Restart= (or a failing health check's RestartAfter=) restarted it",
    }),
    lastExit: Type.Optional(ref(AgentLastExit)),
    launch: Type.Optional(Launch),
    draining: Type.Optional(Draining),
    health: Type.Optional(ref(AgentUnitHealth)),
    timer: Type.Optional(ref(AgentTimerStatus)),
    runs: Type.Optional(
      Type.Array(ref(AgentServiceRun), {
        maxItems: SERVICE_RUNS_KEPT,
        description: "A oneshot service's latest runs, oldest first",
      }),
    ),
    lastHealthCheck: Type.Optional(
      Type.Object(
        {
          at: Type.String({ format: "date-time" }),
          ok: Type.Boolean(),
          output: Type.String({ description: "At most 512 bytes" }),
        },
        {
          description: "The last check run, whether or not it changed the health",
          additionalProperties: false,
        },
      ),
    ),
  },
  { $id: "AgentUnit", additionalProperties: false },
);

export const AgentUnitBatchResult = Type.Object(
  {
    results: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          status: Type.Integer({ description: "What PUT /v1/units/{name} would have answered" }),
          unit: Type.Optional(ref(AgentUnit)),
          detail: Type.Optional(Type.String({ description: "Why the unit was refused" })),
        },
        { additionalProperties: false },
      ),
      { description: "One per unit asked for, in the same order" },
    ),
  },
  { $id: "AgentUnitBatchResult", additionalProperties: false },
);

export const AgentUnitList = Type.Object(
  { units: Type.Array(ref(AgentUnit)) },
  { $id: "AgentUnitList", additionalProperties: false },
);

export const AgentProblem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
  },
  { $id: "AgentProblem", additionalProperties: true },
);

export const LogQuery = Type.Object(
  {
    lines: Type.Optional(
      Type.String({ pattern: "^[0-9]{1,5}$", description: "How many recent lines (default 100)" }),
    ),
    follow: Type.Optional(StringEnum(["true", "false"])),
    since: Type.Optional(
      Type.String({ format: "date-time", description: "Only lines written at or after" }),
    ),
    until: Type.Optional(
      Type.String({ format: "date-time", description: "Only lines written at or before" }),
    ),
  },
  { additionalProperties: false },
);
