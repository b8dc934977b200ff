// A stop that lands while a unit's supervisor is still about to start its command: the
// supervisor's trap keeps it alive through the signal, and the command, started after, must
// get the signal too, or the stop waits out TimeoutStopSec=. Real processes.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { signalRun } from "../../src/agent/runtime/supervised-process.ts";

/** Far beyond a stop's time, far below TimeoutStopSec=: only a missed signal reaches it. */
const ENDS_WITHIN_MS = 10_000;

/**
 * A supervisor as a stop can find it: trapping SIGTERM, not yet running its command (here
 * it is busy for 0.3 s first), then running it in the foreground as the real one does.
 */
function lateSupervisor(command: string) {
  const child = spawn("/bin/sh", ["-c", `trap : TERM; sleep 0.3; ${command}; echo "$?"`], {
    stdio: ["ignore", "pipe", "ignore"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<string>((resolve) => child.once("close", () => resolve(output)));
  return { pid: child.pid as number, exited };
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

test("a command its supervisor starts after the SIGTERM gets it too", async () => {
  const run = lateSupervisor("/bin/sleep 300");
  await new Promise((resolve) => setTimeout(resolve, 100));
  await signalRun(run.pid, "SIGTERM", run.exited);
  const output = await within(run.exited, ENDS_WITHIN_MS);
  if (output === undefined) process.kill(-run.pid, "SIGKILL");
  assert.equal(output?.trim(), "143", "the late command ended by SIGTERM");
});

test("what the command starts after the SIGTERM is its own: it is left to finish", async () => {
  // The command cleans up on SIGTERM, in a process of its own, and ends when that is done.
  const cleanup = `/bin/sh -c 'trap "/bin/sleep 0.5; exit 7" TERM; /bin/sleep 300 & wait'`;
  const run = lateSupervisor(cleanup);
  await new Promise((resolve) => setTimeout(resolve, 600));
  await signalRun(run.pid, "SIGTERM", run.exited);
  const output = await within(run.exited, ENDS_WITHIN_MS);
  if (output === undefined) process.kill(-run.pid, "SIGKILL");
  assert.equal(output?.trim(), "7", "its cleanup ran to its end");
});
