import { join, relative } from "node:path";
import { DEFAULT_PLAN, type HostPort, type LocalClusterPlan } from "../../local/layout.ts";
import { PACKAGE_ROOT } from "../../package-root.ts";
import { defineCommand } from "../command.ts";
import { asFailure, CommandFailure, EXIT_OK, UsageError } from "../errors.ts";
import {
  localClusterFlagHelp,
  localClusterOptions,
  showStatus,
  stateDirOf,
} from "../local-cluster.ts";

export const upCommand = defineCommand({
  name: "up",
  summary: "Start a local cluster on this machine: etcd, control-plane servers and agents",
  usage:
    "[--machines=N] [--servers=N] [--api=HOST:PORT] [--machine-ip=IP] [--etcd=URL] [--state-dir=DIR] [--status]",
  description: `A cluster like the tutorial's on one machine: an etcd on 127.0.0.1:2379 (unless
--etcd names one), servers on 127.0.0.1:7600 and :7610, and agents coreos-1, coreos-2, ...
on 127.0.0.11, .12, ... sharing the local Docker engine. Each runs in the background with
its pid file and log in the state directory. Running parts are left alone; --machines
starts the missing agents and stops those beyond N. Needs etcd and Docker installed
(npm run up in a checkout installs them).`,
  examples: [
    ["flotilla up", "three machines, two servers"],
    ["flotilla up --machines 5", "two more agents on 127.0.0.14 and .15"],
    ["flotilla up --status", "what runs, without starting anything"],
  ],
  options: {
    ...localClusterOptions,
    machines: { type: "string" },
    servers: { type: "string" },
    api: { type: "string" },
    "machine-ip": { type: "string" },
    etcd: { type: "string" },
  },
  flagHelp: [
    ["--machines=N", `Agents to run, 1 to 100 (default ${DEFAULT_PLAN.machines}, or as last time)`],
    ["--servers=N", `Control-plane servers, 1 to 5 (default ${DEFAULT_PLAN.servers})`],
    [
      "--api=HOST:PORT",
      `The first server's address; the next are 10 ports up (default ${DEFAULT_PLAN.api.host}:${DEFAULT_PLAN.api.port})`,
    ],
    ["--machine-ip=IP", `coreos-1's loopback address (default ${DEFAULT_PLAN.firstMachineIp})`],
    ["--etcd=URL", "Use this etcd instead of starting one"],
    ...localClusterFlagHelp,
  ],
  arguments: "none",
  async run(context, { values }) {
    const { bringUp, statusOf, PlanError } = await import("../../local/cluster.ts");
    const stateDir = stateDirOf(values, context.cwd);
    if (values.status) {
      showStatus(context, await asFailure(statusOf(stateDir)));
      return EXIT_OK;
    }
    const requested: Partial<Omit<LocalClusterPlan, "stateDir">> = {
      ...(values.machines === undefined ? {} : { machines: count(values.machines) }),
      ...(values.servers === undefined ? {} : { servers: count(values.servers) }),
      ...(values.api === undefined ? {} : { api: hostPort(values.api) }),
      ...(values["machine-ip"] === undefined ? {} : { firstMachineIp: values["machine-ip"] }),
      ...(values.etcd === undefined ? {} : { etcd: values.etcd }),
    };
    let status: Awaited<ReturnType<typeof bringUp>>;
    try {
      status = await bringUp(stateDir, requested, (line) => context.out.message(line));
    } catch (error) {
      if (error instanceof PlanError) throw new UsageError(error.message, "up");
      throw new CommandFailure((error as Error).message);
    }
    if (context.out.json) {
      context.out.document(status);
      return EXIT_OK;
    }
    const servers = status.filter((component) => component.kind === "server");
    const agents = status.filter((component) => component.kind === "agent" && component.running);
    const inCheckout = !relative(PACKAGE_ROOT, context.cwd).startsWith("..");
    const fleetctl = inCheckout ? "npx fleetctl" : "fleetctl";
    const endpoint = servers[0]?.address.replace(/\/$/, "") ?? "";
    const endpointFlag = endpoint === "http://127.0.0.1:7600" ? "" : ` --endpoint=${endpoint}`;
    context.out.raw(
      [
        "",
        `Flotilla is up. State and logs: ${stateDir}`,
        `  API and dashboard: ${servers.map((server) => server.address).join("  ")}`,
        `  machines:          ${agents.map((agent) => `${agent.name} on ${agent.address}`).join(", ")}`,
        "Next:",
        `  cd ${join(PACKAGE_ROOT, "examples")}   # the tutorial's unit files`,
        `  ${fleetctl}${endpointFlag} submit apache@.service apache-discovery@.service`,
        `  ${fleetctl}${endpointFlag} start apache@80.service apache-discovery@80.service`,
        `  ${fleetctl}${endpointFlag} list-units`,
        `Stop everything with: ${inCheckout ? "npm run down" : "flotilla down"}`,
        "",
      ].join("\n"),
    );
    return EXIT_OK;
  },
});

function count(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`expected a whole number, not "${text}"`, "up");
  return Number(text);
}

function hostPort(text: string): HostPort {
  const match = /^([^:\s]+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) {
    throw new UsageError(`--api ${text}: expected HOST:PORT such as 127.0.0.1:7600`, "up");
  }
  return { host: match[1] as string, port };
}
