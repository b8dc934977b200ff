import { ETCD_ENDPOINTS_USAGE, type Usage } from "../config/usage.ts";

/** `flotilla server --help`, and the README's table of its flags (a test keeps them equal). */
export const SERVER_USAGE: Usage = {
  command: "flotilla server",
  summary:
    "Serves Flotilla's API (and fleet's, under /fleet/v1) on the cluster state kept in etcd; one server at a time, elected through etcd, runs the engine that places units on machines.",
  flags: [
    {
      options: ["listen"],
      synopsis: "`--listen HOST:PORT`",
      environment: "`FLOTILLA_LISTEN`",
      default: "`127.0.0.1:7600`",
      meaning: "Where the API listens",
    },
    ETCD_ENDPOINTS_USAGE,
    {
      options: ["prefix"],
      synopsis: "`--prefix /path/`",
      environment: "`FLOTILLA_PREFIX`",
      default: "`/flotilla/`",
      meaning: "Key prefix of all Flotilla state in etcd",
    },
    {
      options: ["log-level"],
      synopsis: "`--log-level LEVEL`",
      environment: "`FLOTILLA_LOG_LEVEL`",
      default: "`info`",
      meaning: "`fatal`, `error`, `warn`, `info`, `debug`, `trace`",
    },
    {
      options: ["agent-token"],
      synopsis: "`--agent-token TOKEN`",
      environment: "`FLOTILLA_AGENT_TOKEN`",
      default: "none",
      meaning: "The bearer token the agents were started with (`--token`)",
    },
    {
      options: ["leader-ttl"],
      synopsis: "`--leader-ttl SECONDS`",
      environment: "`FLOTILLA_LEADER_TTL`",
      default: "`10`",
      meaning: "The engine leader's lease: how soon another server takes over",
    },
    {
      options: ["fleet-stop-hold"],
      synopsis: "`--fleet-stop-hold SECONDS`",
      environment: "`FLOTILLA_FLEET_STOP_HOLD`",
      default: "`5`",
      meaning:
        "How long a stop asked through `/fleet/v1` waits for the client to read the unit (see fleet compatibility)",
    },
    {
      options: ["write-token-file"],
      synopsis: "`--write-token-file FILE`",
      environment: "`FLOTILLA_WRITE_TOKENS` (comma-separated)",
      default: "none",
      meaning: "Tokens that may change things (and read)",
    },
    {
      options: ["read-token-file"],
      synopsis: "`--read-token-file FILE`",
      environment: "`FLOTILLA_READ_TOKENS` (comma-separated)",
      default: "none",
      meaning: "Tokens that may only read",
    },
    {
      options: ["allow-unauthenticated"],
      synopsis: "`--allow-unauthenticated`",
      environment: "`FLOTILLA_ALLOW_UNAUTHENTICATED=true`",
      default: "off",
      meaning: "Serve without tokens on a non-loopback address (refused otherwise)",
    },
    {
      options: ["rate-limit"],
      synopsis: "`--rate-limit N`",
      environment: "`FLOTILLA_RATE_LIMIT`",
      default: "`100`",
      meaning: "Requests per second per client (bursts of twice that); `0` turns it off",
    },
    {
      options: ["max-event-streams"],
      synopsis: "`--max-event-streams N`",
      environment: "`FLOTILLA_MAX_EVENT_STREAMS`",
      default: "`16`",
      meaning: "`GET /v1/events` streams one client may hold open",
    },
    {
      options: ["tls-cert", "tls-key"],
      synopsis: "`--tls-cert FILE`, `--tls-key FILE`",
      environment: "`FLOTILLA_TLS_CERT`, `FLOTILLA_TLS_KEY`",
      default: "none",
      meaning: "Serve the API over HTTPS",
    },
    {
      options: ["agent-ca"],
      synopsis: "`--agent-ca FILE`",
      environment: "`FLOTILLA_AGENT_CA`",
      default: "none",
      meaning: "CA of the agents' certificates, for agents that serve HTTPS",
    },
    {
      options: ["agent-cert", "agent-key"],
      synopsis: "`--agent-cert FILE`, `--agent-key FILE`",
      environment: "`FLOTILLA_AGENT_CERT`, `FLOTILLA_AGENT_KEY`",
      default: "none",
      meaning: "Client certificate presented to agents (mutual TLS); needs `--agent-ca`",
    },
    {
      options: ["etcd-ca"],
      synopsis: "`--etcd-ca FILE`",
      environment: "`FLOTILLA_ETCD_CA`",
      default: "none",
      meaning: "CA of etcd's certificate; needed for `https://` endpoints",
    },
    {
      options: ["etcd-cert", "etcd-key"],
      synopsis: "`--etcd-cert FILE`, `--etcd-key FILE`",
      environment: "`FLOTILLA_ETCD_CERT`, `FLOTILLA_ETCD_KEY`",
      default: "none",
      meaning: "Client certificate for etcd",
    },
    {
      options: ["etcd-username", "etcd-password"],
      synopsis: "`--etcd-username NAME`, `--etcd-password PASSWORD`",
      environment: "`FLOTILLA_ETCD_USERNAME`, `FLOTILLA_ETCD_PASSWORD`",
      default: "none",
      meaning: "etcd's user and password authentication",
    },
    {
      options: ["check-placements"],
      synopsis: "`--check-placements`",
      environment: "`FLOTILLA_CHECK_PLACEMENTS=true`",
      default: "off",
      meaning:
        "Check after every engine pass that each placement meets its unit's requirements; log and count (`flotilla_placement_violations_total`) what breaks them",
    },
  ],
};
