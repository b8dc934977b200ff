import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { AgentClient, AgentError } from "../../agent-client/client.ts";
import { BooleanQuery, problemResponse, UnitNameParam } from "../../schema/common.ts";
import { wholeString } from "../../schema/pattern.ts";
import { SERVICE_RUNS_KEPT } from "../../unit/limits.ts";
import type { ServerContext } from "../context.ts";
import { ProblemError } from "../problems.ts";
import { validName } from "../unit-name.ts";

const LogQuery = Type.Object(
  {
    lines: Type.Optional(
      Type.String({
        pattern: wholeString("[0-9]{1,5}"),
        description: "How many recent lines (default 100)",
      }),
    ),
    follow: Type.Optional(BooleanQuery),
    machineId: Type.Optional(
      Type.String({
        maxLength: 256,
        description: "For a global unit: the machine whose log to read (default: the first)",
      }),
    ),
    run: Type.Optional(
      Type.String({
        pattern: wholeString(`[1-9][0-9]?`),
        description: `For a oneshot service: the output of one of its recent runs (its \`runs\`), 1 for the latest, 2 for the one before, up to ${SERVICE_RUNS_KEPT}`,
      }),
    ),
  },
  { additionalProperties: false },
);

/**
 * A unit's output, read from the agent of the machine it runs on. The control plane
 * proxies it so that a user needs the API's address only, never SSH to the machine.
 */
export function logRoutes(context: ServerContext): FastifyPluginAsyncTypebox {
  const { view } = context;

  /** The machine whose agent holds the unit's log: its placement, else where it reports. */
  const machineOf = (name: string, requested: string | undefined): string => {
    const record = view.units.get(name);
    if (!record || validName(name).kind === "template") {
      throw new ProblemError("unit-not-found", `unit ${name} does not exist`);
    }
    const placed = view.placements.get(name)?.machineId;
    const reportedOn = [...(view.states.get(name)?.keys() ?? [])].sort();
    if (requested !== undefined) {
      if (requested !== placed && !reportedOn.includes(requested)) {
        throw new ProblemError("unit-not-found", `unit ${name} is not on machine ${requested}`);
      }
      return requested;
    }
    const machineId = placed ?? reportedOn[0];
    if (!machineId) {
      throw new ProblemError(
        "unit-not-found",
        `unit ${name} is not on any machine, so it has no log yet`,
      );
    }
    return machineId;
  };

  /** The run `number` (1: the latest) of the unit's runs, as its machine reports them. */
  const runOf = (name: string, machineId: string, number: number) => {
    if (number > SERVICE_RUNS_KEPT)
      throw new ProblemError(
        "invalid-request",
        `run ${number}: only the latest ${SERVICE_RUNS_KEPT} runs of a unit are kept`,
      );
    const runs = view.states.get(name)?.get(machineId)?.runs ?? [];
    const run = runs[runs.length - number];
    if (!run) {
      throw new ProblemError(
        "not-found",
        runs.length === 0
          ? `${name} has no recorded runs on machine ${machineId}: only oneshot services have them`
          : `${name} has ${runs.length} recorded run(s) on machine ${machineId}; there is no run ${number}`,
      );
    }
    return run;
  };

  return async (app) => {
    app.get(
      "/v1/units/:name/logs",
      {
        schema: {
          operationId: "unitLogs",
          summary: "A unit's recent output, from the agent of its machine; streamed with follow",
          description:
            "Plain text, one line per output line. With follow=true the response stays open and new lines arrive as the unit writes them.",
          tags: ["units"],
          params: UnitNameParam,
          querystring: LogQuery,
          response: {
            200: {
              description: "Log lines",
              content: {
                "text/plain": {
                  schema: Type.String({
                    examples: [
                      "Dec 07 09:30:01 apache@80.service: AH00558: apache2: Could not reliably determine the server's fully qualified domain name\n",
                    ],
                  }),
                },
              },
            },
            400: problemResponse(400),
            404: problemResponse(404),
            502: problemResponse(502),
          },
        },
      },
      async (request, reply) => {
        const { name } = request.params;
        const machineId = machineOf(name, request.query.machineId);
        const machine = view.machines.get(machineId);
        if (!machine) {
          throw new ProblemError(
            "agent-unavailable",
            `machine ${machineId} of unit ${name} is not present`,
          );
        }
        const follow = request.query.follow === "true";
        const run =
          request.query.run === undefined
            ? undefined
            : runOf(name, machineId, Number(request.query.run));
        if (run && follow)
          throw new ProblemError(
            "invalid-request",
            "follow and run cannot be combined: a run's output is read whole",
          );
        // The agent's stream must end when our client goes away, or it would follow forever.
        const clientGone = new AbortController();
        reply.raw.on("close", () => clientGone.abort());
        const agent = new AgentClient({
          url: machine.agentURL,
          token: context.agentToken,
          dispatcher: context.agentDispatcher,
        });
        let body: Awaited<ReturnType<AgentClient["logs"]>>;
        try {
          body = await agent.logs(name, {
            lines: request.query.lines === undefined ? undefined : Number(request.query.lines),
            follow,
            ...(run
              ? { since: run.startedAt, ...(run.endedAt ? { until: run.endedAt } : {}) }
              : {}),
            signal: clientGone.signal,
          });
        } catch (error) {
          throw agentProblem(error, name, machineId, machine.agentURL);
        }
        if (!follow) {
          const text = await body.text().catch((error: unknown) => {
            throw agentProblem(error, name, machineId, machine.agentURL);
          });
          return reply.type("text/plain; charset=utf-8").send(text);
        }
        // Headers go out at once: a quiet unit must not look like a server that hangs.
        reply.hijack();
        const out = reply.raw;
        out.writeHead(200, {
          "content-type": "text/plain; charset=utf-8",
          "cache-control": "no-cache",
          "x-accel-buffering": "no",
        });
        out.flushHeaders();
        body.on("data", (chunk: Buffer) => out.write(chunk));
        body.on("end", () => out.end());
        body.on("error", () => out.end());
      },
    );
  };
}

function agentProblem(
  error: unknown,
  name: string,
  machineId: string,
  agentURL: string,
): ProblemError {
  if (error instanceof AgentError && error.status === 404) {
    return new ProblemError("unit-not-found", `machine ${machineId} has no log of ${name}`);
  }
  const why = error instanceof AgentError ? error.message : (error as Error).message;
  return new ProblemError(
    "agent-unavailable",
    `the agent of machine ${machineId} (${agentURL}) did not give the log of ${name}: ${why}`,
  );
}
