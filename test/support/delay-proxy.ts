import { createServer, type Server, type Socket } from "node:net";
import { connectUpstream } from "./tcp-proxy.ts";

/**
 * A TCP proxy that holds every chunk for `delayMs` before passing it on, in both directions and
 * in order: a slow network between two processes, which can be set and changed while they talk.
 */
export class DelayProxy {
  /** How long each chunk waits; a change applies to chunks that arrive from then on. */
  delayMs = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly listenHost: string,
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  get url(): string {
    return `http://${this.listenHost}:${this.port}`;
  }

  /** Listens on `port`, or on a free one. */
  async start(port = 0): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connectUpstream(client, this.targetHost, this.targetPort, this.sockets);
      this.relay(client, upstream);
      this.relay(upstream, client);
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once("error", reject);
      this.server?.listen(port, this.listenHost, resolve);
    });
    const address = this.server.address();
    if (address === null || typeof address === "string") throw new Error("proxy has no port");
    this.port = address.port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** Chunks leave in the order they came, none before its own delay nor before the one ahead. */
  private relay(from: Socket, to: Socket): void {
    let queue = Promise.resolve();
    let lastDue = 0;
    from.on("data", (chunk) => {
      const due = Math.max(Date.now() + this.delayMs, lastDue);
      lastDue = due;
      queue = queue.then(async () => {
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (!to.destroyed) to.write(chunk);
      });
    });
    from.on("end", () => {
      queue = queue.then(() => {
        if (!to.destroyed) to.end();
      });
    });
  }
}
