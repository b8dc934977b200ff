// Carries out the plan's operations through the API of a live server, one request at a time,
// and tells the write model what each request may have written and what came of it.
import { call, outcomeOf, type Reply } from "./api.ts";
import { FILES, GROUPS, isSidekick } from "./catalog.ts";
import type { Clock } from "./clock.ts";
import type { ChaosCluster, ChaosServer } from "./cluster.ts";
import type { History } from "./history.ts";
import type { Operation, Timed } from "./plan.ts";
import type { Answer } from "./sample.ts";
import { UnsettledWrites } from "./unsettled-writes.ts";
import { ABSENT, type Field, isTemplate, templateOf, type WriteModel } from "./write-model.ts";

/** A rollout's options: short waits, so that a rollout ends within a short campaign. */
const ROLLOUT_OPTIONS = {
  minHealthySeconds: 2,
  healthyDeadlineSeconds: 60,
  progressDeadlineSeconds: 120,
  drainSeconds: 1,
};

export class Workload {
  readonly outcomes: Record<string, Record<string, number>> = {};
  private readonly unsettled: UnsettledWrites;

  constructor(
    private readonly cluster: ChaosCluster,
    private readonly clock: Clock,
    private readonly model: WriteModel,
    private readonly history: History,
    /** The hash of each file's two versions. */
    private readonly hashes: ReadonlyMap<string, [string, string]>,
    private readonly onAnswer: (answer: Answer) => void,
  ) {
    this.unsettled = new UnsettledWrites(model, clock, history);
  }

  async run(operation: Timed<Operation>): Promise<void> {
    switch (operation.kind) {
      case "set-state": {
        const group = GROUPS[operation.group];
        if (!group) return;
        const { service, sidekick } = group;
        // Up, the service first: a sidekick's MachineOf needs it placed; down, the sidekick first.
        const order =
          operation.desiredState === "launched" ? [service, sidekick] : [sidekick, service];
        for (const unit of order)
          if (unit) await this.setState(unit, operation.desiredState, operation.server);
        return;
      }
      case "destroy": {
        const group = GROUPS[operation.group];
        if (!group) return;
        for (const unit of [group.sidekick, group.service])
          if (unit) await this.destroy(unit, operation.server);
        return;
      }
      case "submit":
        return this.submit(operation.file, operation.version, operation.server);
      case "rollout":
        return this.rollout(operation);
    }
  }

  /**
   * Makes each sidekick follow its service again where lost answers left them apart: a
   * sidekick launched beside a service that is not can never be placed.
   */
  async pairSidekicks(units: { name: string; desiredState?: string }[]): Promise<void> {
    let pick = 0;
    const desired = new Map(units.map((unit) => [unit.name, unit.desiredState]));
    for (const { service, sidekick } of GROUPS) {
      if (!sidekick || desired.get(sidekick) !== "launched") continue;
      const wanted = desired.get(service);
      if (wanted === "launched") continue;
      for (let attempt = 0; attempt < 5; attempt++) {
        pick = (pick + 0.34) % 1;
        const outcome =
          wanted === undefined
            ? await this.destroy(sidekick, pick)
            : await this.setState(sidekick, wanted as "loaded" | "inactive", pick);
        if (outcome !== "unknown") break;
      }
    }
  }

  /** Settles what can no longer take effect (see UnsettledWrites). */
  async settle(): Promise<void> {
    await this.unsettled.settle(async () => {
      const server = this.liveServer(0);
      if (!server) return undefined;
      const reply = await this.request(server, "GET", "/v1/rollouts", {});
      return reply.status === 200 && Array.isArray(reply.json?.rollouts)
        ? reply.json.rollouts
        : undefined;
    });
  }

  /** Whether a rollout may still be running. */
  get rolling(): boolean {
    return this.unsettled.rolling;
  }

  private async setState(
    unit: string,
    desiredState: "launched" | "loaded" | "inactive",
    pick: number,
  ) {
    const at = this.clock.now();
    const template = templateOf(unit);
    const writes = [this.model.begin(unit, "desired", [desiredState], at)];
    // An instance that does not exist yet is created with its template's content.
    if (template) {
      const contents = [...this.model.acceptable(template, "content", at)].filter(
        (v) => v !== ABSENT,
      );
      writes.push(this.model.begin(unit, "content", contents, at));
    }
    return this.write(
      `set ${desiredState}`,
      unit,
      writes,
      pick,
      "PUT",
      `/v1/units/${unit}`,
      { json: { desiredState } },
      (reply) => [[desiredState], reply.json?.hash ? [reply.json.hash] : undefined],
    );
  }

  private async destroy(unit: string, pick: number) {
    const at = this.clock.now();
    const writes = (["desired", "content"] as Field[]).map((field) =>
      this.model.begin(unit, field, [ABSENT], at),
    );
    return this.write("destroy", unit, writes, pick, "DELETE", `/v1/units/${unit}`, {}, () => [
      [ABSENT],
      [ABSENT],
    ]);
  }

