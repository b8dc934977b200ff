import { type TSchema, Type } from "typebox";
import { RUNNABLE_UNIT_NAME_PATTERN, UNIT_NAME_MAX, UNIT_NAME_PATTERN } from "../unit/name.ts";
import { exampleProblem } from "./examples.ts";
import { ref } from "./ref.ts";
import { StringEnum } from "./string-enum.ts";

/** A unit file's name: a unit, an instance or a template. */
export const UnitFileNameParam = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: UNIT_NAME_MAX,
      pattern: UNIT_NAME_PATTERN,
      description:
        "Unit file name, e.g. apache@.service or apache@80.service: letters, digits and : - _ . \\ @, then a unit type. Percent-encode '@' as %40 if your client requires it.",
      examples: ["apache@.service"],
    }),
  },
  { additionalProperties: false },
);

/** A unit's name: a unit or an instance, never a template (a template is a unit file). */
export const UnitNameParam = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: UNIT_NAME_MAX,
      pattern: RUNNABLE_UNIT_NAME_PATTERN,
      description:
        "Unit name, e.g. apache@80.service: as a unit file's name, but not a template's. Percent-encode '@' as %40 if your client requires it.",
      examples: ["apache@80.service"],
    }),
  },
  { additionalProperties: false },
);

export const MachineIdParam = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 256, description: "Machine id" }) },
  { additionalProperties: false },
);

export const BooleanQuery = StringEnum(["true", "false"], { description: "true or false" });

export const Problem = Type.Object(
  {
    type: Type.String({
      description:
        "urn:flotilla:problem:<kind>, stable across releases. The kinds: invalid-request, invalid-unit-name, invalid-unit-file, template-not-loadable (400); unauthorized (401); forbidden (403); unit-not-found, unit-file-not-found, machine-not-found, not-found, rollout-not-found, version-not-found (404); method-not-allowed (405); unit-file-conflict, template-in-use, timer-unit-not-found, rollout-conflict, version-content-gone, restore-conflict, write-conflict (409); body-too-large (413); uri-too-long (414); unsupported-media-type (415); too-many-requests (429); internal (500); agent-unavailable (502); registry-unavailable (503).",
    }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object(
          {
            message: Type.String(),
            line: Type.Optional(Type.Integer()),
            path: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  {
    $id: "Problem",
    examples: [exampleProblem],
    additionalProperties: true,
    description: "An RFC 9457 problem document.",
  },
);

const problemStatuses = {
  400: "The request is not valid",
  401: "Authentication required",
  403: "Not allowed with this token",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  413: "The request body is too large",
  414: "The request target is too long",
  415: "Unsupported content type",
  429: "Too many requests",
  500: "Internal error",
  502: "A machine's agent could not be reached",
  503: "etcd is unreachable",
} as const;

export type ProblemStatus = keyof typeof problemStatuses;

const problemHeaders: Partial<Record<ProblemStatus, Record<string, unknown>>> = {
  401: {
    "www-authenticate": {
      description: "The scheme to authenticate with: Bearer",
      type: "string",
    },
  },
  403: {
    "www-authenticate": {
      description: 'Bearer error="insufficient_scope"',
      type: "string",
    },
  },
  429: {
    "retry-after": {
      description: "Seconds to wait before retrying",
      type: "integer",
      minimum: 0,
    },
  },
  503: {
    "retry-after": {
      description:
        "Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it",
      type: "integer",
      minimum: 0,
    },
  },
};

/**
 * Headers every answer of their status carries. @fastify/swagger drops `required` from the
 * response headers it is given; the server's document puts it back (app.ts).
 */
export const ALWAYS_SENT_HEADERS: ReadonlySet<string> = new Set(
  Object.values(problemHeaders).flatMap((headers) => Object.keys(headers ?? {})),
);

/** An error answer of `status` whose body is `schema` in `mediaType`. */
export function errorResponse<T extends TSchema>(
  status: ProblemStatus,
  what: string,
  mediaType: string,
  schema: T,
) {
  return {
    description: `${problemStatuses[status]}: ${what}`,
    ...(problemHeaders[status] ? { headers: problemHeaders[status] } : {}),
    content: { [mediaType]: { schema } },
  };
}

/** An error answer as the document lists it: a problem document, in its own media type. */
export function problemResponse(status: ProblemStatus) {
  return errorResponse(
    status,
    "an RFC 9457 problem document",
    "application/problem+json",
    ref(Problem),
  );
}
