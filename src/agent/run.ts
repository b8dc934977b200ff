import { readFile } from "node:fs/promises";
import { availableParallelism, hostname, totalmem } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import type { Etcd3 } from "etcd3";
import type { FastifyInstance, FastifyServerOptions } from "fastify";
import { type Backoff, retry } from "../backoff.ts";
import { ConfigError } from "../config/parse.ts";
import { connectEtcd } from "../registry/etcd-client.ts";
import { EtcdRegistry, MachineIdInUseError } from "../registry/etcd-registry.ts";
import type { MachineRecord } from "../registry/records.ts";
import type { Presence } from "../registry/registry.ts";
import { UserKeys } from "../registry/user-keys.ts";
import { FLOTILLA_VERSION } from "../version.ts";
import { buildAgentApi } from "./api.ts";
import { type CommandExecutor, CommandRunner } from "./commands.ts";
import { type AgentConfig, agentConfig } from "./config.ts";
import { writeEtcdctlShim } from "./etcdctl-shim.ts";
import { MachineProbes, simulatedProbes } from "./health-probes.ts";
import { Leftovers } from "./leftovers.ts";
import { isDeadLocalAgent, ownPidNamespace } from "./predecessor.ts";
import { DockerRuntime } from "./runtime/docker-runtime.ts";
import { SimulatedRuntime } from "./runtime/simulated-runtime.ts";
import { StateReporter } from "./state-reporter.ts";
import { RegistryTimerElapses } from "./timer-elapses.ts";
import { UnitManager } from "./unit-manager.ts";

/** How often the machine record's heartbeat is rewritten; the lease itself is kept alive more often. */
const HEARTBEAT_MS = 30_000;
/**
 * How long a takeover waits for the adopted units' states to be written under the new lease
 * before it revokes the predecessor's; past it, the control plane may ask for some again.
 */
const ADOPTED_STATES_WAIT_MS = 10_000;
/** Announcing the machine again after its presence lease was lost: every second until it works. */
const REANNOUNCE_BACKOFF: Backoff = { firstMs: 1000, maxMs: 1000 };

/** `flotilla agent`: runs this machine's units until SIGTERM or SIGINT. */
export async function runAgent(argv: string[]): Promise<void> {
  const config = agentConfig(argv, process.env);
  // Signals are handled from the start: the API answers (and units start) before the agent
  // has finished starting, and a SIGTERM then must still stop what runs.
  const starting = startAgentInstance(config);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 120_000);
    force.unref();
    let agent: AgentInstance | undefined;
    try {
      agent = await starting;
      agent.app.log.info({ signal, leaveRunning: config.leaveRunning }, "shutting down");
      await agent.stop();
      process.exit(0);
    } catch (error) {
      if (agent) agent.app.log.warn({ err: error }, "shutdown failed");
      process.exit(1);
    }
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  await starting;
}

export interface AgentInstanceOptions {
  /** Runs the units' command lines instead of the runtime the configuration chooses. */
  runtime?: CommandExecutor;
  /** An etcd client shared with other agents in this process; the agent leaves it open. */
  etcd?: Etcd3;
  logger?: FastifyServerOptions["logger"];
}

/** One machine's agent, running in this process: its API, its presence and its units. */
export interface AgentInstance {
  readonly machineId: string;
  /** Where the control plane reaches its API, as announced. */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly manager: UnitManager;
  /** Stops its units (unless configured to leave them running), withdraws the machine, closes. */
  stop(): Promise<void>;
}

/**
 * Starts an agent: its HTTP API, then the machine's presence under a lease, renewed whenever
 * it is lost. `flotilla agent` runs one per process; scale benchmarks run many simulated ones
 * in one process, sharing an etcd client.
 */
