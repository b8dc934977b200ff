// GET /v1/units/{name}/logs in process: the control plane asks the agent of the unit's
// machine, here a stand-in on a free loopback port, or a port nothing listens on.
import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { type FakeAgent, fakeAgent } from "../support/fake-agent.ts";
import { type InjectApp, injectApp } from "../support/inject-app.ts";
import { assertProblem } from "../support/problem.ts";
import { freePort } from "../support/process.ts";
import { assertRouteCoverage } from "../support/route-coverage.ts";
import { waitUntil } from "../support/wait.ts";

const AGENT_TOKEN = "agent-token-for-tests";
const UNIT = "[Service]\nExecStart=/bin/sleep 1000\n";
/** Its agent answers. */
const UP = "aaaaaaaa00000000000000000000000a";
/** Its agent's port is closed. */
const DOWN = "bbbbbbbb00000000000000000000000b";
/** Announced, then gone. */
const GONE = "cccccccc00000000000000000000000c";
/** A second machine that answers, for a global unit. */
const ALSO_UP = "dddddddd00000000000000000000000d";
const LINES = String.raw`"^(?:[0-9]{1,5})(?![\s\S])"`;

describe("GET /v1/units/{name}/logs", () => {
  let api: InjectApp;
  let agent: FakeAgent;
  let otherAgent: FakeAgent;
  let downURL: string;
  /** The followed log's answer at the agent, and whether its request has been closed. */
  let following: { response?: ServerResponse; closed: boolean } = { closed: false };

  before(async () => {
    agent = await fakeAgent((request, response) => {
      const path = request.url ?? "";
      if (path.startsWith("/v1/units/logged.service/logs?")) {
        response.writeHead(200, { "content-type": "text/plain" }).end("first line\nsecond line\n");
      } else if (path.startsWith("/v1/units/followed.service/logs?")) {
        following = { response, closed: false };
        request.on("close", () => {
          following.closed = true;
        });
        response.writeHead(200, { "content-type": "text/plain" });
        response.write("tick 1\n");
      } else if (path.startsWith("/v1/units/everywhere.service/logs?")) {
        response.writeHead(200, { "content-type": "text/plain" }).end("from the first machine\n");
      } else if (path.startsWith("/v1/units/broken.service/logs?")) {
        response.writeHead(500, { "content-type": "text/plain" }).end("disk on fire");
      } else {
        response
          .writeHead(404, { "content-type": "application/problem+json" })
          .end('{"detail":"no such log"}');
      }
    });
    otherAgent = await fakeAgent((_request, response) => {
      response.writeHead(200, { "content-type": "text/plain" }).end("from the other machine\n");
    });
    downURL = `http://127.0.0.1:${await freePort()}`;
    api = await injectApp({ agentToken: AGENT_TOKEN });
    await api.announceMachine(UP, { agentURL: agent.url });
    await api.announceMachine(DOWN, { agentURL: downURL });
    await api.announceMachine(GONE);
    await api.announceMachine(ALSO_UP, { agentURL: otherAgent.url });
    const placed = [
      ["logged.service", UP],
      ["followed.service", UP],
      ["broken.service", UP],
      ["unlogged.service", UP],
      ["orphan.service", DOWN],
      ["stranded.service", GONE],
    ] as const;
    for (const [name, machineId] of placed) {
      await api.submit(name, UNIT, "launched");
      await api.place(name, machineId);
    }
    api.registry.expireMachine(GONE);
    await api.settle();
    await api.submit("unplaced.service", UNIT);
    // A global unit has no placement: its machines are those that report it.
    await api.submit("everywhere.service", `${UNIT}[X-Fleet]\nGlobal=true\n`, "launched");
    await api.report(UP, "everywhere.service");
    await api.report(ALSO_UP, "everywhere.service");
  });
  after(async () => {
    await api.close();
    await agent.close();
    await otherAgent.close();
  });

  test("the agent's text, asked with the agents' token and the lines wanted: 200", async () => {
    const log = await api.request("GET", "/v1/units/logged.service/logs?lines=2");
    assert.equal(log.status, 200, log.text);
    assert.equal(log.headers["content-type"], "text/plain; charset=utf-8");
    assert.equal(log.text, "first line\nsecond line\n");
    assert.deepEqual(agent.seen.at(-1), {
      path: "/v1/units/logged.service/logs?lines=2&follow=false",
      authorization: `Bearer ${AGENT_TOKEN}`,
    });
    const byDefault = await api.request("GET", "/v1/units/logged.service/logs?follow=false");
    assert.equal(byDefault.status, 200);
    assert.equal(agent.seen.at(-1)?.path, "/v1/units/logged.service/logs?lines=100&follow=false");
  });

  test("follow streams what the agent writes, and stops following when the client goes away", async () => {
    const disconnect = new AbortController();
    const response = await api.inject({
      method: "GET",
      url: "/v1/units/followed.service/logs?follow=true",
      payloadAsStream: true,
      signal: disconnect.signal,
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers["content-type"], "text/plain; charset=utf-8");
    const body = response.stream() as Readable;
    body.on("error", () => {});
    let received = "";
    body.on("data", (chunk: Buffer) => {
      received += chunk.toString();
    });
    await waitUntil("the first line", () => received === "tick 1\n");
    following.response?.write("tick 2\n");
    await waitUntil("the second line", () => received === "tick 1\ntick 2\n");
    assert.equal(agent.seen.at(-1)?.path, "/v1/units/followed.service/logs?lines=100&follow=true");
    disconnect.abort();
    await waitUntil("the agent's stream to be closed", () => following.closed);
  });

  test("a global unit's log comes from its first machine, or the one asked for", async () => {
    const first = await api.request("GET", "/v1/units/everywhere.service/logs");
    assert.equal(first.status, 200, first.text);
    assert.equal(first.text, "from the first machine\n");
    assert.equal(
      agent.seen.at(-1)?.path,
      "/v1/units/everywhere.service/logs?lines=100&follow=false",
    );
    const chosen = await api.request(
      "GET",
      `/v1/units/everywhere.service/logs?machineId=${ALSO_UP}`,
    );
    assert.equal(chosen.status, 200, chosen.text);
    assert.equal(chosen.text, "from the other machine\n");
  });

  test("no such unit, no machine yet, another machine, or no log at the agent: 404", async () => {
    const cases = [
      ["nothing.service", "unit nothing.service does not exist"],
      ["unplaced.service", "unit unplaced.service is not on any machine, so it has no log yet"],
      [
        `logged.service/logs?machineId=${ALSO_UP}`,
        `unit logged.service is not on machine ${ALSO_UP}`,
      ],
      ["unlogged.service", `machine ${UP} has no log of unlogged.service`],
    ] as const;
    for (const [path, detail] of cases) {
      const url = path.includes("/logs") ? `/v1/units/${path}` : `/v1/units/${path}/logs`;
      assertProblem(await api.request("GET", url), 404, "unit-not-found", {
        instance: url,
        detail,
      });
    }
  });

  test("a machine that is gone, an agent that is down or fails: 502", async () => {
    assertProblem(
      await api.request("GET", "/v1/units/stranded.service/logs"),
      502,
      "agent-unavailable",
      {
        instance: "/v1/units/stranded.service/logs",
        detail: `machine ${GONE} of unit stranded.service is not present`,
      },
    );
    assertProblem(
      await api.request("GET", "/v1/units/orphan.service/logs"),
      502,
      "agent-unavailable",
      {
        instance: "/v1/units/orphan.service/logs",
        detail: new RegExp(
          `^the agent of machine ${DOWN} \\(${downURL}\\) did not give the log of orphan\\.service: .*ECONNREFUSED`,
        ),
      },
    );
    assertProblem(
      await api.request("GET", "/v1/units/broken.service/logs"),
      502,
      "agent-unavailable",
      {
        instance: "/v1/units/broken.service/logs",
        detail: `the agent of machine ${UP} (${agent.url}) did not give the log of broken.service: agent answered 500: disk on fire`,
      },
    );
  });

  test("bad names and parameters are 400 problems, and no agent is asked", async () => {
    const asked = agent.seen.length;
    const pattern = (what: string) => `querystring/${what}`;
    const cases = [
      ["lines=abc", `${pattern("lines")} must match pattern ${LINES}`, pattern("lines")],
      ["lines=123456", `${pattern("lines")} must match pattern ${LINES}`, pattern("lines")],
      [
        "follow=yes",
        `${pattern("follow")} must be equal to one of the allowed values`,
        pattern("follow"),
      ],
      [
        `machineId=${"m".repeat(257)}`,
        `${pattern("machineId")} must NOT have more than 256 characters`,
        pattern("machineId"),
      ],
      ["tail=5", "querystring must NOT have additional properties", "querystring"],
    ] as const;
    for (const [query, message, path] of cases) {
      const url = `/v1/units/logged.service/logs?${query}`;
      assertProblem(await api.request("GET", url), 400, "invalid-request", {
        instance: url,
        detail: message,
        errors: [{ message, path }],
      });
    }
    assertProblem(await api.request("GET", "/v1/units/logged/logs"), 400, "invalid-unit-name", {
      instance: "/v1/units/logged/logs",
      detail: 'unit name "logged" must contain "." followed by a unit type, as in "logged.service"',
    });
    assertProblem(
      await api.request("GET", "/v1/units/apache@.service/logs"),
      400,
      "template-not-loadable",
      {
        instance: "/v1/units/apache@.service/logs",
        detail:
          "apache@.service is a template, not a unit: it is a unit file (/v1/unit-files/apache@.service)",
      },
    );
    assert.equal(agent.seen.length, asked);
  });
});

test("every operation and status route-coverage.ts gives this file was answered", () =>
  assertRouteCoverage("logs"));
