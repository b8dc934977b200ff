// Values that a JSON schema of the OpenAPI document allows, as fast-check arbitraries: the
// valid half of a property-based API fuzzer. It covers the keywords the document uses.
import fc from "fast-check";

type Json = Record<string, any>;

/** A string arbitrary for a pattern; lookaheads, which fast-check cannot build, are filtered. */
function matching(pattern: string): fc.Arbitrary<string> {
  const full = new RegExp(pattern, "u");
  try {
    return fc.stringMatching(full);
  } catch {
    const withoutLookaheads = new RegExp(pattern.replace(/\(\?[!=][^)]*\)/g, ""), "u");
    return fc.stringMatching(withoutLookaheads).filter((text) => full.test(text));
  }
}

export function arbitraryOf(schema: Json | undefined, document: Json): fc.Arbitrary<unknown> {
  if (!schema) return fc.anything();
  if (typeof schema.$ref === "string") {
    const name = schema.$ref.replace("#/components/schemas/", "");
    return arbitraryOf(document.components.schemas[name], document);
  }
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  if (schema.anyOf || schema.oneOf) {
    return fc.oneof(...(schema.anyOf ?? schema.oneOf).map((s: Json) => arbitraryOf(s, document)));
  }
  const examples: unknown[] = schema.examples ?? [];
  const withExamples = (arbitrary: fc.Arbitrary<unknown>) =>
    examples.length > 0 ? fc.oneof(fc.constantFrom(...examples), arbitrary) : arbitrary;
  switch (schema.type) {
    case "string": {
      if (schema.pattern) return withExamples(matching(schema.pattern));
      const minLength = schema.minLength ?? 0;
      const maxLength = Math.min(schema.maxLength ?? 40, minLength + 40);
      return withExamples(fc.string({ minLength, maxLength }));
    }
    case "integer":
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1_000_000 });
    case "number":
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array": {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.min(schema.maxItems ?? 4, minLength + 4);
      return withExamples(fc.array(arbitraryOf(schema.items, document), { minLength, maxLength }));
    }
    case "object": {
      const properties: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries<Json>(schema.properties ?? {})) {
        properties[name] = arbitraryOf(property, document);
      }
      let object: fc.Arbitrary<Record<string, unknown>> = fc.record(properties, {
        requiredKeys: schema.required ?? [],
      });
      const patterns = Object.entries<Json>(schema.patternProperties ?? {});
      if (patterns.length > 0) {
        const [keyPattern, valueSchema] = patterns[0] as [string, Json];
        object = fc
          .tuple(
            object,
            fc.dictionary(matching(keyPattern), arbitraryOf(valueSchema, document), {
              maxKeys: 4,
            }),
          )
          .map(([fixed, extra]) => ({ ...extra, ...fixed }));
      }
      const min = schema.minProperties ?? 0;
      const max = schema.maxProperties ?? Number.POSITIVE_INFINITY;
      const sized = object.filter((value) => {
        const count = Object.keys(value).length;
        return count >= min && count <= max;
      });
      return withExamples(sized);
    }
    default:
      return withExamples(fc.anything());
  }
}
