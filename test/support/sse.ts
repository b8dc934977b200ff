import { request } from "undici";

export interface SseEvent {
  id?: string;
  type: string;
  data: any;
}

export interface SseStream {
  /** The next event matching `accept`, waiting up to `timeoutMs`. */
  next(accept: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/** Reads a Server-Sent Events stream over real HTTP. */
export async function readEvents(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseStream> {
  const controller = new AbortController();
  const response = await request(url, { headers, signal: controller.signal });
  if (response.statusCode !== 200)
    throw new Error(`${url}: ${response.statusCode} ${await response.body.text()}`);
  const queue: SseEvent[] = [];
  let wake: (() => void) | undefined;
  let buffer = "";
  response.body.setEncoding("utf8");
  response.body.on("data", (chunk: string) => {
    buffer += chunk;
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event: SseEvent = { type: "message", data: undefined };
      for (const line of block.split("\n")) {
        if (line.startsWith("id: ")) event.id = line.slice(4);
        else if (line.startsWith("event: ")) event.type = line.slice(7);
        else if (line.startsWith("data: ")) event.data = JSON.parse(line.slice(6));
      }
      if (event.data !== undefined) queue.push(event);
      end = buffer.indexOf("\n\n");
    }
    wake?.();
  });
  response.body.on("error", () => {});
  return {
    async next(accept, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = queue.findIndex(accept);
        if (index >= 0) return queue.splice(index, 1)[0] as SseEvent;
        queue.length = 0;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error("no matching event arrived");
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, left);
        });
      }
    },
    close: () => controller.abort(),
  };
}