  private async submit(file: string, version: number, pick: number): Promise<void> {
    const text = FILES.find((candidate) => candidate.name === file)?.versions[version];
    const hash = this.hashes.get(file)?.[version];
    if (text === undefined || hash === undefined) return;
    const at = this.clock.now();
    const writes = [this.model.begin(file, "content", [hash], at)];
    // A unit file submitted where there was none is a unit, inactive; one replaced keeps its state.
    if (!isTemplate(file)) writes.push(this.model.begin(file, "desired", ["inactive"], at));
    await this.write(
      `submit v${version + 1}`,
      file,
      writes,
      pick,
      "PUT",
      `/v1/unit-files/${file}?replace=true`,
      { text },
      (reply) => [[hash], reply.json?.created ? ["inactive"] : "unchanged"],
    );
  }

  private async rollout(operation: Timed<Extract<Operation, { kind: "rollout" }>>): Promise<void> {
    const { template, version } = operation;
    const text = FILES.find((file) => file.name === template)?.versions[version];
    const toHash = this.hashes.get(template)?.[version];
    if (text === undefined || toHash === undefined) return;
    const at = this.clock.now();
    const before = [...this.model.acceptable(template, "content", at)].filter((v) => v !== ABSENT);
    // It writes the template and every instance, and goes on writing after its answer.
    const write = this.model.begin(template, "content", [...before, toHash], at, true);
    const server = this.liveServer(operation.server);
    if (!server) {
      this.model.fail(write);
      this.count("rollout", "skipped");
      return;
    }
    const options = {
      ...ROLLOUT_OPTIONS,
      canaries: operation.canaries,
      maxParallel: operation.maxParallel,
    };
    const reply = await this.request(server, "POST", "/v1/rollouts", {
      json: { target: template, text, options },
    });
    const outcome = outcomeOf(reply);
    this.count("rollout", outcome);
    this.log("rollout", `${template} to v${version + 1}`, server, reply, outcome);
    if (outcome === "refused") {
      this.model.fail(write);
      return;
    }
    if (outcome === "acked") {
      const fromHash: string | undefined = reply.json?.template?.fromHash;
      this.model.ack(write, this.clock.now(), fromHash ? [fromHash, toHash] : undefined, true);
    } else {
      this.model.unknown(write);
    }
    this.unsettled.rollout(write, template, reply.json?.id);
  }

  /**
   * Sends one request that may write `writes`; on an acknowledgement, `values` gives what each
   * then holds as the answer names it ("unchanged": that one did not happen after all;
   * undefined: as sent).
   */
  private async write(
    kind: string,
    unit: string,
    writes: number[],
    pick: number,
    method: string,
    path: string,
    body: { json?: unknown; text?: string },
    values: (reply: Reply) => (string[] | "unchanged" | undefined)[],
  ): Promise<"acked" | "refused" | "unknown" | "skipped"> {
    const server = this.liveServer(pick);
    if (!server) {
      for (const write of writes) this.model.fail(write);
      this.count(kind, "skipped");
      return "skipped";
    }
    const reply = await this.request(server, method, path, body);
    const outcome = outcomeOf(reply);
    const at = this.clock.now();
    this.count(kind, outcome);
    this.log(kind, unit, server, reply, outcome);
    if (outcome === "acked") {
      const acked = values(reply);
      writes.forEach((write, i) => {
        const value = acked[i];
        if (value === "unchanged") this.model.fail(write);
        else this.model.ack(write, at, value);
      });
    } else if (outcome === "refused") {
      for (const write of writes) this.model.fail(write);
    } else {
      // An answer (a 5xx) seals the request's fate; a timeout leaves it to the server's.
      const settled = reply.status !== undefined ? at : undefined;
      for (const write of writes) this.model.unknown(write, settled);
      if (settled === undefined) this.unsettled.lost(writes, server, at);
    }
    return outcome;
  }

  private async request(
    server: ChaosServer,
    method: string,
    path: string,
    body: { json?: unknown; text?: string },
  ): Promise<Reply> {
    const reply = await call(`${server.url}${path}`, method, body);
    if (reply.status !== undefined)
      this.onAnswer({
        at: this.clock.now(),
        method,
        path,
        status: reply.status,
        retryAfter: reply.retryAfter,
      });
    return reply;
  }

  /** One of the servers running unpaused now, chosen by the plan's fraction. */
  private liveServer(pick: number): ChaosServer | undefined {
    const live = this.cluster.servers.filter((server) => server.daemon.state === "up");
    return live[Math.min(live.length - 1, Math.floor(pick * live.length))];
  }

  private count(kind: string, outcome: string): void {
    const outcomes = this.outcomes[kind] ?? {};
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    this.outcomes[kind] = outcomes;
  }

  private log(
    kind: string,
    what: string,
    server: ChaosServer,
    reply: Reply,
    outcome: string,
  ): void {
    const answer = reply.status !== undefined ? String(reply.status) : (reply.error ?? "no answer");
    const sidekick = isSidekick(what) ? " (sidekick)" : "";
    this.history.add(
      this.clock.now(),
      "op",
      `${kind} ${what}${sidekick} via ${server.url}: ${answer} → ${outcome}`,
    );
  }
}
