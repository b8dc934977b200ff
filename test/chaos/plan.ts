// The whole campaign drawn from its seed before anything runs: the workload's operations and
// the faults, each at its time. The same seed and length give the same plan; only what the
// cluster answers differs from one run to the next.
import { FILES, GROUPS } from "./catalog.ts";
import { Prng } from "./prng.ts";

export type DesiredState = "launched" | "loaded" | "inactive";

export type Operation =
  | { kind: "set-state"; group: number; desiredState: DesiredState }
  | { kind: "destroy"; group: number }
  | { kind: "submit"; file: string; version: number }
  | { kind: "rollout"; template: string; version: number; canaries: number; maxParallel: number };

export type Fault =
  | { kind: "kill-server" | "kill-agent"; target: number; downMs: number }
  | { kind: "pause-server" | "pause-agent"; target: number; downMs: number }
  | { kind: "etcd-outage"; downMs: number }
  | { kind: "etcd-leader"; method: "restart" | "move"; downMs: number }
  | { kind: "docker-restart"; signal: "SIGKILL" | "SIGTERM"; downMs: number }
  | { kind: "container-kill"; pick: number; downMs: 0 }
  | { kind: "agent-delay"; target: number; delayMs: number; downMs: number };

export type FaultKind = Fault["kind"];

/** `server` picks among the servers live when it runs, as a fraction of their number. */
export type Timed<T> = T & { at: number; server: number };

export interface Plan {
  seed: number;
  durationMs: number;
  /** Every unit file, then some groups launched: before the first fault. */
  setup: Timed<Operation>[];
  operations: Timed<Operation>[];
  faults: (Fault & { at: number })[];
}

export interface Topology {
  servers: number;
  agents: number;
  /** The agents' presence TTL: pauses are drawn shorter and longer than it. */
  presenceTtlMs: number;
}

/** No fault before the cluster has run the setup for a while. */
const WARM_UP_MS = 10_000;
/** Every fault is over this long before the end, so that the end only waits for convergence. */
const COOL_DOWN_MS = 5_000;

const OPERATION_WEIGHTS = {
  launch: 40,
  load: 10,
  inactive: 8,
  destroy: 12,
  submit: 10,
  rollout: 6,
};
const FAULT_WEIGHTS: Record<FaultKind, number> = {
  "kill-server": 10,
  "kill-agent": 12,
  "pause-server": 8,
  "pause-agent": 12,
  "etcd-outage": 6,
  "etcd-leader": 8,
  "docker-restart": 6,
  "container-kill": 10,
  "agent-delay": 8,
};

export function drawPlan(seed: number, minutes: number, topology: Topology): Plan {
  const root = new Prng(seed);
  // One generator each: a change to how faults are drawn leaves the workload's draws alone.
  const setupDraws = root.fork();
  const operationDraws = root.fork();
  const faultDraws = root.fork();
  const durationMs = Math.round(minutes * 60_000);
  return {
    seed,
    durationMs,
    setup: drawSetup(setupDraws),
    operations: drawOperations(operationDraws, durationMs),
    faults: drawFaults(faultDraws, durationMs, topology),
  };
}

function drawSetup(prng: Prng): Timed<Operation>[] {
  const setup: Timed<Operation>[] = FILES.map((file) => ({
    kind: "submit",
    file: file.name,
    version: 0,
    at: 0,
    server: prng.next(),
  }));
  GROUPS.forEach((_, group) => {
    if (prng.chance(0.6))
      setup.push({
        kind: "set-state",
        group,
        desiredState: "launched",
        at: 0,
        server: prng.next(),
      });
  });
  return setup;
}

function drawOperations(prng: Prng, durationMs: number): Timed<Operation>[] {
  const operations: Timed<Operation>[] = [];
  const templates = FILES.filter((file) => file.rolledOut).map((file) => file.name);
  for (let at = prng.int(500, 2000); at < durationMs - COOL_DOWN_MS; at += prng.int(300, 2500)) {
    const server = prng.next();
    const kind = prng.weighted(OPERATION_WEIGHTS);
    const group = prng.int(0, GROUPS.length - 1);
    if (kind === "launch" || kind === "load" || kind === "inactive") {
      const desiredState = kind === "launch" ? "launched" : kind === "load" ? "loaded" : "inactive";
      operations.push({ kind: "set-state", group, desiredState, at, server });
    } else if (kind === "destroy") {
      operations.push({ kind: "destroy", group, at, server });
    } else if (kind === "submit") {
      const file = prng.pick(FILES).name;
      operations.push({ kind: "submit", file, version: prng.int(0, 1), at, server });
    } else {
      operations.push({
        kind: "rollout",
        template: prng.pick(templates),
        version: prng.int(0, 1),
        canaries: prng.int(0, 1),
        maxParallel: prng.int(1, 2),
        at,
        server,
      });
    }
  }
  return operations;
}

function drawFaults(
  prng: Prng,
  durationMs: number,
  topology: Topology,
): (Fault & { at: number })[] {
  const faults: (Fault & { at: number })[] = [];
  const last = durationMs - COOL_DOWN_MS;
  // A whole etcd outage is capped at a quarter of a short campaign.
  const outageCapMs = Math.min(60_000, Math.max(5_000, durationMs / 4));
  const ttl = topology.presenceTtlMs;
  for (let at = WARM_UP_MS + prng.int(0, 5000); at < last; ) {
    const fault = drawFault(prng, topology, ttl, outageCapMs);
    // Cut short, a fault would not be the one drawn (an outage under 5 s, a pause under the TTL).
    if (fault.downMs > last - at) break;
    faults.push({ ...fault, at });
    at += fault.downMs + prng.int(2000, 10_000);
  }
  return faults;
}

function drawFault(prng: Prng, topology: Topology, ttl: number, outageCapMs: number): Fault {
  const kind = prng.weighted(FAULT_WEIGHTS);
  switch (kind) {
    case "kill-server":
      return { kind, target: prng.int(0, topology.servers - 1), downMs: prng.int(1000, 15_000) };
    case "kill-agent":
      // Back before its presence expires (it adopts its units) or long after (they moved).
      return { kind, target: prng.int(0, topology.agents - 1), downMs: prng.int(500, 4 * ttl) };
    case "pause-server":
      return { kind, target: prng.int(0, topology.servers - 1), downMs: prng.int(1000, 20_000) };
    case "pause-agent": {
      const short = prng.chance(0.5);
      const downMs = short
        ? prng.int(500, Math.max(600, ttl - 1500))
        : prng.int(ttl + 2000, 3 * ttl + 5000);
      return { kind, target: prng.int(0, topology.agents - 1), downMs };
    }
    case "etcd-outage":
      return { kind, downMs: prng.int(5000, outageCapMs) };
    case "etcd-leader":
      return { kind, method: prng.chance(0.5) ? "restart" : "move", downMs: prng.int(1000, 8000) };
    case "docker-restart":
      return {
        kind,
        signal: prng.chance(0.5) ? "SIGKILL" : "SIGTERM",
        downMs: prng.int(1000, 10_000),
      };
    case "container-kill":
      return { kind, pick: prng.next(), downMs: 0 };
    case "agent-delay":
      return {
        kind,
        target: prng.int(0, topology.agents - 1),
        delayMs: prng.int(50, 1500),
        downMs: prng.int(5000, 30_000),
      };
  }
}
