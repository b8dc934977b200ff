import { type Static, Type } from "typebox";
import {
  INSTANCE_STEPS,
  ROLLOUT_DEFAULTS,
  ROLLOUT_LIMITS,
  ROLLOUT_PHASES,
} from "../rollout/model.ts";
import { UNIT_FILE_MAX_CHARS } from "../unit/limits.ts";
import { UNIT_NAME_MAX } from "../unit/name.ts";
import { exampleRollout, exampleRolloutInstance, exampleRolloutOptions } from "./examples.ts";
import { ref } from "./ref.ts";
import { StringEnum } from "./string-enum.ts";

// Defaults are said, not declared as `default`: a generator would then make every option of
// a request required.
const bounded = (name: keyof typeof ROLLOUT_LIMITS, description: string) =>
  Type.Integer({
    minimum: ROLLOUT_LIMITS[name].min,
    maximum: ROLLOUT_LIMITS[name].max,
    description: `${description} (default ${ROLLOUT_DEFAULTS[name]})`,
  });

const flag = (name: "autoPromote" | "autoRevert", description: string) =>
  Type.Boolean({ description: `${description} (default ${ROLLOUT_DEFAULTS[name]})` });

const optionProperties = {
  maxParallel: bounded(
    "maxParallel",
    "Instances replaced at once; the others keep serving meanwhile",
  ),
  canaries: bounded(
    "canaries",
    "Canaries: a template's rollout starts this many new instances beside the old ones first (no more than it has running instances to replace, nor than 16 units with their sidekicks); the old ones wait until the canaries are healthy and promoted, and the canaries are destroyed once every old instance is replaced. When no machine has room for them now, and for a rollout of plain units (no template to make new instances from), its first running instances are its canaries, replaced in place (0: none)",
  ),
  autoPromote: flag(
    "autoPromote",
    "Promote the canaries as soon as they are healthy; false waits for POST /v1/rollouts/{id}/promote",
  ),
  minHealthySeconds: bounded(
    "minHealthySeconds",
    "How long a new instance must stay healthy (running, for a unit without a check) to count as replaced",
  ),
  healthyDeadlineSeconds: bounded(
    "healthyDeadlineSeconds",
    "An instance not healthy for minHealthySeconds this long after its replacement fails the rollout; must exceed minHealthySeconds",
  ),
  progressDeadlineSeconds: bounded(
    "progressDeadlineSeconds",
    "A rollout that replaces no instance for this long fails; must exceed healthyDeadlineSeconds and drainSeconds together",
  ),
  autoRevert: flag(
    "autoRevert",
    "On failure, put the instances already replaced back on their previous content, with the same care",
  ),
  drainSeconds: bounded(
    "drainSeconds",
    "The stop's drain: an instance's announcements are withdrawn this long before it is stopped",
  ),
};

export const RolloutOptions = Type.Object(optionProperties, {
  $id: "RolloutOptions",
  additionalProperties: false,
  examples: [exampleRolloutOptions],
  description: "How a rollout proceeds; every option has a cautious default.",
});

export const RolloutOptionsRequest = Type.Partial(Type.Object(optionProperties), {
  $id: "RolloutOptionsRequest",
  additionalProperties: false,
  description: "Any of a rollout's options; the others take their defaults.",
  examples: [{ maxParallel: 2, canaries: 1, minHealthySeconds: 5 }],
});

export const RolloutRequest = Type.Object(
  {
    target: Type.String({
      minLength: 1,
      maxLength: UNIT_NAME_MAX,
      description:
        "What to replace: a template (apache@.service: its instances, and the template itself), a unit, or a glob of unit names",
    }),
    text: Type.Optional(
      Type.String({
        maxLength: UNIT_FILE_MAX_CHARS,
        description: "The new unit file; or else version",
      }),
    ),
    version: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          "Instead of text: a version the target (a template or a unit, not a glob) keeps in its history (GET /v1/unit-files/{name}/history), rolled out again",
      }),
    ),
    options: Type.Optional(ref(RolloutOptionsRequest)),
  },
  {
    $id: "RolloutRequest",
    additionalProperties: false,
    description: "Exactly one of text and version gives the new content.",
    examples: [
      {
        target: "apache@.service",
        text: "[Service]\nExecStart=/usr/bin/docker run --rm --name apache-%i -p %i:80 user_name/apache:2\n",
        options: { maxParallel: 2 },
      },
      { target: "apache@.service", version: 2, options: { maxParallel: 2 } },
    ],
  },
);

