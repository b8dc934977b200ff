import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A real TCP proxy on loopback, for cutting the network between a process and etcd
 * without stopping etcd: `cut()` drops every connection and refuses new ones until `restore()`.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private open = true;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static forUrl(url: string): TcpProxy {
    const parsed = new URL(url);
    return new TcpProxy(parsed.hostname, Number(parsed.port));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (!this.open) {
        client.destroy();
        return;
      }
      const upstream = connectUpstream(client, this.targetHost, this.targetPort, this.sockets);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const address = this.server.address();
    if (address === null || typeof address === "string") throw new Error("proxy has no port");
    this.port = address.port;
  }

  cut(): void {
    this.open = false;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.open = true;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/**
 * Opens the connection a proxy's client is relayed to, both sockets kept in `sockets` while
 * open and either's error closing both.
 */
export function connectUpstream(
  client: Socket,
  host: string,
  port: number,
  sockets: Set<Socket>,
): Socket {
  const upstream = connect(port, host);
  for (const socket of [client, upstream]) {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {
      client.destroy();
      upstream.destroy();
    });
  }
  return upstream;
}