export async function startAgentInstance(
  config: AgentConfig,
  options: AgentInstanceOptions = {},
): Promise<AgentInstance> {
  const etcd =
    options.etcd ?? connectEtcd({ endpoints: config.etcdEndpoints, ...config.etcdSecurity });
  const closeEtcd = () => {
    if (!options.etcd) etcd.close();
  };
  const registry = new EtcdRegistry(etcd, { prefix: config.prefix });
  const simulated = options.runtime !== undefined || config.simulate;
  const shimDir = simulated
    ? undefined
    : await writeEtcdctlShim(config.stateDir, {
        endpoints: config.etcdEndpoints,
        ...config.etcdSecurity,
      });
  const machine = {
    id: config.machineId,
    publicIP: config.publicIP,
    privateIP: config.privateIP,
    hostname: hostname(),
    bootId: (await readFile("/proc/sys/kernel/random/boot_id", "utf8").catch(() => "")).trim(),
  };
  const startedAt = new Date().toISOString();
  const pidNamespace = ownPidNamespace();
  const capacity = { cpus: availableParallelism(), memoryBytes: totalmem() };
  let port = config.port;
  const agentURL = () =>
    config.advertiseURL ??
    `${config.tls ? "https" : "http"}://${config.host === "0.0.0.0" ? machine.publicIP : config.host}:${port}`;
  const record = (): MachineRecord => ({
    id: machine.id,
    publicIP: machine.publicIP,
    privateIP: machine.privateIP,
    metadata: config.metadata,
    agentURL: agentURL(),
    version: FLOTILLA_VERSION,
    startedAt,
    heartbeatAt: new Date().toISOString(),
    presenceTtlSeconds: config.presenceTtlSeconds,
    capacity,
    agentProcess: {
      hostname: machine.hostname,
      bootId: machine.bootId,
      pid: process.pid,
      ...(pidNamespace ? { pidNamespace } : {}),
    },
  });

  let presence: Presence | undefined;
  let app: FastifyInstance | undefined;
  const log = (message: string, error?: unknown) =>
    app
      ? app.log.warn({ err: error }, message)
      : console.error(`flotilla agent: ${message}`, error ?? "");
  const processDir = join(config.stateDir, "units");
  const reporter = new StateReporter(registry, machine.id, log);
  const docker = simulated ? undefined : new Dockerode(dockerConnection(config.dockerHost));
  const runtime =
    options.runtime ??
    (docker
      ? new CommandRunner(
          new DockerRuntime(docker),
          new UserKeys(etcd),
          registry,
          machine.id,
          processDir,
        )
      : new SimulatedRuntime());
  // An announcement with our own address, or of an agent on this host that has ended, is a
  // predecessor's that was killed before its lease ran out: we take over its machine id. An
  // advertised address proves nothing: hosts behind one proxy or NAT may share it.
  const ownPredecessor = (existing: MachineRecord) =>
    (config.advertiseURL === undefined && existing.agentURL === agentURL()) ||
    isDeadLocalAgent(existing.agentProcess, { ...machine, pidNamespace });
  // Before anything of the machine's is touched: a live agent with this id owns it.
  const announced = await registry.getMachine(machine.id);
  if (announced && !ownPredecessor(announced)) {
    closeEtcd();
    throw new ConfigError(
      `${new MachineIdInUseError(machine.id).message}; give each agent its own --machine-id`,
    );
  }
  const manager = new UnitManager({
    machine,
    commands: runtime,
    baseEnv: {
      PATH: `${shimDir ? `${shimDir}:` : ""}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      LANG: "C.UTF-8",
      HOME: process.env.HOME ?? "/",
    },
    fetchText: (hash) => registry.getUnitText(hash),
    report: (unit) => reporter.report(unit),
    withdraw: (name) => reporter.withdraw(name),
    health: { probes: simulated ? simulatedProbes : new MachineProbes(docker, machine.id) },
    timerElapses: new RegistryTimerElapses(registry, machine.id),
  });

  if (docker && runtime instanceof CommandRunner)
    await adoptLeftovers(runtime, docker, machine.id, processDir, registry, manager, log);

  const api = await buildAgentApi({
    manager,
    token: config.token,
    tls: config.tls,
    logger: options.logger ?? { level: config.logLevel },
    machineId: machine.id,
  });
  app = api;
  await api.listen({ host: config.host, port: config.port });
  const address = api.server.address();
  if (address !== null && typeof address === "object") port = address.port;

  // Presence: announced once (a second agent with this id is refused), renewed whenever the lease is
  // lost, for example after etcd was unreachable for longer than the TTL; units keep running meanwhile.
  // Taking over a predecessor's, the adopted units' states are written under the new lease
  // before the old one is revoked: the control plane never sees them vanish.
  presence = await registry
    .announceMachine(record(), config.presenceTtlSeconds, ownPredecessor, async (taken) => {
      reporter.presence = taken;
      await reporter.settled(ADOPTED_STATES_WAIT_MS);
    })
    .catch(async (error: unknown) => {
      await api.close();
      closeEtcd();
      if (error instanceof MachineIdInUseError) {
        throw new ConfigError(`${error.message}; give each agent its own --machine-id`);
      }
      throw error;
    });
  reporter.presence = presence;
  api.log.info(
    { machineId: machine.id, publicIP: machine.publicIP, simulate: simulated },
    "flotilla agent present",
  );
  let stopping = false;
  const keepPresent = async (current: Presence): Promise<void> => {
    await current.lost;
    await retry(
      async () => {
        presence = await registry.announceMachine(
          record(),
          config.presenceTtlSeconds,
          ownPredecessor,
        );
        reporter.presence = presence;
        api.log.warn("presence lease was lost; announced the machine again");
        for (const unit of manager.list()) reporter.report(unit);
        void keepPresent(presence);
      },
      {
        backoff: REANNOUNCE_BACKOFF,
        stopped: () => stopping,
        onRetry: (error) => log("cannot announce the machine yet; retrying", error),
      },
    );
  };
  void keepPresent(presence);
  const heartbeat = setInterval(() => {
    if (presence)
      void registry
        .refreshMachine(presence, record())
        .catch((error: unknown) => log("heartbeat failed", error));
  }, HEARTBEAT_MS);
  // Spread over the interval, so that machines started together do not check together.
  const stateCheck = setTimeout(
    function check() {
      void reporter
        .check(manager)
        .catch((error: unknown) => log("checking unit states in etcd failed", error))
        .finally(() => {
          if (!stopping) stateCheck.refresh();
        });
    },
    config.stateCheckSeconds * 1000 * (0.5 + Math.random()),
  );

  return {
    machineId: machine.id,
    url: agentURL(),
    app: api,
    manager,
    stop: async () => {
      if (stopping) return;
      stopping = true;
      clearInterval(heartbeat);
      clearTimeout(stateCheck);
      // First, whatever the mode: a check must not restart a unit while the agent leaves.
      manager.stopHealthMonitors();
      // Left running, the units keep the machine's presence until its lease runs out: an agent
      // that starts meanwhile (an upgrade) takes it over and adopts them, and nothing moves.
      if (!config.leaveRunning) await manager.stopAll();
      reporter.presence = undefined;
      // Revoking the lease deletes the machine's states; nothing is left to report.
      if (!config.leaveRunning) await presence?.revoke();
      await api.close();
      closeEtcd();
    },
  };
}

/**
 * Takes up what an earlier agent of this machine left running: the units its last states in
 * etcd describe, with their containers (see UnitManager.adopt), then stops what no adopted
 * unit claims, then starts again the units whose main process ended while no agent watched.
 */
async function adoptLeftovers(
  runtime: CommandRunner,
  docker: Dockerode,
  machineId: string,
  processDir: string,
  registry: EtcdRegistry,
  manager: UnitManager,
  log: (message: string, error?: unknown) => void,
): Promise<void> {
  const leftovers = await Leftovers.find(machineId, docker, processDir, log);
  const previous = await registry.unitStatesOf(machineId).catch((error: unknown) => {
    log("cannot read the units an earlier agent reported; starting them anew", error);
    return [];
  });
  runtime.leftovers = leftovers;
  const adopted = await manager.adopt(previous).finally(() => {
    runtime.leftovers = undefined;
  });
  for (const name of adopted.units) leftovers.claim(name);
  const released = await leftovers.release();
  if (adopted.units.length + adopted.ended.length > 0)
    log(
      `adopted ${adopted.units.length} unit(s) an earlier agent of this machine left; starting ${adopted.ended.length} that ended meanwhile`,
    );
  if (released.processes + released.containers > 0)
    log(
      `stopped what an earlier agent of this machine left and no adopted unit claims: ${released.processes} process(es), ${released.containers} container(s)`,
    );
  manager.startEnded(adopted.ended);
}

function dockerConnection(dockerHost: string): Dockerode.DockerOptions {
  if (dockerHost.startsWith("unix://")) return { socketPath: dockerHost.slice("unix://".length) };
  const url = new URL(dockerHost.replace(/^tcp:/, "http:"));
  return {
    host: url.hostname,
    port: Number(url.port || 2375),
    protocol: url.protocol === "https:" ? "https" : "http",
  };
}