export const RolloutPhase = StringEnum(ROLLOUT_PHASES, {
  $id: "RolloutPhase",
  examples: ["rolling"],
  description:
    "canary: replacing the canaries; awaiting-promotion: canaries healthy, waiting for a promote; rolling: replacing the rest; reverting: putting replaced instances back; succeeded, failed, reverted and aborted are final.",
});

export const InstanceStep = StringEnum(INSTANCE_STEPS, {
  $id: "InstanceStep",
  examples: ["draining"],
  description:
    "pending: not started; draining: announcements withdrawn, waiting to stop; replacing: the new content is starting; done: healthy for minHealthySeconds; failed: unhealthy, failed, or not healthy in time; reverted: back on its previous content; skipped: destroyed meanwhile; removed: a canary started beside the old instances, destroyed once it served its purpose.",
});

export const RolloutInstance = Type.Object(
  {
    name: Type.String(),
    fromHash: Type.Optional(
      Type.String({
        description: "The content it had before the rollout; absent for a canary it added",
      }),
    ),
    step: ref(InstanceStep),
    since: Type.Optional(
      Type.String({ format: "date-time", description: "When the current step began" }),
    ),
    drainedAt: Type.Optional(
      Type.String({
        format: "date-time",
        description: "When its machine confirmed the announcements withdrawn",
      }),
    ),
    healthySince: Type.Optional(
      Type.String({ format: "date-time", description: "Since when the new content is healthy" }),
    ),
    canary: Type.Optional(Type.Boolean()),
    added: Type.Optional(
      Type.Boolean({
        description:
          "A canary started beside the old instances (a template's rollout), not in place of one: destroyed once every old instance is replaced, and on a revert, failure or abort",
      }),
    ),
    companions: Type.Optional(
      Type.Array(
        Type.Object({ name: Type.String(), hash: Type.String() }, { additionalProperties: false }),
        {
          description:
            "Units created and destroyed with an added canary: the instances of other templates that run beside or announce its old instances (its sidekicks), on their templates' content",
        },
      ),
    ),
    reverting: Type.Optional(
      Type.Boolean({ description: "Being put back on fromHash by the rollout's revert" }),
    ),
    detail: Type.Optional(Type.String({ description: "Why it failed or was skipped" })),
  },
  { $id: "RolloutInstance", additionalProperties: false, examples: [exampleRolloutInstance] },
);

export const Rollout = Type.Object(
  {
    id: Type.String(),
    target: Type.String({
      description: "What it replaces: a template's name (its instances) or a glob of unit names",
    }),
    toHash: Type.String({ description: "SHA-1 of the new content" }),
    template: Type.Optional(
      Type.Object(
        { name: Type.String(), fromHash: Type.String() },
        { additionalProperties: false, description: "The template whose content it replaced" },
      ),
    ),
    options: ref(RolloutOptions),
    phase: ref(RolloutPhase),
    paused: Type.Boolean(),
    instances: Type.Array(ref(RolloutInstance)),
    createdAt: Type.String({ format: "date-time" }),
    updatedAt: Type.String({ format: "date-time" }),
    progressAt: Type.String({
      format: "date-time",
      description:
        "When an instance last finished, or the rollout was promoted, resumed or began reverting: the progress deadline counts from here",
    }),
    reason: Type.Optional(Type.String({ description: "Why it failed, reverted or was aborted" })),
    revertOf: Type.Optional(Type.String({ description: "The rollout this one reverts" })),
  },
  { $id: "Rollout", additionalProperties: false, examples: [exampleRollout] },
);

export type RolloutOptionsRecord = Static<typeof RolloutOptions>;
export type RolloutRecord = Static<typeof Rollout>;
export type RolloutInstanceRecord = Static<typeof RolloutInstance>;

export const RolloutList = Type.Object(
  { rollouts: Type.Array(ref(Rollout), { description: "Newest first" }) },
  { $id: "RolloutList", additionalProperties: false, examples: [{ rollouts: [exampleRollout] }] },
);

export const RolloutAbort = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 1024 })) },
  {
    $id: "RolloutAbort",
    additionalProperties: false,
    examples: [{ reason: "the new image logs errors" }],
  },
);
