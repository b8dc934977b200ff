import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./process.ts";
import { waitUntil } from "./wait.ts";

export interface EtcdTls {
  certFile: string;
  keyFile: string;
  caFile: string;
}

interface Member {
  name: string;
  clientPort: number;
  peerPort: number;
}

/**
 * etcd members of a test's own, on free loopback ports: one, or a cluster of several. A
 * member may be stopped and started again on its data, to test losing it.
 */
export class EtcdProcess {
  private readonly children = new Map<string, ChildProcess>();
  private members: Member[] = [];
  private dataDir = "";

  /** With TLS, clients must present a certificate signed by the CA (etcd's --client-cert-auth). */
  constructor(
    private readonly tls?: EtcdTls,
    private readonly size = 1,
  ) {}

  /** The first member's client URL. */
  get endpoint(): string {
    return this.endpoints[0] as string;
  }

  /** The running members' process ids. */
  get pids(): number[] {
    return [...this.children.values()].flatMap((child) => (child.pid ? [child.pid] : []));
  }

  get endpoints(): string[] {
    return this.members.map((member) => this.clientUrl(member));
  }

  async start(): Promise<void> {
    if (!this.dataDir) {
      this.dataDir = await mkdtemp(join(tmpdir(), "flotilla-etcd-"));
      for (let i = 0; i < this.size; i++) {
        this.members.push({
          name: `member${i}`,
          clientPort: await freePort(),
          peerPort: await freePort(),
        });
      }
    }
    await Promise.all(this.members.map((member) => this.startMember(member.name)));
  }

  /** Starts one member again on its data. */
  async startMember(name: string): Promise<void> {
    const member = this.members.find((candidate) => candidate.name === name);
    if (!member) throw new Error(`no etcd member ${name}`);
    const cluster = this.members.map((other) => `${other.name}=${this.peerUrl(other)}`).join(",");
    const child = spawn(
      "etcd",
      [
        `--name=${member.name}`,
        `--data-dir=${join(this.dataDir, member.name)}`,
        `--listen-client-urls=${this.clientUrl(member)}`,
        `--advertise-client-urls=${this.clientUrl(member)}`,
        `--listen-peer-urls=${this.peerUrl(member)}`,
        `--initial-advertise-peer-urls=${this.peerUrl(member)}`,
        `--initial-cluster=${cluster}`,
        "--log-level=error",
        ...(this.tls
          ? [
              `--cert-file=${this.tls.certFile}`,
              `--key-file=${this.tls.keyFile}`,
              `--trusted-ca-file=${this.tls.caFile}`,
              "--client-cert-auth",
            ]
          : []),
      ],
      { stdio: "ignore" },
    );
    this.children.set(member.name, child);
    await waitUntil(`etcd ${member.name} listening`, () => listening(member.clientPort), 20_000);
  }

  /** Stops one member (SIGTERM), leaving its data. */
  async stopMember(name: string): Promise<void> {
    const child = this.children.get(name);
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.on("exit", () => resolve());
      child.kill("SIGTERM");
    });
  }

  get memberNames(): string[] {
    return this.members.map((member) => member.name);
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((member) => this.stopMember(member.name)));
  }

  async destroy(): Promise<void> {
    await this.stop();
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
  }

  private clientUrl(member: Member): string {
    return `${this.tls ? "https" : "http"}://127.0.0.1:${member.clientPort}`;
  }

  private peerUrl(member: Member): string {
    return `http://127.0.0.1:${member.peerPort}`;
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}
