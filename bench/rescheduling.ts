// Rescheduling: a machine running 100 units is killed (SIGKILL of its agent process); the time
// until every one of them runs on another machine, against the presence lease's own expiry.
//   npx tsx bench/rescheduling.ts [units] [presence TTL seconds]
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEMPLATE } from "./placement.ts";
import { AGENT_TOKEN, expectOk, http, PREFIX, pool, startCluster } from "./support/cluster.ts";
import { isEntryPoint, runAsScript, since } from "./support/main.ts";
import { ClusterObserver } from "./support/observer.ts";
import { startProcess } from "./support/processes.ts";
import type { BenchResult } from "./support/report.ts";

const SURVIVORS = 9;

export async function rescheduling(units = 100, ttl = 5): Promise<BenchResult> {
  const began = performance.now();
  const cluster = await startCluster();
  const observer = await new ClusterObserver(cluster.etcd.endpoint, PREFIX).start();
  const stateDir = await mkdtemp(join(tmpdir(), "flotilla-bench-victim-"));
  const victimId = `bench-victim-${process.pid}`;
  const victim = await startProcess("agent-main.ts", [
    ...["--machine-id", victimId, "--listen", "127.0.0.1:0", "--public-ip", "127.0.0.1"],
    ...["--etcd", cluster.etcd.endpoint, "--prefix", PREFIX, "--token", AGENT_TOKEN],
    ...["--presence-ttl", String(ttl), "--state-dir", stateDir, "--log-level", "warn"],
    "--simulate",
  ]);
  let fleet: Awaited<ReturnType<typeof startProcess>> | undefined;
  try {
    await observer.until("the victim present", () => observer.machines >= 1, 30_000);
    await expectOk(
      "submit template",
      http("PUT", `${cluster.url}/v1/unit-files/bench@.service`, { text: TEMPLATE }),
    );
    const names = Array.from({ length: units }, (_, i) => `bench@${i}.service`);
    await pool(names, 32, (name) =>
      expectOk(
        name,
        http("PUT", `${cluster.url}/v1/units/${name}`, { json: { desiredState: "launched" } }),
      ),
    );
    await observer.until("all running on the victim", () => observer.active.size >= units, 120_000);
    fleet = await startProcess("fleet-main.ts", [
      cluster.etcd.endpoint,
      PREFIX,
      String(SURVIVORS),
      String(ttl),
      AGENT_TOKEN,
    ]);
    await observer.until("survivors present", () => observer.machines >= SURVIVORS + 1, 60_000);
    const killed = performance.now();
    const expired = observer.until(
      "the victim's lease expired",
      () => !observer.view.machines.has(victimId),
      120_000,
    );
    const moved = observer.until(
      "all running elsewhere",
      () =>
        names.every((name) => {
          const on = observer.active.get(name);
          return on !== undefined && on !== victimId;
        }),
      120_000,
    );
    await victim.stop("SIGKILL");
    const expiry = ((await expired) - killed) / 1000;
    const total = ((await moved) - killed) / 1000;
    return {
      name: "rescheduling",
      title: "4. Rescheduling",
      setup: `${units} units running on one machine (a simulated agent process, presence TTL ${ttl} s), ${SURVIVORS} other simulated machines; the agent is killed with SIGKILL.`,
      rows: [
        {
          metric: `kill → all ${units} running elsewhere`,
          value: total,
          unit: "s",
          baseline: { value: expiry, what: "s, kill → lease expired in etcd" },
          ratio: total / expiry,
          target: `≤ TTL + 3 s = ${ttl + 3} s`,
          met: total <= ttl + 3,
        },
        {
          metric: "lease expired → all running elsewhere",
          value: total - expiry,
          unit: "s",
          target: "≤ 3 s",
          met: total - expiry <= 3,
        },
      ],
      notes: [
        "etcd expires a lease up to one TTL after the last keep-alive (sent every TTL/3), so the expiry part varies between 2/3 TTL and TTL",
      ],
      seconds: since(began),
    };
  } finally {
    await victim.stop("SIGKILL");
    await fleet?.stop();
    await observer.stop();
    await cluster.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) {
  const [units, ttl] = process.argv.slice(2).map(Number);
  await runAsScript(() => rescheduling(units || undefined, ttl || undefined));
}
