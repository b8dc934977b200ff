// Holds a server to its committed OpenAPI document: every response an in-process test server
// sends is checked for a documented operation, status, media type, headers and body schema.
// A test server's close() fails on a deviation, so the whole integration suite doubles as a
// contract test.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

type Json = Record<string, any>;

const documentPath = join(import.meta.dirname, "..", "..", "openapi", "openapi.json");

let loaded: { document: Json; ajv: Ajv2020 } | undefined;

function openapi(): { document: Json; ajv: Ajv2020 } {
  if (loaded) return loaded;
  const document = JSON.parse(readFileSync(documentPath, "utf8")) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats.default(ajv);
  ajv.addSchema(document, "openapi");
  loaded = { document, ajv };
  return loaded;
}

const validators = new Map<string, ValidateFunction>();

/** A validator for the schema at a JSON pointer into the document, so $refs resolve. */
function validatorAt(pointer: string[]): ValidateFunction {
  const key = pointer
    .map((part) => encodeURIComponent(part.replaceAll("~", "~0").replaceAll("/", "~1")))
    .join("/");
  const known = validators.get(key);
  if (known) return known;
  const validate = openapi().ajv.compile({ $ref: `openapi#/${key}` });
  validators.set(key, validate);
  return validate;
}

/** Fastify's `/v1/units/:name` as the document writes it, `/v1/units/{name}`. */
function documentPathOf(routeUrl: string): string {
  return routeUrl.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

function mediaTypeOf(reply: FastifyReply): string {
  const header = reply.getHeader("content-type");
  return String(header ?? "")
    .split(";")[0]
    ?.trim()
    .toLowerCase() as string;
}

function isJson(mediaType: string): boolean {
  return mediaType === "application/json" || mediaType.endsWith("+json");
}

function bodyText(payload: unknown): string | undefined {
  if (payload === null || payload === undefined) return "";
  if (typeof payload === "string") return payload;
  if (Buffer.isBuffer(payload)) return payload.toString("utf8");
  return undefined; // a stream: the event stream, checked by its media type only
}

/** What is wrong with one response, by the document; nothing when it matches. */
export function contractDeviations(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): string[] {
  const { document } = openapi();
  const status = reply.statusCode;
  const mediaType = mediaTypeOf(reply);
  const body = bodyText(payload);
  const routeUrl = request.routeOptions.url;
  const problems: string[] = [];
  const checkBody = (pointer: string[]) => {
    if (body === undefined || !isJson(mediaType) || request.method === "HEAD") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      problems.push(`the ${mediaType} body is not JSON: ${body.slice(0, 120)}`);
      return;
    }
    const validate = validatorAt(pointer);
    if (!validate(parsed)) {
      problems.push(
        `the body is off its schema: ${openapi().ajv.errorsText(validate.errors)}; body ${body.slice(0, 300)}`,
      );
    }
  };

  const fleet = /^\/(fleet\/v1|v1-alpha)(\/|$)/.test(request.url);
  // /v1-alpha is fleet's API again under fleet's older prefix, left out of the document.
  const path =
    routeUrl === undefined
      ? undefined
      : documentPathOf(routeUrl.replace(/^\/v1-alpha/, "/fleet/v1"));
  const pathItem = path === undefined ? undefined : (document.paths[path] as Json | undefined);
  const method = request.method.toLowerCase();
  const operation = pathItem?.[method];
  if (routeUrl !== undefined && !pathItem && !fleet) return problems; // docs, dashboard
  if (!operation && !(method === "head" && pathItem?.get && status < 300)) {
    // Not an operation: an unknown path, or a method the path does not take. Only an error
    // may answer: fleet's error entity under fleet's prefixes, else a problem document.
    if (status < 400 || status >= 500) problems.push(`${status} answered no operation`);
    if (fleet) {
      if (mediaType !== "application/json") problems.push(`fleet's error came as ${mediaType}`);
      checkBody(["components", "schemas", "FleetError"]);
    } else {
      if (mediaType !== "application/problem+json") {
        problems.push(`an error answered no operation with ${mediaType || "no media type"}`);
      }
      checkBody(["components", "schemas", "Problem"]);
    }
    return problems;
  }
  if (!operation) return problems; // HEAD of a GET: the GET's headers, no body
  const responses = operation.responses as Json;
  const statusKey = [String(status), `${String(status)[0]}XX`, "default"].find(
    (key) => responses[key],
  );
  if (!statusKey) {
    problems.push(`status ${status} is not documented`);
    return problems;
  }
  const response = responses[statusKey] as Json;
  for (const [name, header] of Object.entries<Json>(response.headers ?? {})) {
    const value = reply.getHeader(name);
    if (value === undefined && header.required === true) {
      problems.push(`the required header ${name} is missing`);
    } else if (
      value !== undefined &&
      header.schema?.type === "integer" &&
      !/^[0-9]+$/.test(String(value))
    ) {
      problems.push(`the header ${name} is not an integer: ${String(value)}`);
    }
  }
  const content = response.content as Json | undefined;
  // Fastify drops the payload of a 204 or 304 after this hook.
  if (!content || status === 204 || status === 304) {
    if (status !== 204 && status !== 304 && body !== undefined && body !== "") {
      problems.push(`status ${status} documents no body`);
    }
    if (content) problems.push(`status ${status} cannot have the body it documents`);
    return problems;
  }
  if (body === "" && request.method !== "HEAD") {
    problems.push(`status ${status} sent no body`);
    return problems;
  }
  if (!content[mediaType]) {
    problems.push(
      `${mediaType || "no media type"} is not documented for ${status} (${Object.keys(content).join(", ")})`,
    );
    return problems;
  }
  if (content[mediaType].schema) {
    checkBody([
      "paths",
      path as string,
      method,
      "responses",
      statusKey,
      "content",
      mediaType,
      "schema",
    ]);
  }
  return problems;
}

/**
 * Records the deviations of `app`'s responses, one example per route, status and kind of
 * deviation; call before the app is ready.
 */
export function watchContract(app: FastifyInstance): () => string[] {
  const deviations = new Map<string, string>();
  app.addHook("onSend", async (request, reply, payload) => {
    for (const problem of contractDeviations(request, reply, payload)) {
      const route = request.routeOptions.url ?? "(no route)";
      const key = `${request.method} ${route} ${reply.statusCode} ${problem.split(":")[0]}`;
      if (!deviations.has(key)) {
        deviations.set(key, `${request.method} ${request.url} → ${reply.statusCode}: ${problem}`);
      }
    }
    return payload;
  });
  return () => [...deviations.values()];
}
