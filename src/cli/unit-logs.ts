import { expectData, failureOf, unreachable } from "./api.ts";
import type { CliContext } from "./command.ts";

/**
 * A unit's last lines, read by the control plane from its machine's agent; of one of its
 * recent runs (1: the latest) when `run` is given.
 */
export function fetchLog(
  context: CliContext,
  name: string,
  lines: number,
  run?: number,
): Promise<string> {
  const { api } = context;
  const query = { lines: String(lines), ...(run !== undefined ? { run: String(run) } : {}) };
  return expectData(
    api,
    api.client.GET("/v1/units/{name}/logs", {
      params: { path: { name }, query },
      parseAs: "text",
    }),
  );
}

/**
 * The unit's last lines, then every new one as it comes, until the server ends the stream.
 * The request timeout bounds only the wait for the answer to begin: a quiet unit is not an
 * error.
 */
export async function followLog(
  context: CliContext,
  name: string,
  lines: number,
  onText: (text: string) => void,
): Promise<void> {
  const { api } = context;
  let answer: Awaited<ReturnType<typeof request>>;
  const request = () =>
    api.client.GET("/v1/units/{name}/logs", {
      params: { path: { name }, query: { lines: String(lines), follow: "true" } },
      parseAs: "stream",
    });
  try {
    answer = await request();
  } catch (error) {
    throw unreachable(api, error);
  }
  if (!answer.response.ok || !answer.data) throw failureOf(answer);
  const decoder = new TextDecoder();
  for await (const chunk of answer.data) onText(decoder.decode(chunk, { stream: true }));
  onText(decoder.decode());
}
