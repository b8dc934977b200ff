// The baseline of the API benchmark, in its own process so that its CPU is its own: a trivial
// Fastify server with one route, GET /ping.
import Fastify from "fastify";
import { ready } from "./processes.ts";

const app = Fastify({ logger: false });
app.get("/ping", async () => ({ ok: true }));
await app.listen({ host: "127.0.0.1", port: 0 });
const address = app.server.address();
ready({ url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}` });
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
