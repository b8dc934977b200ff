import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeAgent {
  url: string;
  /** The requests it was sent: path with query, and the bearer token presented. */
  seen: { path: string; authorization?: string }[];
  close(): Promise<void>;
}

/**
 * A stand-in for a machine's agent on a free loopback port, answering as `answer` says: for
 * routes that proxy to an agent, which the in-process app reaches over real HTTP.
 */
export async function fakeAgent(
  answer: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<FakeAgent> {
  const seen: FakeAgent["seen"] = [];
  const server = createServer((request, response) => {
    seen.push({ path: request.url ?? "", authorization: request.headers.authorization });
    answer(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
