import { ETCD_ENDPOINTS_USAGE, type Usage } from "../config/usage.ts";

/** `flotilla agent --help`, and the README's table of its flags (a test keeps them equal). */
export const AGENT_USAGE: Usage = {
  command: "flotilla agent",
  summary:
    "Runs on every machine: announces the machine in etcd, starts and stops the units the engine places there (processes, or containers through Docker), reports their states, and keeps their sidekicks' announcements alive.",
  flags: [
    {
      options: ["machine-id"],
      synopsis: "`--machine-id ID`",
      environment: "`FLOTILLA_MACHINE_ID`",
      default: "`/etc/machine-id`, else generated once and kept in the state directory",
      meaning: "This machine's id; two agents with one id are refused",
    },
    {
      options: ["public-ip"],
      synopsis: "`--public-ip IP`",
      environment: "`FLOTILLA_PUBLIC_IP`",
      default: "the listen address, else the first external IPv4",
      meaning: "`COREOS_PUBLIC_IPV4` for units; shown in `list-machines`",
    },
    {
      options: ["private-ip"],
      synopsis: "`--private-ip IP`",
      environment: "`FLOTILLA_PRIVATE_IP`",
      default: "the public IP",
      meaning: "`COREOS_PRIVATE_IPV4` for units",
    },
    {
      options: ["metadata"],
      synopsis: "`--metadata key=value`",
      environment: "`FLOTILLA_METADATA` (comma-separated)",
      default: "none",
      meaning: "Repeatable; matched by `MachineMetadata=`",
    },
    ETCD_ENDPOINTS_USAGE,
    {
      options: ["prefix"],
      synopsis: "`--prefix /path/`",
      environment: "`FLOTILLA_PREFIX`",
      default: "`/flotilla/`",
      meaning: "Key prefix, the same as the servers'",
    },
    {
      options: ["listen"],
      synopsis: "`--listen HOST:PORT`",
      environment: "`FLOTILLA_LISTEN`",
      default: "`127.0.0.1:7601`",
      meaning: "Where the agent's API listens",
    },
    {
      options: ["advertise-url"],
      synopsis: "`--advertise-url URL`",
      environment: "`FLOTILLA_ADVERTISE_URL`",
      default: "derived from `--listen` (the public IP for `0.0.0.0`)",
      meaning:
        "Where the control plane reaches the agent (a proxy, a NAT), announced as the machine's `agentURL`",
    },
    {
      options: ["docker-host"],
      synopsis: "`--docker-host URL`",
      environment: "`FLOTILLA_DOCKER_HOST`, `DOCKER_HOST`",
      default: "`unix:///var/run/docker.sock`",
      meaning: "The Docker engine",
    },
    {
      options: ["token"],
      synopsis: "`--token TOKEN`",
      environment: "`FLOTILLA_TOKEN`",
      default: "none (no authentication)",
      meaning: "Bearer token the control plane must present",
    },
    {
      options: ["tls-cert", "tls-key"],
      synopsis: "`--tls-cert FILE`, `--tls-key FILE`",
      environment: "`FLOTILLA_TLS_CERT`, `FLOTILLA_TLS_KEY`",
      default: "none",
      meaning: "Serve the agent's API over HTTPS (and announce an `https://` address)",
    },
    {
      options: ["tls-client-ca"],
      synopsis: "`--tls-client-ca FILE`",
      environment: "`FLOTILLA_TLS_CLIENT_CA`",
      default: "none",
      meaning:
        "Require a client certificate signed by this CA (the servers' `--agent-cert`); needs `--tls-cert`",
    },
    {
      options: ["presence-ttl"],
      synopsis: "`--presence-ttl SECONDS`",
      environment: "`FLOTILLA_PRESENCE_TTL`",
      default: "`10`",
      meaning: "How soon a dead machine disappears",
    },
    {
      options: ["state-check-interval"],
      synopsis: "`--state-check-interval SECONDS`",
      environment: "`FLOTILLA_STATE_CHECK_INTERVAL`",
      default: "`300`",
      meaning:
        "How often the agent compares the unit states etcd holds for it with its own, and writes again those that differ (each agent at its own point of the interval)",
    },
    {
      options: ["state-dir"],
      synopsis: "`--state-dir DIR`",
      environment: "`FLOTILLA_STATE_DIR`",
      default: "`/var/lib/flotilla` (root), else `~/.local/state/flotilla`",
      meaning: "The generated machine id, the `etcdctl` for units' scripts",
    },
    {
      options: ["leave-running"],
      synopsis: "`--leave-running`",
      environment: "`FLOTILLA_LEAVE_RUNNING=true`",
      default: "off",
      meaning: "On SIGTERM, leave units running (until an agent of this machine starts again)",
    },
    {
      options: ["etcd-ca", "etcd-cert", "etcd-key", "etcd-username", "etcd-password"],
      synopsis: "`--etcd-ca`, `--etcd-cert`, `--etcd-key`, `--etcd-username`, `--etcd-password`",
      environment: "`FLOTILLA_ETCD_CA`, `..._CERT`, `..._KEY`, `..._USERNAME`, `..._PASSWORD`",
      default: "none",
      meaning: "As for the server: TLS and user/password for etcd",
    },
    {
      options: ["log-level"],
      synopsis: "`--log-level LEVEL`",
      environment: "`FLOTILLA_LOG_LEVEL`",
      default: "`info`",
      meaning: "As for the server",
    },
    {
      options: ["simulate"],
      synopsis: "`--simulate`",
      environment: "`FLOTILLA_SIMULATE=true`",
      default: "off",
      meaning:
        "Scale tests only: units run in a simulated runtime (no Docker, no processes, and every health check passes) while presence, state reports and the API stay real",
    },
  ],
};
