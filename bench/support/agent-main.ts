// `flotilla agent` as a benchmark's process: the agent's own entry point (runAgent) with the
// flags given, printing READY once its API answers.
import { runAgent } from "../../src/agent/run.ts";
import { ready } from "./processes.ts";

const argv = process.argv.slice(2);
await runAgent(argv);
const listen = argv[argv.indexOf("--listen") + 1] ?? "127.0.0.1:7601";
ready({ url: `http://${listen}` });
