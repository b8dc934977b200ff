// A CLI context for command tests: the command's HTTP client is the test's own, and what the
// command writes is kept in `written`.
import type { Api } from "../../src/cli/api.ts";
import type { CliContext } from "../../src/cli/command.ts";
import type { HttpClient } from "../../src/cli/http-client.ts";
import { MachineBook } from "../../src/cli/machines.ts";
import { Output } from "../../src/cli/output.ts";

export interface FakeCli {
  context: CliContext;
  written: { stdout: string; stderr: string };
}

export function fakeCliContext(
  client: unknown,
  options: { json?: boolean; cwd?: string } = {},
): FakeCli {
  const api: Api = {
    endpoint: "http://127.0.0.1:1",
    client: client as HttpClient,
    requestTimeoutMs: 1000,
  };
  const written = { stdout: "", stderr: "" };
  const stream = (key: "stdout" | "stderr") => ({
    isTTY: false,
    columns: 400,
    write: (text: string) => {
      written[key] += text;
    },
  });
  const out = new Output(options.json ? "json" : "table", stream("stdout"), stream("stderr"));
  const context: CliContext = {
    program: "flotilla",
    out,
    api,
    machines: new MachineBook(api),
    cwd: options.cwd ?? "/nonexistent",
  };
  return { context, written };
}
