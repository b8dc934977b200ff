import { type Static, type TSchema, Type } from "typebox";

/**
 * A reference to a schema registered by $id, keeping its static type. Routes refer to
 * shared schemas this way so that the OpenAPI document names them as components. As a
 * response, `description` says what the answer means.
 */
export function ref<T extends TSchema>(schema: T, description?: string) {
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id !== "string") throw new Error("ref() needs a schema with an $id");
  return Type.Unsafe<Static<T>>(Type.Ref(id, description === undefined ? {} : { description }));
}
