import { randomBytes } from "node:crypto";
import { chmod, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type Component,
  components,
  DEFAULT_PLAN,
  type LocalClusterPlan,
  machineName,
  planError,
} from "./layout.ts";
import { answers, Supervisor } from "./supervisor.ts";

/** How long a component may take to answer after it starts (etcd's first start is the slowest). */
const READY_TIMEOUT_MS = 60_000;
/** Agents stop their units on SIGTERM; a container's stop may take Docker's 10 s. */
const STOP_GRACE_MS = 30_000;

export interface ComponentStatus {
  name: string;
  kind: Component["kind"];
  running: boolean;
  pid?: number;
  address: string;
  log: string;
}

/** What `up` and `down` say as they go: one line per step. */
export type Report = (line: string) => void;

/**
 * Starts what of the plan is not running yet, and stops agents beyond its number of
 * machines (coreos-4 and up when it has three). Idempotent: running components are left
 * alone. Resolves once every component answers.
 */
export async function bringUp(
  stateDir: string,
  requested: Partial<Omit<LocalClusterPlan, "stateDir">>,
  report: Report,
): Promise<ComponentStatus[]> {
  const saved = await savedPlan(stateDir);
  const plan: LocalClusterPlan = { ...DEFAULT_PLAN, ...saved, ...requested, stateDir };
  const invalid = planError(plan);
  if (invalid) throw new PlanError(invalid);
  if (saved && (await statusOf(stateDir)).some((component) => component.running)) {
    const changed = (["servers", "api", "firstMachineIp", "etcd"] as const).filter(
      (key) => JSON.stringify(saved[key]) !== JSON.stringify(plan[key]),
    );
    if (changed.length > 0) {
      throw new PlanError(
        `the cluster in ${stateDir} runs with other ${changed.join(", ")}: take it down first`,
      );
    }
  }
  await mkdir(stateDir, { recursive: true });
  await writeFile(planFile(stateDir), `${JSON.stringify(withoutStateDir(plan), null, 2)}\n`);
  const supervisor = new Supervisor(plan.stateDir);
  const wanted = components(plan, await secretsFor(plan));
  for (const extra of await extraAgents(plan)) {
    if (await supervisor.stop(extra, STOP_GRACE_MS)) report(`stopped ${extra.name}`);
  }
  // In order, each ready before the next starts: servers need etcd, agents need the servers.
  for (const kind of ["etcd", "server", "agent"] as const) {
    const started: { component: Component; pid: number }[] = [];
    for (const component of wanted.filter((candidate) => candidate.kind === kind)) {
      const running = await supervisor.pidOf(component);
      if (running !== undefined) {
        report(`${component.name} already running (pid ${running})`);
        continue;
      }
      // Someone else's etcd or server would answer our readiness checks in our place.
      if (await answers(component.readyUrl)) {
        throw new Error(
          `${component.address} already answers ${component.readyUrl}, but not as this cluster's ${component.name}: stop what runs there, or choose another address (${component.kind === "etcd" ? "--etcd to use that etcd" : "--api or --machine-ip"})`,
        );
      }
      if (component.kind === "agent") await mkdir(stateDirOf(component), { recursive: true });
      const pid = await supervisor.start(component);
      report(
        `started ${component.name} at ${component.address} (log ${supervisor.logFile(component)})`,
      );
      started.push({ component, pid });
    }
    await Promise.all(
      started.map(({ component, pid }) => supervisor.waitReady(component, pid, READY_TIMEOUT_MS)),
    );
  }
  return statusOf(stateDir);
}

/** Stops every component the state directory knows: agents first, then servers, then etcd. */
export async function bringDown(
  stateDir: string,
  report: Report,
): Promise<{ machineIds: string[] }> {
  const plan = await planIn(stateDir);
  const supervisor = new Supervisor(stateDir);
  const known = await knownComponents(plan);
  for (const kind of ["agent", "server", "etcd"] as const) {
    await Promise.all(
      known
        .filter((component) => component.kind === kind)
        .map(async (component) => {
          if (await supervisor.stop(component, STOP_GRACE_MS)) report(`stopped ${component.name}`);
        }),
    );
  }
  return { machineIds: await machineIdsIn(plan.stateDir) };
}

/** Each component the plan or the state directory knows, running or not. */
export async function statusOf(stateDir: string): Promise<ComponentStatus[]> {
  const plan = await planIn(stateDir);
  const supervisor = new Supervisor(stateDir);
  return Promise.all(
    (await knownComponents(plan)).map(async (component) => {
      const pid = await supervisor.pidOf(component);
      return {
        name: component.name,
        kind: component.kind,
        running: pid !== undefined,
        ...(pid === undefined ? {} : { pid }),
        address: component.address,
        log: supervisor.logFile(component),
      };
    }),
  );
}

