import { type TUnsafe, Type } from "typebox";

/**
 * A string from a fixed list, as a plain `enum`. A union of literals would become an anyOf of
 * single-value consts, which several client generators cannot merge into one type.
 */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: Record<string, unknown> = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: "string", enum: [...values], ...options });
}
