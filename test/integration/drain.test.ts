// A planned drain on a real cluster: three agents on 127.0.7.11-13. The drained machine's
// service moves with its MachineOf sidekick to another machine, its global unit stays, the
// drain outlives the agent's restart, and undraining moves nothing back.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { stopAgent } from "../support/agents.ts";
import { TestCluster } from "../support/cluster.ts";
import { http } from "../support/http.ts";
import { typeLine, userShell } from "../support/shell.ts";
import { waitUntil } from "../support/wait.ts";

const IPS = ["127.0.7.11", "127.0.7.12", "127.0.7.13"];

const SERVICE = "[Service]\nExecStart=/bin/sleep 100000\n";
const SIDEKICK = "[Service]\nExecStart=/bin/sleep 100000\n[X-Fleet]\nMachineOf=svc.service\n";
const GLOBAL = "[Service]\nExecStart=/bin/sleep 100000\n[X-Fleet]\nGlobal=true\n";

describe("draining a machine", () => {
  let cluster: TestCluster;
  let drained: string;

  before(async () => {
    cluster = await new TestCluster({ ips: IPS }).start();
    await cluster.submit("svc.service", SERVICE);
    await cluster.submit("svc-side.service", SIDEKICK);
    await cluster.submit("everywhere.service", GLOBAL);
    for (const name of ["svc.service", "svc-side.service", "everywhere.service"])
      await cluster.setState(name, "launched");
    await cluster.waitFor("svc-side.service", (unit) => unit.activeState === "active", "active");
    drained = (await cluster.unit("svc.service")).machineId;
    await waitUntil(
      "the global unit on every machine",
      async () => (await cluster.unit("everywhere.service")).machineIds?.length === IPS.length,
    );
  });
  after(() => cluster?.stop());

  const machine = async (id: string) =>
    (await cluster.machines()).find((candidate) => candidate.id === id);

  test("its units move, a service with its sidekick; its global unit stays; then it is drained", async () => {
    const answer = await http("PUT", `${cluster.url}/v1/machines/${drained}/drain`, {
      json: { reason: "kernel upgrade" },
    });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.json.drain.reason, "kernel upgrade");
    const moved = await waitUntil(
      "the service and its sidekick running elsewhere, together",
      async () => {
        const [svc, side] = await Promise.all([
          cluster.unit("svc.service"),
          cluster.unit("svc-side.service"),
        ]);
        return (
          svc.activeState === "active" &&
          side.activeState === "active" &&
          svc.machineId !== drained &&
          side.machineId === svc.machineId &&
          svc.machineId
        );
      },
      60_000,
    );
    assert.notEqual(moved, drained);
    const done = await waitUntil(
      "the drain to finish",
      async () => {
        const drainedMachine = await machine(drained);
        return drainedMachine?.drain?.remainingUnits.length === 0 && drainedMachine;
      },
      60_000,
    );
    assert.equal(done.drain.reason, "kernel upgrade");
    assert.deepEqual(done.units, [], "nothing placed there (a global unit has no placement)");
    const agent = cluster.agentOn(drained);
    const reported = await waitUntil("the agent to have stopped what left", async () => {
      const units = await agent.client.listUnits();
      return units.filter((unit) => unit.activeState !== "inactive").length === 1 && units;
    });
    assert.deepEqual(
      reported.filter((unit) => unit.activeState === "active").map((unit) => unit.name),
      ["everywhere.service"],
      "the machine itself runs only the global unit",
    );
  });

  test("the CLI shows the drain, and new units go elsewhere", async () => {
    const shell = await userShell();
    const listed = await typeLine("fleetctl list-machines --fields=machine,drain --full", shell, {
      FLEETCTL_ENDPOINT: cluster.url,
    });
    assert.equal(listed.code, 0, listed.stderr);
    const line = listed.stdout.split("\n").find((row) => row.startsWith(drained));
    assert.match(line ?? "", /\tdrained$/, listed.stdout);
    await cluster.submit("later.service", SERVICE);
    await cluster.setState("later.service", "launched");
    await cluster.waitFor("later.service", (unit) => unit.activeState === "active", "active");
    assert.notEqual((await cluster.unit("later.service")).machineId, drained);
  });

  test("the drain outlives its agent's restart; undrained, nothing moves back", async () => {
    const agent = cluster.agentOn(drained);
    await stopAgent(agent, "SIGTERM");
    cluster.agents = cluster.agents.filter((candidate) => candidate !== agent);
    const restarted = await cluster.startAgentOn(agent.ip, undefined, drained);
    cluster.agents.push(restarted);
    await waitUntil("the machine back", async () => (await machine(drained)) !== undefined);
    await waitUntil(
      "only its global unit running again",
      async () => {
        const units = await restarted.client.listUnits();
        const active = units.filter((unit) => unit.activeState === "active");
        return active.map((unit) => unit.name).join() === "everywhere.service";
      },
      60_000,
    );
    assert.deepEqual((await machine(drained))?.units, []);
    assert.ok((await machine(drained))?.drain, "still drained");
    const elsewhere = (await cluster.unit("svc.service")).machineId;

    const undrained = await http("DELETE", `${cluster.url}/v1/machines/${drained}/drain`);
    assert.equal(undrained.status, 200, undrained.text);
    assert.equal(undrained.json.drain, undefined);
    assert.equal((await cluster.unit("svc.service")).machineId, elsewhere, "nothing moves back");
    const again = await http("DELETE", `${cluster.url}/v1/machines/${drained}/drain`);
    assert.equal(again.status, 200, "undraining twice is no error");
  });
});
