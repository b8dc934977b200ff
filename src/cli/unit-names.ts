import { basename, extname } from "node:path";
import { UNIT_TYPES } from "../unit/name.ts";

/** The unit types fleet accepted; any other argument names a .service, as fleetctl assumed. */
const UNIT_TYPE_SET: ReadonlySet<string> = new Set(UNIT_TYPES);

/** fleetctl's reading of an argument: a path's file name, `.service` added when no type is given. */
export function unitNameOf(arg: string): string {
  const name = basename(arg);
  return UNIT_TYPE_SET.has(extname(name).slice(1)) ? name : `${name}.service`;
}

export interface TemplatedName {
  /** `apache` of `apache@80.service` */
  prefix: string;
  /** `80`; empty for the template itself */
  instance: string;
  /** `apache@.service` */
  template: string;
}

/** The parts of `prefix@instance.type`, or undefined for a name without `@`. */
export function templatedName(name: string): TemplatedName | undefined {
  const at = name.indexOf("@");
  const dot = name.lastIndexOf(".");
  if (at <= 0 || dot < at) return undefined;
  const prefix = name.slice(0, at);
  return { prefix, instance: name.slice(at + 1, dot), template: `${prefix}@${name.slice(dot)}` };
}

export function isTemplate(name: string): boolean {
  return templatedName(name)?.instance === "";
}
