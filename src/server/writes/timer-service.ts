import { type DesiredState, withDesiredState } from "../../registry/records.ts";
import type { UnitWrite } from "../../registry/registry.ts";
import { parseUnitName, type UnitName } from "../../unit/name.ts";
import { parseUnitFile } from "../../unit/parse.ts";
import { isTimerName, readTimerSection } from "../../unit/timer.ts";
import { ProblemError } from "../problems.ts";
import { instanceFromTemplate, refuse, type UnitReader } from "./unit-reader.ts";

/**
 * The writes that go with setting a unit to `desiredState`: a timer loaded or launched needs
 * the service it starts at least loaded, since the scheduler places the timer beside it.
 * Nothing for any other unit or state; `timerText`, the timer's content, is read only for a
 * timer. Undefined when the attempt must read again (see UnitReader.mayBeStale), or the
 * timer's content is gone.
 */
export async function writesAlongside(
  read: UnitReader,
  name: UnitName,
  desiredState: DesiredState,
  timerText: () => Promise<string | undefined>,
  at: string,
): Promise<UnitWrite[] | undefined> {
  if (!isTimerName(name.name) || name.kind === "template" || desiredState === "inactive") return [];
  const text = await timerText();
  if (text === undefined) return undefined;
  const service = await serviceOfTimer(read, name.name, text, at);
  return service && [service];
}

/**
 * The service a timer starts, made at least loaded: an inactive one loaded, a missing instance
 * created loaded from its template, a loaded or launched one left as read. As systemd refuses
 * to start a timer whose unit is not found, a timer whose service is neither there nor made
 * from a template is refused.
 */
async function serviceOfTimer(
  read: UnitReader,
  timerName: string,
  timerText: string,
  at: string,
): Promise<UnitWrite | undefined> {
  const parsed = parseUnitFile(timerText);
  const section = parsed.ok
    ? readTimerSection(parsed.file, { unitName: timerName }, parsed.lines)
    : parsed;
  if (!section.ok)
    return refuse(
      read,
      new ProblemError(
        "invalid-unit-file",
        `the [Timer] section of ${timerName} is not valid`,
        section.errors,
      ),
    );
  const serviceName = section.timer.unit;
  const service = await read.unit(serviceName);
  if (service?.value.desiredState === "inactive")
    return {
      kind: "update",
      expected: service,
      record: withDesiredState(service.value, "loaded", at),
    };
  if (service) return { kind: "unchanged", expected: service };
  const parsedName = parseUnitName(serviceName);
  const serviceUnitName = parsedName.ok ? parsedName.value : undefined;
  const created =
    serviceUnitName &&
    (await instanceFromTemplate(
      read,
      serviceUnitName,
      "loaded",
      at,
      `loaded with its timer ${timerName}`,
    ));
  if (created) return created;
  return refuse(
    read,
    new ProblemError(
      "timer-unit-not-found",
      serviceUnitName?.template
        ? `timer ${timerName} starts ${serviceName}: neither it nor its template ${serviceUnitName.template} has been submitted`
        : `timer ${timerName} starts ${serviceName}, which has not been submitted`,
    ),
  );
}
