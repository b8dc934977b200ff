import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import Dockerode from "dockerode";
import { ConfigError } from "../config/parse.ts";
import { connectEtcd } from "../registry/etcd-client.ts";
import { EtcdRegistry, MachineIdInUseError } from "../registry/etcd-registry.ts";
import type { MachineRecord } from "../registry/records.ts";
import type { Presence } from "../registry/registry.ts";
import { UserKeys } from "../registry/user-keys.ts";
import { buildAgentApi } from "./api.ts";
import { CommandRunner } from "./commands.ts";
import { agentConfig } from "./config.ts";
import { writeEtcdctlShim } from "./etcdctl-shim.ts";
import { DockerRuntime } from "./runtime/docker-runtime.ts";
import { StateReporter } from "./state-reporter.ts";
import { UnitManager } from "./unit-manager.ts";

export const AGENT_VERSION = "0.1.0";

/** How often the machine record's heartbeat is rewritten; the lease itself is kept alive more often. */
const HEARTBEAT_MS = 30_000;

/** `flotilla agent`: runs this machine's units until SIGTERM or SIGINT. */
export async function runAgent(argv: string[]): Promise<void> {
  const config = agentConfig(argv, process.env);
  const etcd = connectEtcd({ endpoints: config.etcdEndpoints });
  const registry = new EtcdRegistry(etcd, { prefix: config.prefix });
  const docker = new Dockerode(dockerConnection(config.dockerHost));
  const shimDir = await writeEtcdctlShim(config.stateDir, config.etcdEndpoints);
  const machine = {
    id: config.machineId,
    publicIP: config.publicIP,
    privateIP: config.privateIP,
    hostname: hostname(),
    bootId: (await readFile("/proc/sys/kernel/random/boot_id", "utf8").catch(() => "")).trim(),
  };
  const startedAt = new Date().toISOString();
  const record = (): MachineRecord => ({
    id: machine.id,
    publicIP: machine.publicIP,
    privateIP: machine.privateIP,
    metadata: config.metadata,
    agentURL: `http://${config.host === "0.0.0.0" ? machine.publicIP : config.host}:${config.port}`,
    version: AGENT_VERSION,
    startedAt,
    heartbeatAt: new Date().toISOString(),
  });

  let presence: Presence | undefined;
  let app: Awaited<ReturnType<typeof buildAgentApi>> | undefined;
  const log = (message: string, error?: unknown) =>
    app
      ? app.log.warn({ err: error }, message)
      : console.error(`flotilla agent: ${message}`, error ?? "");
  const reporter = new StateReporter(registry, machine.id, log);
  const manager = new UnitManager({
    machine,
    commands: new CommandRunner(
      new DockerRuntime(docker),
      new UserKeys(etcd),
      registry,
      machine.id,
    ),
    baseEnv: {
      PATH: `${shimDir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      LANG: "C.UTF-8",
      HOME: process.env.HOME ?? "/",
    },
    fetchText: (hash) => registry.getUnitText(hash),
    report: (unit) => reporter.report(unit),
    withdraw: (name) => reporter.withdraw(name),
  });

  app = await buildAgentApi({
    manager,
    token: config.token,
    logger: { level: config.logLevel },
    machineId: machine.id,
  });
  await app.listen({ host: config.host, port: config.port });

  // Presence: announced once (a second agent with this id is refused), renewed whenever the lease is
  // lost, for example after etcd was unreachable for longer than the TTL; units keep running meanwhile.
  // An announcement with our own address is a predecessor's that was killed before its lease
  // ran out: we hold that address now, so it is dead, and we take over its machine id.
  const ownPredecessor = (existing: MachineRecord) => existing.agentURL === record().agentURL;
  presence = await registry
    .announceMachine(record(), config.presenceTtlSeconds, ownPredecessor)
    .catch(async (error: unknown) => {
      await app?.close();
      etcd.close();
      if (error instanceof MachineIdInUseError) {
        throw new ConfigError(`${error.message}; give each agent its own --machine-id`);
      }
      throw error;
    });
  reporter.presence = presence;
  app.log.info({ machineId: machine.id, publicIP: machine.publicIP }, "flotilla agent present");
  let stopping = false;
  const keepPresent = async (current: Presence): Promise<void> => {
    await current.lost;
    while (!stopping) {
      try {
        presence = await registry.announceMachine(
          record(),
          config.presenceTtlSeconds,
          ownPredecessor,
        );
        reporter.presence = presence;
        app?.log.warn("presence lease was lost; announced the machine again");
        for (const unit of manager.list()) reporter.report(unit);
        void keepPresent(presence);
        return;
      } catch (error) {
        log("cannot announce the machine yet; retrying", error);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  };
  void keepPresent(presence);
  const heartbeat = setInterval(() => {
    if (presence)
      void registry
        .refreshMachine(presence, record())
        .catch((error: unknown) => log("heartbeat failed", error));
  }, HEARTBEAT_MS);

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(heartbeat);
    app?.log.info({ signal, leaveRunning: config.leaveRunning }, "shutting down");
    const force = setTimeout(() => process.exit(1), 120_000);
    force.unref();
    try {
      if (!config.leaveRunning) await manager.stopAll();
      await presence?.revoke();
      await app?.close();
      etcd.close();
      process.exit(0);
    } catch (error) {
      log("shutdown failed", error);
      process.exit(1);
    }
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
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
