// The units the campaign's workload writes: processes, Docker containers, sidekicks that
// announce them the fleet way, and units that conflict. Each content file has two versions,
// for replacements and rollouts.
import { templateOf } from "./write-model.ts";

export const ANNOUNCE_PREFIX = "/chaos/services/";
export const ANNOUNCE_TTL_SECONDS = 10;
export const CONTAINER_IMAGE = "flotilla/busybox";

export interface CatalogFile {
  name: string;
  /** Two versions; the workload starts with the first. */
  versions: [string, string];
  /** A template whose instances the workload rolls out. */
  rolledOut: boolean;
}

/** What one workload operation acts on: a unit, or a service with its sidekick. */
export interface UnitGroup {
  service: string;
  sidekick?: string;
}

/** Restarted however it ends, for ever: a unit must come back after any fault. */
const RESTART = ["StartLimitIntervalSec=0", "[Service]", "Restart=always", "RestartSec=1"];

function sleeper(seconds: number, conflicts?: string): string {
  return [
    "[Unit]",
    "Description=chaos process %n",
    ...RESTART,
    `ExecStart=/bin/sleep ${seconds}`,
    ...(conflicts ? ["[X-Fleet]", `Conflicts=${conflicts}`] : []),
    "",
  ].join("\n");
}

/** Named after its machine too: all the machines share one engine, and names are the engine's. */
function boat(seconds: number): string {
  const container = "chaos-boat-%i-%m";
  return [
    "[Unit]",
    "Description=chaos container %n",
    ...RESTART,
    `ExecStartPre=-/usr/bin/docker rm -f ${container}`,
    `ExecStart=/usr/bin/docker run --rm --name ${container} ${CONTAINER_IMAGE} sleep ${seconds}`,
    `ExecStop=/usr/bin/docker stop -t 2 ${container}`,
    "[X-Fleet]",
    "Conflicts=boat@*.service",
    "",
  ].join("\n");
}

function beacon(service: string): string {
  const key = `${ANNOUNCE_PREFIX}${service}%i`;
  return [
    "[Unit]",
    `Description=announces ${service}@%i`,
    `BindsTo=${service}@%i.service`,
    `After=${service}@%i.service`,
    "[Service]",
    `ExecStart=/bin/sh -c "while true; do etcdctl set ${key} up --ttl ${ANNOUNCE_TTL_SECONDS}; sleep 5; done"`,
    "[X-Fleet]",
    `MachineOf=${service}@%i.service`,
    "",
  ].join("\n");
}

export const FILES: readonly CatalogFile[] = [
  { name: "sleeper@.service", versions: [sleeper(100000), sleeper(100001)], rolledOut: true },
  { name: "boat@.service", versions: [boat(100000), boat(100001)], rolledOut: true },
  {
    name: "sleeper-beacon@.service",
    versions: [beacon("sleeper"), beacon("sleeper")],
    rolledOut: false,
  },
  { name: "boat-beacon@.service", versions: [beacon("boat"), beacon("boat")], rolledOut: false },
  {
    name: "lone-a.service",
    versions: [sleeper(100000, "lone-b.service"), sleeper(100001, "lone-b.service")],
    rolledOut: false,
  },
  {
    name: "lone-b.service",
    versions: [sleeper(100000, "lone-a.service"), sleeper(100001, "lone-a.service")],
    rolledOut: false,
  },
  { name: "solo.service", versions: [sleeper(100000), sleeper(100001)], rolledOut: false },
];

/**
 * Instances are numbered in tens: a rollout's canary takes the highest number plus one, which
 * is then never a name the workload writes. At most three boats, which conflict, so that the
 * four machines can always hold them with a canary.
 */
const SLEEPERS = ["10", "20", "30", "40", "50"];
const BOATS = ["10", "20", "30"];

export const GROUPS: readonly UnitGroup[] = [
  ...SLEEPERS.map((i) => ({
    service: `sleeper@${i}.service`,
    ...(i === "10" || i === "20" ? { sidekick: `sleeper-beacon@${i}.service` } : {}),
  })),
  ...BOATS.map((i) => ({ service: `boat@${i}.service`, sidekick: `boat-beacon@${i}.service` })),
  { service: "lone-a.service" },
  { service: "lone-b.service" },
  { service: "solo.service" },
];

const SIDEKICK_TEMPLATES = new Map([
  ["sleeper-beacon@.service", "sleeper"],
  ["boat-beacon@.service", "boat"],
]);

export function isSidekick(unit: string): boolean {
  return SIDEKICK_TEMPLATES.has(templateOf(unit) ?? "");
}

/** The key a sidekick announces. */
export function announcedKey(sidekick: string): string | undefined {
  const service = SIDEKICK_TEMPLATES.get(templateOf(sidekick) ?? "");
  const instance = /@([^@]+)\.service$/.exec(sidekick)?.[1];
  return service && instance ? `${ANNOUNCE_PREFIX}${service}${instance}` : undefined;
}

/** The sidekick that announces a key and the service it is bound to. */
export function announcerOf(key: string): { sidekick: string; service: string } | undefined {
  const match = new RegExp(`^${ANNOUNCE_PREFIX}(sleeper|boat)(\\d+)$`).exec(key);
  if (!match) return undefined;
  const [, service, instance] = match;
  return {
    sidekick: `${service}-beacon@${instance}.service`,
    service: `${service}@${instance}.service`,
  };
}

/** Whether two units' [X-Fleet] Conflicts= keep them off one machine (either way round). */
export function conflicting(a: string, b: string): boolean {
  if (a === b) return false;
  const boats = [a, b].every((name) => templateOf(name) === "boat@.service");
  const lones =
    new Set([a, b]).size === 2 && [a, b].every((name) => /^lone-[ab]\.service$/.test(name));
  return boats || lones;
}

/** A unit a rollout may add beside the workload's own: an instance numbered outside its tens. */
export function mayBeCanary(unit: string): boolean {
  const template = templateOf(unit);
  const instance = /@([^@]+)\.service$/.exec(unit)?.[1] ?? "";
  const own = template?.startsWith("boat") ? BOATS : SLEEPERS;
  return (
    template !== undefined &&
    FILES.some((file) => file.name === template) &&
    !own.includes(instance)
  );
}
