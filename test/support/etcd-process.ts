import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Etcd3 } from "etcd3";
import { waitUntil } from "./wait.ts";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** An etcd of a test's own, which the test may stop and start again on the same data. */
export class EtcdProcess {
  private child: ChildProcess | undefined;
  private dataDir = "";
  private clientPort = 0;
  private peerPort = 0;

  get endpoint(): string {
    return `http://127.0.0.1:${this.clientPort}`;
  }

  async start(): Promise<void> {
    if (!this.dataDir) {
      this.dataDir = await mkdtemp(join(tmpdir(), "flotilla-etcd-"));
      this.clientPort = await freePort();
      this.peerPort = await freePort();
    }
    const peer = `http://127.0.0.1:${this.peerPort}`;
    this.child = spawn(
      "etcd",
      [
        "--name=own",
        `--data-dir=${join(this.dataDir, "data")}`,
        `--listen-client-urls=${this.endpoint}`,
        `--advertise-client-urls=${this.endpoint}`,
        `--listen-peer-urls=${peer}`,
        `--initial-advertise-peer-urls=${peer}`,
        `--initial-cluster=own=${peer}`,
        "--log-level=error",
      ],
      { stdio: "ignore" },
    );
    const probe = new Etcd3({ hosts: this.endpoint, dialTimeout: 1000 });
    try {
      await waitUntil(
        "etcd answering",
        () =>
          probe.get("probe").then(
            () => true,
            () => false,
          ),
        20_000,
      );
    } finally {
      probe.close();
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.on("exit", () => resolve());
      child.kill("SIGTERM");
    });
  }

  async destroy(): Promise<void> {
    await this.stop();
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}
