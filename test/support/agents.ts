import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { type Dispatcher, request } from "undici";
import { AgentClient } from "../../src/agent-client/client.ts";
import { unitHash } from "../../src/unit/hash.ts";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { serializeUnitFile } from "../../src/unit/serialize.ts";
import { http } from "./http.ts";
import { type Daemon, killUnitProcessesOf, startDaemon } from "./process.ts";

export interface TestAgent {
  machineId: string;
  ip: string;
  url: string;
  client: AgentClient;
  daemon: Daemon;
  stateDir: string;
}

export const AGENT_TOKEN = "test-agent-token";

/**
 * Real `flotilla agent` processes, one per simulated machine on its own loopback address
 * (127.0.0.11, .12, ...), sharing the local Docker engine and the test etcd.
 */
export async function startAgent(options: {
  ip: string;
  etcd: string;
  prefix: string;
  port?: number;
  presenceTtl?: number;
  metadata?: string[];
  extraArgs?: string[];
  machineId?: string;
  env?: NodeJS.ProcessEnv;
  /** For an agent that serves HTTPS (its --tls-* flags in extraArgs): a client it accepts. */
  https?: Dispatcher;
  /** An earlier agent's, for one that comes back; a new directory without. */
  stateDir?: string;
  /** Another release's bin/flotilla.js (see release.ts); this checkout's without. */
  bin?: string;
}): Promise<TestAgent> {
  const machineId = options.machineId ?? randomBytes(16).toString("hex");
  const port = options.port ?? 7601;
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), "flotilla-agent-")));
  const url = `${options.https ? "https" : "http"}://${options.ip}:${port}`;
  const args = [
    "agent",
    "--machine-id",
    machineId,
    "--listen",
    `${options.ip}:${port}`,
    "--public-ip",
    options.ip,
    "--etcd",
    options.etcd,
    "--prefix",
    options.prefix,
    "--token",
    AGENT_TOKEN,
    "--presence-ttl",
    String(options.presenceTtl ?? 5),
    "--state-dir",
    stateDir,
    ...(options.metadata ?? []).flatMap((entry) => ["--metadata", entry]),
    ...(options.extraArgs ?? []),
  ];
  const daemon = await startDaemon(
    args,
    { FLOTILLA_LOG_LEVEL: "warn", ...options.env },
    async () => {
      if (!options.https) return (await http("GET", `${url}/healthz`)).status === 200;
      const response = await request(`${url}/healthz`, { dispatcher: options.https });
      await response.body.dump();
      return response.statusCode === 200;
    },
    options.bin,
  );
  return {
    machineId,
    ip: options.ip,
    url,
    client: new AgentClient({ url, token: AGENT_TOKEN, dispatcher: options.https }),
    daemon,
    stateDir,
  };
}

export async function stopAgent(
  agent: TestAgent,
  signal: NodeJS.Signals = "SIGTERM",
): Promise<void> {
  await agent.daemon.stop(signal);
  // For good: what a killed (or --leave-running) agent left goes with its state directory.
  await killUnitProcessesOf(agent.machineId);
  await rm(agent.stateDir, { recursive: true, force: true });
}

export const docker = new Dockerode({ socketPath: "/var/run/docker.sock" });

/** Removes every container that a test machine's units created. */
export async function removeContainersOf(machineId: string): Promise<void> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`flotilla.machine=${machineId}`] },
  });
  await Promise.all(
    containers.map((info) =>
      docker
        .getContainer(info.Id)
        .remove({ force: true })
        .catch(() => {}),
    ),
  );
}

/** A unit file's canonical text and hash, as the control plane sends them to an agent. */
export function unitContent(text: string): { text: string; hash: string } {
  const parsed = parseUnitFile(text);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return { text: serializeUnitFile(parsed.file), hash: unitHash(parsed.file) };
}
