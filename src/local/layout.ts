import { join } from "node:path";

/**
 * A local cluster like the tutorial's, on one machine: an etcd (unless one is given), control
 * plane servers, and agents on loopback addresses (coreos-1 on 127.0.0.11, coreos-2 on .12,
 * ...) sharing the local Docker engine. What runs where, with which flags: no I/O here.
 */
export interface LocalClusterPlan {
  stateDir: string;
  machines: number;
  servers: number;
  /** The first server's listen address; the next ones are 10 ports up each. */
  api: HostPort;
  /** coreos-1's address; coreos-N's is N - 1 further on in the last octet. */
  firstMachineIp: string;
  /** An etcd to use instead of starting one. */
  etcd?: string;
}

export interface HostPort {
  host: string;
  port: number;
}

export type ComponentKind = "etcd" | "server" | "agent";

export interface Component {
  /** etcd, server-1, coreos-1: the name of its pid file and log in the state directory. */
  name: string;
  kind: ComponentKind;
  /** What it is reached at, for people. */
  address: string;
  /** Answers 2xx once the component is ready. */
  readyUrl: string;
  /** The program and its arguments; `flotilla` stands for this package's own binary. */
  command: readonly string[];
  /** Secrets go in the environment, not on a command line every user can read. */
  env: Readonly<Record<string, string>>;
  /** An argument only this component's process has, to tell it from a reused pid. */
  mark: string;
}

export const DEFAULT_PLAN: Omit<LocalClusterPlan, "stateDir"> = {
  machines: 3,
  servers: 2,
  api: { host: "127.0.0.1", port: 7600 },
  firstMachineIp: "127.0.0.11",
};

export const ETCD_CLIENT_URL = "http://127.0.0.1:2379";
const ETCD_PEER_URL = "http://127.0.0.1:2380";
export const AGENT_PORT = 7601;
export const MAX_MACHINES = 100;
export const MAX_SERVERS = 5;

export function machineName(index: number): string {
  return `coreos-${index + 1}`;
}

/** The address of the machine at `index` (0 for coreos-1). */
export function machineIp(first: string, index: number): string {
  const octets = first.split(".").map(Number);
  const last = (octets[3] ?? Number.NaN) + index;
  return `${octets.slice(0, 3).join(".")}.${last}`;
}

/** Why the plan cannot work, or undefined. */
export function planError(plan: LocalClusterPlan): string | undefined {
  if (!Number.isInteger(plan.machines) || plan.machines < 1 || plan.machines > MAX_MACHINES) {
    return `--machines ${plan.machines}: expected a whole number from 1 to ${MAX_MACHINES}`;
  }
  if (!Number.isInteger(plan.servers) || plan.servers < 1 || plan.servers > MAX_SERVERS) {
    return `--servers ${plan.servers}: expected a whole number from 1 to ${MAX_SERVERS}`;
  }
  const octets = plan.firstMachineIp.split(".");
  const valid =
    octets.length === 4 &&
    octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255) &&
    octets[0] === "127";
  if (!valid) {
    return `--machine-ip ${plan.firstMachineIp}: expected a loopback IPv4 address such as 127.0.0.11`;
  }
  if (Number(octets[3]) === 0 || Number(octets[3]) + plan.machines - 1 > 254) {
    return `--machine-ip ${plan.firstMachineIp}: ${plan.machines} machines do not fit after it in the last octet`;
  }
  if (plan.api.port + 10 * (plan.servers - 1) > 65535) {
    return `--api ${plan.api.host}:${plan.api.port}: no room for ${plan.servers} servers 10 ports apart`;
  }
  return undefined;
}

export function etcdUrl(plan: LocalClusterPlan): string {
  return plan.etcd ?? ETCD_CLIENT_URL;
}

export function serverAddress(plan: LocalClusterPlan, index: number): string {
  return `${plan.api.host}:${plan.api.port + 10 * index}`;
}

/**
 * Every component of the plan, in start order: etcd, the servers, the agents. Agents need
 * their machine ids and the token servers and agents share (kept in the state directory).
 */
export function components(
  plan: LocalClusterPlan,
  secrets: { agentToken: string; machineIds: readonly string[] },
): Component[] {
  const etcd = etcdUrl(plan);
  const list: Component[] = [];
  if (plan.etcd === undefined) {
    const dataDir = join(plan.stateDir, "etcd");
    list.push({
      name: "etcd",
      kind: "etcd",
      address: ETCD_CLIENT_URL,
      readyUrl: `${ETCD_CLIENT_URL}/health`,
      command: [
        "etcd",
        "--name",
        "flotilla",
        "--data-dir",
        dataDir,
        "--listen-client-urls",
        ETCD_CLIENT_URL,
        "--advertise-client-urls",
        ETCD_CLIENT_URL,
        "--listen-peer-urls",
        ETCD_PEER_URL,
        "--initial-advertise-peer-urls",
        ETCD_PEER_URL,
        "--initial-cluster",
        `flotilla=${ETCD_PEER_URL}`,
      ],
      env: {},
      mark: dataDir,
    });
  }
  for (let i = 0; i < plan.servers; i++) {
    const listen = serverAddress(plan, i);
    list.push({
      name: `server-${i + 1}`,
      kind: "server",
      address: `http://${listen}/`,
      readyUrl: `http://${listen}/readyz`,
      command: ["flotilla", "server", "--listen", listen, "--etcd", etcd],
      env: { FLOTILLA_AGENT_TOKEN: secrets.agentToken },
      mark: listen,
    });
  }
  for (let i = 0; i < plan.machines; i++) {
    const name = machineName(i);
    const ip = machineIp(plan.firstMachineIp, i);
    const stateDir = join(plan.stateDir, name);
    list.push({
      name,
      kind: "agent",
      address: ip,
      readyUrl: `http://${ip}:${AGENT_PORT}/healthz`,
      command: [
        "flotilla",
        "agent",
        "--machine-id",
        secrets.machineIds[i] ?? "",
        "--listen",
        `${ip}:${AGENT_PORT}`,
        "--public-ip",
        ip,
        "--metadata",
        `name=${name}`,
        "--etcd",
        etcd,
        "--state-dir",
        stateDir,
      ],
      env: { FLOTILLA_TOKEN: secrets.agentToken },
      mark: stateDir,
    });
  }
  return list;
}
