import type { UnitFile } from "./model.ts";

/**
 * All values of a key in file order, as systemd reads a list setting: an empty assignment
 * (`ExecStartPre=`) discards everything assigned before it.
 */
export function optionValues(file: UnitFile, section: string, name: string): string[] {
  let values: string[] = [];
  for (const option of file.options) {
    if (option.section !== section || option.name !== name) continue;
    if (option.value === "") values = [];
    else values.push(option.value);
  }
  return values;
}

/**
 * The value a single-valued setting ends up with: the last assignment wins, and an empty last
 * assignment resets the setting to its default, which reads as undefined (not set).
 */
export function lastOptionValue(file: UnitFile, section: string, name: string): string | undefined {
  let last: string | undefined;
  for (const option of file.options) {
    if (option.section === section && option.name === name) last = option.value;
  }
  return last === "" ? undefined : last;
}
