import { basename } from "node:path";

export { FLOTILLA_VERSION as VERSION } from "../version.ts";

export type ProgramName = "fleetctl" | "flotilla";

/**
 * The name the user typed: the binary is installed both as `flotilla` and as `fleetctl`, and
 * messages and help speak in the name that was used.
 */
export function programName(scriptPath: string | undefined): ProgramName {
  return basename(scriptPath ?? "").startsWith("fleetctl") ? "fleetctl" : "flotilla";
}
