import { parseUnitName, type UnitName } from "../unit/name.ts";
import { ProblemError } from "./problems.ts";

/** The unit name a request gives, parsed; a name that breaks the naming rules is a 400. */
export function validName(name: string): UnitName {
  const parsed = parseUnitName(name);
  if (!parsed.ok) throw new ProblemError("invalid-unit-name", parsed.error);
  return parsed.value;
}
