import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { type Static, Type } from "typebox";
import { currentVersion } from "../../registry/records.ts";
import { BooleanQuery, problemResponse, UnitFileNameParam } from "../../schema/common.ts";
import { exampleTemplateText } from "../../schema/examples.ts";
import { ref } from "../../schema/ref.ts";
import {
  UnitFileDetail,
  UnitFileHistory,
  UnitFileJsonBody,
  UnitFileList,
  UnitFileSubmitted,
} from "../../schema/units.ts";
import { shortHash } from "../../unit/hash.ts";
import { UNIT_FILE_MAX_CHARS } from "../../unit/limits.ts";
import { parseUnitFile } from "../../unit/parse.ts";
import { serializeUnitFile } from "../../unit/serialize.ts";
import type { ServerContext } from "../context.ts";
import { presentUnitFile, presentUnitFileHistory } from "../entities.ts";
import { ProblemError } from "../problems.ts";
import { validName } from "../unit-name.ts";

export function unitFileRoutes(context: ServerContext): FastifyPluginAsyncTypebox {
  const { view, unitWrites } = context;
  return async (app) => {
    app.get(
      "/v1/unit-files",
      {
        schema: {
          operationId: "listUnitFiles",
          summary: "List submitted unit files: templates, instances and plain units",
          tags: ["unit-files"],
          response: { 200: ref(UnitFileList, "The unit files, by name") },
        },
      },
      async () => ({
        unitFiles: view.unitNames
          .all()
          .map((name) => presentUnitFile(view, name))
          .filter((file) => file !== undefined),
      }),
    );

    app.put(
      "/v1/unit-files/:name",
      {
        schema: {
          operationId: "submitUnitFile",
          summary: "Submit a unit file as text/plain, or as JSON options",
          description:
            "Submitting the same content again changes nothing (200). Other content under an existing name is a 409 unless replace=true.",
          tags: ["unit-files"],
          params: UnitFileNameParam,
          querystring: Type.Object(
            { replace: Type.Optional(BooleanQuery) },
            { additionalProperties: false },
          ),
          body: {
            content: {
              "text/plain": {
                schema: Type.String({
                  maxLength: UNIT_FILE_MAX_CHARS,
                  examples: [exampleTemplateText],
                }),
              },
              "application/json": { schema: ref(UnitFileJsonBody) },
            },
          },
          response: {
            200: ref(
              UnitFileSubmitted,
              "The same content was already submitted, or it replaced other content",
            ),
            201: ref(UnitFileSubmitted, "The unit file was submitted"),
            400: problemResponse(400),
            409: problemResponse(409),
            413: problemResponse(413),
            415: problemResponse(415),
            503: problemResponse(503),
          },
        },
      },
      async (request, reply) => {
        const { name } = request.params;
        const text = submittedText(request.body as string | Static<typeof UnitFileJsonBody>);
        const outcome = await unitWrites.submit(name, text, {
          replace: request.query.replace === "true",
        });
        await view.waitFor(outcome.revision);
        return reply.code(outcome.created ? 201 : 200).send({
          name,
          kind: outcome.name.kind,
          hash: outcome.hash,
          shortHash: shortHash(outcome.hash),
          created: outcome.created,
          replaced: outcome.replaced,
          warnings: outcome.warnings,
        });
      },
    );

    app.get(
      "/v1/unit-files/:name",
      {
        schema: {
          operationId: "getUnitFile",
          summary: "A unit file: JSON with its options, or the file itself with Accept: text/plain",
          tags: ["unit-files"],
          params: UnitFileNameParam,
          response: {
            200: {
              description: "The unit file",
              content: {
                "application/json": { schema: ref(UnitFileDetail) },
                "text/plain": { schema: Type.String({ examples: [exampleTemplateText] }) },
              },
            },
            400: problemResponse(400),
            404: problemResponse(404),
          },
        },
      },
      async (request, reply) => {
        const { name } = request.params;
        validName(name);
        const summary = presentUnitFile(view, name);
        const record = view.units.get(name);
        const text = summary ? view.unitTexts.get(summary.hash) : undefined;
        if (!summary || !record || text === undefined) throw notSubmitted(name);
        if (prefersText(request.headers.accept)) {
          return reply.type("text/plain; charset=utf-8").send(text);
        }
        const parsed = parseUnitFile(text);
        const version = currentVersion(record);
        return { ...summary, version, options: parsed.ok ? parsed.file.options : [], text };
      },
    );

    app.get(
      "/v1/unit-files/:name/history",
      {
        schema: {
          operationId: "getUnitFileHistory",
          summary: "A unit file's content versions, newest first: each one's hash, when and why",
          description:
            "Every change of a unit file's content (a submission that replaces it, a rollout, a revert) is a new version; the last ten are kept with their content, so that POST /v1/rollouts with a version rolls any of them out again.",
          tags: ["unit-files"],
          params: UnitFileNameParam,
          response: {
            200: ref(UnitFileHistory, "The unit file's versions"),
            400: problemResponse(400),
            404: problemResponse(404),
          },
        },
      },
      async (request) => {
        const { name } = request.params;
        validName(name);
        const history = presentUnitFileHistory(view, name);
        if (!history) throw notSubmitted(name);
        return history;
      },
    );

    app.delete(
      "/v1/unit-files/:name",
      {
        schema: {
          operationId: "deleteUnitFile",
          summary: "Delete a unit file; a template only once no instance is left, unless forced",
          tags: ["unit-files"],
          params: UnitFileNameParam,
          querystring: Type.Object(
            { force: Type.Optional(BooleanQuery) },
            { additionalProperties: false },
          ),
          response: {
            204: Type.Null({ description: "Deleted" }),
            400: problemResponse(400),
            404: problemResponse(404),
            409: problemResponse(409),
            503: problemResponse(503),
          },
        },
      },
      async (request, reply) => {
        const revision = await unitWrites.deleteUnitFile(
          request.params.name,
          request.query.force === "true",
        );
        await view.waitFor(revision);
        return reply.code(204).send(null);
      },
    );
  };
}

function notSubmitted(name: string): ProblemError {
  return new ProblemError("unit-file-not-found", `unit file ${name} has not been submitted`);
}

/** The text a submission carries: text/plain as it is, JSON as its content or its options. */
function submittedText(body: string | Static<typeof UnitFileJsonBody>): string {
  if (typeof body === "string") return body;
  return "content" in body ? body.content : serializeUnitFile({ options: body.options });
}

function prefersText(accept: string | undefined): boolean {
  if (!accept) return false;
  const text = accept.indexOf("text/plain");
  const json = accept.indexOf("application/json");
  return text >= 0 && (json < 0 || text < json);
}
