/**
 * The changes between two OpenAPI documents that can break a client generated from the first:
 * an operation, parameter, media type or success status it used is gone; a request it sent
 * is now refused (a new required field or parameter, a tighter limit, a removed enum value);
 * a response it parsed now holds what it cannot read (a removed or no longer required field,
 * a new enum value, another type).
 */

// biome-ignore lint/suspicious/noExplicitAny: documents are walked as untyped JSON
type Json = Record<string, any>;

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

export function breakingChanges(before: Json, after: Json): string[] {
  const found: string[] = [];
  const resolve = (document: Json, schema: Json | undefined): Json | undefined => {
    const seen = new Set<string>();
    let current = schema;
    while (typeof current?.$ref === "string" && !seen.has(current.$ref)) {
      seen.add(current.$ref);
      current = document.components?.schemas?.[current.$ref.replace("#/components/schemas/", "")];
    }
    return current;
  };
  const compared = new Set<string>();

  /** A schema of what the client sends: the server must not accept less. */
  const request = (b: Json | undefined, a: Json | undefined, where: string): void => {
    schemaChanges(b, a, where, "request");
  };
  /** A schema of what the client reads: the server must not send more. */
  const response = (b: Json | undefined, a: Json | undefined, where: string): void => {
    schemaChanges(b, a, where, "response");
  };

  function schemaChanges(
    rawBefore: Json | undefined,
    rawAfter: Json | undefined,
    where: string,
    direction: "request" | "response",
  ): void {
    const key = `${direction} ${rawBefore?.$ref ?? where} ${rawAfter?.$ref ?? where}`;
    if (compared.has(key)) return;
    compared.add(key);
    const b = resolve(before, rawBefore);
    const a = resolve(after, rawAfter);
    if (!b || !a) return;
    if (JSON.stringify(b.type) !== JSON.stringify(a.type) && b.type !== undefined) {
      found.push(`${where}: type ${JSON.stringify(b.type)} became ${JSON.stringify(a.type)}`);
      return;
    }
    const bEnum: unknown[] | undefined = b.enum;
    const aEnum: unknown[] | undefined = a.enum;
    if (direction === "request" && aEnum && (!bEnum || bEnum.some((v) => !aEnum.includes(v)))) {
      found.push(`${where}: accepts fewer values (enum ${JSON.stringify(aEnum)})`);
    }
    if (direction === "response" && bEnum && (!aEnum || aEnum.some((v) => !bEnum.includes(v)))) {
      found.push(`${where}: may answer values clients do not know (enum ${JSON.stringify(aEnum)})`);
    }
    if (direction === "request") {
      for (const limit of ["maxLength", "maxItems", "maximum", "maxProperties"]) {
        if (a[limit] !== undefined && (b[limit] === undefined || a[limit] < b[limit])) {
          found.push(`${where}: ${limit} ${b[limit] ?? "none"} became ${a[limit]}`);
        }
      }
      for (const limit of ["minLength", "minItems", "minimum", "minProperties"]) {
        if (a[limit] !== undefined && (b[limit] === undefined || a[limit] > b[limit])) {
          found.push(`${where}: ${limit} ${b[limit] ?? "none"} became ${a[limit]}`);
        }
      }
      if (a.pattern !== undefined && a.pattern !== b.pattern) {
        found.push(`${where}: pattern ${b.pattern ?? "none"} became ${a.pattern}`);
      }
    }
    const bRequired = new Set<string>(b.required ?? []);
    const aRequired = new Set<string>(a.required ?? []);
    if (direction === "request") {
      for (const name of aRequired) {
        if (!bRequired.has(name)) found.push(`${where}: ${name} became required`);
      }
    } else {
      for (const name of bRequired) {
        if (!aRequired.has(name)) found.push(`${where}: ${name} is no longer always sent`);
      }
    }
    for (const [name, property] of Object.entries<Json>(b.properties ?? {})) {
      const next = a.properties?.[name];
      if (next === undefined) {
        if (direction === "response" || a.additionalProperties === false) {
          found.push(`${where}: property ${name} was removed`);
        }
        continue;
      }
      schemaChanges(property, next, `${where}.${name}`, direction);
    }
    if (b.items && a.items) schemaChanges(b.items, a.items, `${where}[]`, direction);
  }

  for (const [path, item] of Object.entries<Json>(before.paths ?? {})) {
    for (const method of METHODS) {
      const b = item[method] as Json | undefined;
      if (!b) continue;
      const where = `${method.toUpperCase()} ${path}`;
      const a = after.paths?.[path]?.[method] as Json | undefined;
      if (!a) {
        found.push(`${where}: the operation was removed`);
        continue;
      }
      const parameterKey = (p: Json) => `${p.in} ${p.name}`;
      const bParameters = new Map<string, Json>(
        (b.parameters ?? []).map((p: Json) => [parameterKey(p), p]),
      );
      const aParameters = new Map<string, Json>(
        (a.parameters ?? []).map((p: Json) => [parameterKey(p), p]),
      );
      for (const [name, parameter] of aParameters) {
        const old = bParameters.get(name);
        if (parameter.required && !old?.required) found.push(`${where}: ${name} became required`);
        if (old) request(old.schema, parameter.schema, `${where} ${name}`);
      }
      for (const name of bParameters.keys()) {
        if (!aParameters.has(name)) found.push(`${where}: parameter ${name} was removed`);
      }
      if (a.requestBody?.required && b.requestBody && !b.requestBody.required) {
        found.push(`${where}: the body became required`);
      }
      for (const [mediaType, media] of Object.entries<Json>(b.requestBody?.content ?? {})) {
        const next = a.requestBody?.content?.[mediaType];
        if (!next) found.push(`${where}: the body no longer takes ${mediaType}`);
        else request(media.schema, next.schema, `${where} body (${mediaType})`);
      }
      for (const [status, answer] of Object.entries<Json>(b.responses ?? {})) {
        const next = a.responses?.[status] as Json | undefined;
        if (!next) {
          if (status.startsWith("2")) found.push(`${where}: ${status} is no longer answered`);
          continue;
        }
        for (const [mediaType, media] of Object.entries<Json>(answer.content ?? {})) {
          const nextMedia = next.content?.[mediaType];
          if (!nextMedia) found.push(`${where} ${status}: ${mediaType} is no longer answered`);
          else response(media.schema, nextMedia.schema, `${where} ${status} (${mediaType})`);
        }
      }
    }
  }
  for (const name of Object.keys(before.components?.schemas ?? {})) {
    if (!after.components?.schemas?.[name]) found.push(`components.schemas.${name} was removed`);
  }
  return [...new Set(found)];
}

/** Whether `after` may break clients of `before`: a new major version (minor, before 1.0). */
export function allowsBreakingChanges(before: string, after: string): boolean {
  const [bMajor = 0, bMinor = 0] = before.split(".").map(Number);
  const [aMajor = 0, aMinor = 0] = after.split(".").map(Number);
  if (aMajor !== bMajor) return aMajor > bMajor;
  return aMajor === 0 && aMinor > bMinor;
}
