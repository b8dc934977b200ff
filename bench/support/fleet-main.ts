// A simulated fleet in its own process:
//   fleet-main.ts <etcd endpoint> <prefix> <machines> <presence TTL seconds> [agent token]
import { ready } from "./processes.ts";
import { SimulatedFleet } from "./simulated-fleet.ts";

const [etcd, prefix, machines, ttl, token] = process.argv.slice(2);
if (!etcd || !prefix || !machines || !ttl) {
  console.error("usage: fleet-main.ts <etcd> <prefix> <machines> <presence TTL> [token]");
  process.exit(2);
}
const started = Date.now();
const fleet = await SimulatedFleet.start({
  etcd,
  prefix,
  machines: Number(machines),
  presenceTtlSeconds: Number(ttl),
  token,
});
ready({
  machineIds: fleet.agents.map((agent) => agent.machineId),
  startSeconds: (Date.now() - started) / 1000,
});
process.on("SIGTERM", () => {
  const force = setTimeout(() => process.exit(0), 10_000);
  force.unref();
  void fleet.stop().then(() => process.exit(0));
});
