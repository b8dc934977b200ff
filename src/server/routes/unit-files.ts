import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { type Static, Type } from "typebox";
import { BooleanQuery, problemResponse, UnitFileNameParam } from "../../schema/common.ts";
import { exampleTemplateText } from "../../schema/examples.ts";
import { ref } from "../../schema/ref.ts";
import {
  UnitFileDetail,
  UnitFileJsonBody,
  UnitFileList,
  UnitFileSubmitted,
} from "../../schema/units.ts";
import { shortHash } from "../../unit/hash.ts";
import { UNIT_FILE_MAX_CHARS } from "../../unit/limits.ts";
import { parseUnitFile } from "../../unit/parse.ts";
import { serializeUnitFile } from "../../unit/serialize.ts";
import type { ServerContext } from "../context.ts";
import { presentUnitFile } from "../entities.ts";
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
        const text = summary ? view.unitTexts.get(summary.hash) : undefined;
        if (!summary || text === undefined) {
          throw new ProblemError("unit-file-not-found", `unit file ${name} has not been submitted`);
        }
        if (prefersText(request.headers.accept)) {
          return reply.type("text/plain; charset=utf-8").send(text);
        }
        const parsed = parseUnitFile(text);
        return { ...summary, options: parsed.ok ? parsed.file.options : [], text };
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
