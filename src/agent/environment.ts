import { readFile } from "node:fs/promises";
import { parseEnvironmentAssignments, parseEnvironmentFile } from "../unit/environment.ts";
import type { ServiceDefinition } from "../unit/service.ts";

/** The file CoreOS kept the machine's addresses in; the agent supplies them itself. */
const COREOS_ENVIRONMENT_FILE = "/etc/environment";

/**
 * A unit's environment as systemd builds it: a minimal base, then Environment=, then each
 * EnvironmentFile= in order. The machine's COREOS_PUBLIC_IPV4 and COREOS_PRIVATE_IPV4 come
 * last, from the agent's configuration, so /etc/environment need not hold them (or exist).
 */
export async function resolveEnvironment(
  definition: ServiceDefinition,
  base: Readonly<Record<string, string>>,
  machine: Readonly<Record<string, string>>,
): Promise<Record<string, string>> {
  const env: Record<string, string> = { ...base };
  for (const value of definition.environment) {
    const parsed = parseEnvironmentAssignments(value);
    if (!parsed.ok) throw new Error(`Environment=${value}: ${parsed.error}`);
    for (const [key, assigned] of parsed.vars) env[key] = assigned;
  }
  for (const { path, optional } of definition.environmentFiles) {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if (optional || path === COREOS_ENVIRONMENT_FILE) continue;
      throw new Error(
        `EnvironmentFile=${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? error}`,
      );
    }
    for (const [key, value] of parseEnvironmentFile(text).vars) env[key] = value;
  }
  return { ...env, ...machine };
}
