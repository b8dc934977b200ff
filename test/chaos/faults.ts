// Injects the plan's faults one at a time, each healed before the next begins: the process,
// etcd or engine is put back as it was (same flags, same data, same machine id).
import { UNIT_LABEL } from "../../src/agent/runtime/types.ts";
import { type Clock, sleep } from "./clock.ts";
import type { ChaosCluster } from "./cluster.ts";
import { findLeader, moveLeader, waitForLeader } from "./etcd-leader.ts";
import type { History } from "./history.ts";
import type { ManagedDaemon } from "./managed-daemon.ts";
import type { Fault } from "./plan.ts";

/** What learns of etcd's trouble: the invariant checker. */
export interface EtcdWatcher {
  etcdTrouble(at: number): void;
  etcdBack(at: number): void;
}

/** A restart that fails (a timeout under load) is tried again this many times. */
const START_ATTEMPTS = 3;

export class FaultInjector {
  readonly counts: Record<string, number> = {};

  constructor(
    private readonly cluster: ChaosCluster,
    private readonly clock: Clock,
    private readonly history: History,
    private readonly watcher: EtcdWatcher,
  ) {}

  async inject(fault: Fault): Promise<void> {
    this.counts[fault.kind] = (this.counts[fault.kind] ?? 0) + 1;
    switch (fault.kind) {
      case "kill-server":
      case "kill-agent": {
        const target = this.daemonOf(fault.kind, fault.target);
        this.note(`${fault.kind}: SIGKILL ${target.name}, back in ${seconds(fault.downMs)}`);
        await target.kill();
        await sleep(fault.downMs);
        await this.startAgain(target);
        return;
      }
      case "pause-server":
      case "pause-agent": {
        const target = this.daemonOf(fault.kind, fault.target);
        this.note(`${fault.kind}: SIGSTOP ${target.name} for ${seconds(fault.downMs)}`);
        target.pause();
        await sleep(fault.downMs);
        target.resume();
        this.note(`${fault.kind}: SIGCONT ${target.name}`);
        return;
      }
      case "etcd-outage":
        return this.etcdOutage(fault.downMs);
      case "etcd-leader":
        return this.etcdLeaderChange(fault.method, fault.downMs);
      case "docker-restart":
        return this.dockerRestart(fault.signal, fault.downMs);
      case "container-kill":
        return this.containerKill(fault.pick);
      case "agent-delay": {
        const agent = this.cluster.agents[fault.target];
        if (!agent) return;
        this.note(
          `agent-delay: ${fault.delayMs} ms per chunk to ${agent.daemon.name} for ${seconds(fault.downMs)}`,
        );
        agent.proxy.delayMs = fault.delayMs;
        await sleep(fault.downMs);
        agent.proxy.delayMs = 0;
        this.note(`agent-delay: ${agent.daemon.name} reached without delay again`);
        return;
      }
    }
  }

  /** Puts back whatever a fault cut short left (an interrupted campaign): every process up and unpaused. */
  async healAll(): Promise<void> {
    for (const agent of this.cluster.agents) agent.proxy.delayMs = 0;
    for (const { daemon } of [...this.cluster.servers, ...this.cluster.agents])
      if (daemon.state !== "up") await this.startAgain(daemon);
  }

  private daemonOf(kind: string, target: number): ManagedDaemon {
    const group = kind.endsWith("server") ? this.cluster.servers : this.cluster.agents;
    const found = group[target % group.length];
    if (!found) throw new Error(`no ${kind} target ${target}`);
    return found.daemon;
  }

  private async startAgain(daemon: ManagedDaemon): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await daemon.heal();
        this.note(`${daemon.name} is up again`);
        return;
      } catch (error) {
        this.note(
          `${daemon.name} did not start again (attempt ${attempt}): ${(error as Error).message.split("\n")[0]}`,
        );
        if (attempt >= START_ATTEMPTS) throw error;
      }
    }
  }

  private async etcdOutage(downMs: number): Promise<void> {
    this.note(`etcd-outage: every etcd member stopped for ${seconds(downMs)}`);
    this.watcher.etcdTrouble(this.clock.now());
    await this.cluster.etcd.stop();
    await sleep(downMs);
    await this.cluster.etcd.start();
    await this.etcdLeads();
  }

  private async etcdLeaderChange(method: "restart" | "move", downMs: number): Promise<void> {
    const endpoints = this.cluster.etcd.endpoints;
    const found = await findLeader(endpoints);
    const names = this.cluster.etcd.memberNames;
    if (!found) {
      this.note("etcd-leader: no member leads; nothing to change");
      return;
    }
    const leaderName = names[found.leader] as string;
    this.watcher.etcdTrouble(this.clock.now());
    if (method === "restart") {
      this.note(`etcd-leader: leader ${leaderName} stopped for ${seconds(downMs)}`);
      await this.cluster.etcd.stopMember(leaderName);
      await sleep(downMs);
      await this.cluster.etcd.startMember(leaderName);
    } else {
      const target = found.memberIds.findIndex((id, i) => id !== undefined && i !== found.leader);
      this.note(`etcd-leader: leadership moved from ${leaderName} to ${names[target]}`);
      await moveLeader(endpoints[found.leader] as string, found.memberIds[target] as string).catch(
        (error: Error) => this.note(`etcd-leader: move-leader failed: ${error.message}`),
      );
      await sleep(downMs);
    }
    await this.etcdLeads();
  }

  private async etcdLeads(): Promise<void> {
    if (!(await waitForLeader(this.cluster.etcd.endpoints)))
      this.note("etcd has no leader a minute after it was started again");
    this.watcher.etcdBack(this.clock.now());
    this.note("etcd answers with a leader again");
  }

  private async dockerRestart(signal: "SIGKILL" | "SIGTERM", downMs: number): Promise<void> {
    const engine = this.cluster.dockerEngine;
    this.note(`docker-restart: ${signal} to the engine, started again after ${seconds(downMs)}`);
    await engine.kill(signal);
    await sleep(downMs);
    for (let attempt = 1; ; attempt++) {
      try {
        await engine.start();
        break;
      } catch (error) {
        this.note(
          `the engine did not start again (attempt ${attempt}): ${(error as Error).message.split("\n")[0]}`,
        );
        if (attempt >= START_ATTEMPTS) throw error;
      }
    }
    this.note("docker-restart: the engine answers again");
  }

  private async containerKill(pick: number): Promise<void> {
    const client = this.cluster.dockerEngine.client;
    const running = await client
      .listContainers({ filters: { label: [UNIT_LABEL] } })
      .catch(() => []);
    running.sort((a, b) => (a.Names[0] ?? "").localeCompare(b.Names[0] ?? ""));
    const victim = running[Math.floor(pick * running.length)];
    if (!victim) {
      this.note("container-kill: no unit's container runs");
      return;
    }
    this.note(`container-kill: docker kill ${victim.Names[0]} (${victim.Labels[UNIT_LABEL]})`);
    await client
      .getContainer(victim.Id)
      .kill()
      .catch((error: Error) => this.note(`container-kill failed: ${error.message}`));
  }

  private note(text: string): void {
    this.history.add(this.clock.now(), "fault", text);
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
