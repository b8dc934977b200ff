import { AjvCompiler } from "@fastify/ajv-compiler";
import { SerializerSelector } from "@fastify/fast-json-stringify-compiler";
import type { FastifyServerOptions } from "fastify";

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]
>;
/** What Fastify passes a compiler for each schema of a route (its typings say less). */
interface RouteSchema {
  schema: unknown;
  httpPart?: string;
  httpStatus?: string;
}
type Compile<T> = (route: RouteSchema) => T;
type Factory<T> = (externalSchemas: unknown, options: unknown) => Compile<T>;

/**
 * Compilers shared by every agent API built in this process. Fastify compiles each instance's
 * route schemas afresh, into new functions that warm up separately, so a process running many
 * agents (a simulated fleet) would compile and warm up the same validators and serializers once
 * per agent. Here equal schemas get one compiled function.
 */
export const sharedSchemaCompilers = {
  buildValidator: shared(AjvCompiler() as unknown as Factory<unknown>),
  buildSerializer: shared(SerializerSelector() as unknown as Factory<unknown>),
} as CompilersFactory;

function shared<T>(factory: Factory<T>): Factory<T> {
  const compiled = new Map<string, T>();
  return (externalSchemas, options) => {
    const compile = factory(externalSchemas, options);
    const context = JSON.stringify([externalSchemas, options]);
    return (route) => {
      const key = `${context}${route.httpPart}${route.httpStatus}${JSON.stringify(route.schema)}`;
      let found = compiled.get(key);
      if (found === undefined) {
        found = compile(route);
        compiled.set(key, found);
      }
      return found;
    };
  };
}
