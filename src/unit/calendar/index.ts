export type { CivilTime } from "./civil.ts";
export { matches } from "./match.ts";
export type { Calendar, CalendarField, CalendarRange } from "./model.ts";
export { nextElapse } from "./next.ts";
export { type CalendarParse, parseCalendar } from "./parse.ts";
export { instantsAt, isKnownTimeZone, wallClockAt } from "./zone.ts";
