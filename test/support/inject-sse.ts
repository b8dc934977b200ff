import type { Readable } from "node:stream";
import type { InjectApp } from "./inject-app.ts";

export interface StreamedEvent {
  id?: string;
  type: string;
  data: any;
}

export interface InjectedEventStream {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  /** What the stream sent before its first event: the retry line and comments. */
  preamble(): string;
  /** The next event `accept` takes (earlier ones are dropped); fails if the stream ends first. */
  next(accept: (event: StreamedEvent) => boolean): Promise<StreamedEvent>;
  /** Disconnects, as a client that goes away. */
  close(): void;
}

/** Bounds a hung test only: every wait below ends on an event, not on time. */
const DEADLINE_MS = 10_000;

/** Opens an endless Server-Sent Events answer in process, reading it as it is written. */
export async function openEventStream(
  api: InjectApp,
  url: string,
  headers: Record<string, string> = {},
): Promise<InjectedEventStream> {
  const disconnect = new AbortController();
  const response = await api.inject({
    method: "GET",
    url,
    headers,
    payloadAsStream: true,
    signal: disconnect.signal,
  });
  const body = response.stream() as Readable;
  let text = "";
  let preamble: string | undefined;
  const events: StreamedEvent[] = [];
  let ended = false;
  let wake = () => {};
  body.setEncoding("utf8");
  body.on("data", (chunk: string) => {
    text += chunk;
    for (let end = text.indexOf("\n\n"); end >= 0; end = text.indexOf("\n\n")) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const event: StreamedEvent = { type: "message", data: undefined };
      for (const line of block.split("\n")) {
        if (line.startsWith("id: ")) event.id = line.slice(4);
        else if (line.startsWith("event: ")) event.type = line.slice(7);
        else if (line.startsWith("data: ")) event.data = JSON.parse(line.slice(6));
      }
      if (event.data !== undefined) events.push(event);
      else if (events.length === 0) preamble = `${preamble ?? ""}${block}\n\n`;
    }
    wake();
  });
  const finish = () => {
    ended = true;
    wake();
  };
  body.on("end", finish);
  body.on("close", finish);
  body.on("error", finish);
  return {
    status: response.statusCode,
    headers: response.headers,
    preamble: () => preamble ?? "",
    async next(accept) {
      const deadline = setTimeout(finish, DEADLINE_MS);
      try {
        for (;;) {
          const index = events.findIndex(accept);
          if (index >= 0) return events.splice(0, index + 1).at(-1) as StreamedEvent;
          events.length = 0;
          if (ended) throw new Error(`${url}: no matching event before the stream ended`);
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      } finally {
        clearTimeout(deadline);
      }
    },
    close: () => disconnect.abort(),
  };
}