/** A plan that cannot work: a usage error. */
export class PlanError extends Error {}

function planFile(stateDir: string): string {
  return join(stateDir, "cluster.json");
}

function withoutStateDir(plan: LocalClusterPlan): Omit<LocalClusterPlan, "stateDir"> {
  const { stateDir: _, ...rest } = plan;
  return rest;
}

async function savedPlan(
  stateDir: string,
): Promise<Omit<LocalClusterPlan, "stateDir"> | undefined> {
  const file = planFile(stateDir);
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  let saved: Omit<LocalClusterPlan, "stateDir">;
  try {
    saved = { ...DEFAULT_PLAN, ...JSON.parse(text) };
  } catch (error) {
    throw new Error(`${file} is not JSON (${(error as Error).message}): remove it, or fix it`);
  }
  const invalid = planError({ ...saved, stateDir });
  if (invalid !== undefined || typeof saved.api?.host !== "string") {
    throw new Error(`${file} does not hold a cluster's settings (${invalid ?? "api"}): remove it`);
  }
  return saved;
}

/** The plan `up` last ran in the state directory, or the defaults. */
async function planIn(stateDir: string): Promise<LocalClusterPlan> {
  return { ...DEFAULT_PLAN, ...(await savedPlan(stateDir)), stateDir };
}

/** The plan's components, and agents started earlier with a larger --machines. */
async function knownComponents(plan: LocalClusterPlan): Promise<Component[]> {
  const secrets = await readSecrets(plan.stateDir);
  return [...components(plan, secrets), ...(await extraAgents(plan))];
}

/** Agents whose state directory exists beyond the plan's number of machines. */
async function extraAgents(plan: LocalClusterPlan): Promise<Component[]> {
  const count = (await machineIdsIn(plan.stateDir)).length;
  if (count <= plan.machines) return [];
  const secrets = await readSecrets(plan.stateDir);
  return components({ ...plan, machines: count }, secrets).filter(
    (component) =>
      component.kind === "agent" && Number(component.name.split("-")[1]) > plan.machines,
  );
}

function stateDirOf(component: Component): string {
  const at = component.command.indexOf("--state-dir");
  return component.command[at + 1] as string;
}

/** The token servers and agents share, and a machine id per agent: made once, then kept. */
async function secretsFor(
  plan: LocalClusterPlan,
): Promise<{ agentToken: string; machineIds: string[] }> {
  const tokenFile = join(plan.stateDir, "agent-token");
  let agentToken = (await readFile(tokenFile, "utf8").catch(() => "")).trim();
  if (agentToken === "") {
    agentToken = randomBytes(24).toString("hex");
    await writeFile(tokenFile, `${agentToken}\n`, { mode: 0o600 });
  }
  await chmod(tokenFile, 0o600);
  const machineIds: string[] = [];
  for (let i = 0; i < plan.machines; i++) {
    const dir = join(plan.stateDir, machineName(i));
    await mkdir(dir, { recursive: true });
    const idFile = join(dir, "machine-id");
    let id = (await readFile(idFile, "utf8").catch(() => "")).trim();
    if (id === "") {
      id = randomBytes(16).toString("hex");
      await writeFile(idFile, `${id}\n`);
    }
    machineIds.push(id);
  }
  return { agentToken, machineIds };
}

async function readSecrets(
  stateDir: string,
): Promise<{ agentToken: string; machineIds: string[] }> {
  const agentToken = (await readFile(join(stateDir, "agent-token"), "utf8").catch(() => "")).trim();
  return { agentToken, machineIds: await machineIdsIn(stateDir) };
}

/** The machine ids of coreos-1, coreos-2, ... in order, as far as they exist. */
async function machineIdsIn(stateDir: string): Promise<string[]> {
  const entries = new Set(await readdir(stateDir).catch(() => [] as string[]));
  const ids: string[] = [];
  for (let i = 0; entries.has(machineName(i)); i++) {
    const id = (
      await readFile(join(stateDir, machineName(i), "machine-id"), "utf8").catch(() => "")
    ).trim();
    if (id === "") break;
    ids.push(id);
  }
  return ids;
}

/** Removes the state directory: etcd's data, the machine ids, the logs. */
export async function purge(stateDir: string): Promise<void> {
  await rm(stateDir, { recursive: true, force: true });
}
