import type { UnitState } from "../unit/states.ts";
import { ApiFailure, expectFound } from "./api.ts";
import type { Unit } from "./api-types.ts";
import type { CliContext } from "./command.ts";
import { activeSummary, fleetStateOf, hasReached, hasStopped } from "./unit-states.ts";

/** fleetctl polled every 250 ms; one "block attempt" was 2 s of polling. */
const POLL_MS = 250;
export const ATTEMPT_MS = 2000;
/**
 * A unit that had already failed before `start` is failed again only once the agent has
 * had this long to act on the new request, or once it was seen in another state.
 */
const STALE_FAILURE_MS = 5000;

export type Goal = "load" | "start" | "stop" | "unload";

const GOAL_STATE: Record<Goal, UnitState> = {
  load: "loaded",
  start: "launched",
  stop: "loaded",
  unload: "inactive",
};

export interface WaitRequest {
  name: string;
  goal: Goal;
  /** The unit as it was before the command changed it, to tell an old failure from a new one. */
  before?: Unit;
}

export type WaitOutcome =
  | { name: string; ok: true; unit: Unit }
  | { name: string; ok: false; message: string; unit?: Unit; failedToStart?: boolean };

/**
 * Polls until every unit reaches its goal, as fleetctl waited: `attempts` windows of 2 s, or
 * forever for 0. Each success prints fleetctl's line (`Unit X loaded on 2c2a7f0e.../10.0.0.1`)
 * in the order the units were named; a start that fails ends that unit's wait with the
 * agent's reason. On a terminal a progress line says what is still awaited and why.
 */
export async function waitForUnits(
  context: CliContext,
  requests: readonly WaitRequest[],
  attempts: number,
): Promise<WaitOutcome[]> {
  const started = Date.now();
  const deadline = attempts > 0 ? started + attempts * ATTEMPT_MS : Number.POSITIVE_INFINITY;
  const watches = requests.map((request) => new UnitWatch(request, started));
  let reported = 0;
  for (;;) {
    await Promise.all(
      watches.filter((watch) => !watch.outcome).map((watch) => watch.poll(context)),
    );
    if (Date.now() >= deadline) {
      for (const watch of watches) watch.giveUp(attempts);
    }
    // In the order given, as soon as every unit before it is done.
    while (reported < watches.length && watches[reported]?.outcome) {
      await report(context, watches[reported] as UnitWatch);
      reported++;
    }
    const pending = watches.filter((watch) => !watch.outcome);
    if (pending.length === 0) break;
    const elapsed = Math.round((Date.now() - started) / 1000);
    context.out.progress(
      `Waiting ${elapsed}s for ${pending.map((watch) => watch.describe()).join(", ")}`,
    );
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  context.out.clearProgress();
  return watches.map((watch) => watch.outcome as WaitOutcome);
}

async function report(context: CliContext, watch: UnitWatch): Promise<void> {
  const outcome = watch.outcome as WaitOutcome;
  const machineId = outcome.unit?.machineId;
  const where = machineId ? ` on ${await context.machines.legend(machineId)}` : "";
  if (outcome.ok) {
    context.out.message(`Unit ${outcome.name} ${fleetStateOf(outcome.unit)}${where}`);
  } else if (outcome.failedToStart) {
    context.out.note(`Unit ${outcome.name} failed to start${where}: ${outcome.message}`);
  } else {
    context.out.note(`Error waiting for unit ${outcome.name}: ${outcome.message}`);
  }
}

/** One unit being waited for: its last sighting and, once decided, its outcome. */
class UnitWatch {
  outcome?: WaitOutcome;
  private last?: Unit;
  private lastError?: string;
  private sawOtherThanFailed = false;

  constructor(
    private readonly request: WaitRequest,
    private readonly started: number,
  ) {}

  async poll(context: CliContext): Promise<void> {
    const { name } = this.request;
    let unit: Unit | undefined;
    try {
      unit = await expectFound(
        context.api,
        context.api.client.GET("/v1/units/{name}", { params: { path: { name } } }),
      );
    } catch (error) {
      // fleetctl kept polling through errors; a refusal (bad token) will not go away, though.
      if (error instanceof ApiFailure && error.transient) {
        this.lastError = error.message;
        return;
      }
      this.outcome = { name, ok: false, message: (error as Error).message };
      return;
    }
    if (!unit) {
      this.outcome = { name, ok: false, message: `unit ${name} no longer exists` };
      return;
    }
    this.last = unit;
    this.lastError = undefined;
    if (this.reached(unit)) {
      this.outcome = { name, ok: true, unit };
      return;
    }
    const failure = this.failure(unit);
    if (failure) this.outcome = { name, ok: false, message: failure, unit, failedToStart: true };
  }

  giveUp(attempts: number): void {
    if (this.outcome) return;
    const { name } = this.request;
    const state = GOAL_STATE[this.request.goal];
    const now = this.last ? `; it is ${this.status(this.last)}` : "";
    this.outcome = {
      name,
      ok: false,
      message: `timed out after ${attempts} attempt(s) waiting for unit ${name} to report state ${state}${now}`,
      ...(this.last ? { unit: this.last } : {}),
    };
  }

  describe(): string {
    const { name, goal } = this.request;
    const now = this.lastError ?? (this.last ? this.status(this.last) : "unknown");
    return `${name} to be ${GOAL_STATE[goal]} (${now})`;
  }

  private reached(unit: Unit): boolean {
    if (this.request.goal === "stop") return hasStopped(unit);
    return hasReached(unit, GOAL_STATE[this.request.goal]);
  }

  /** Only a start fails: the agent reports the unit failed, with the command and status. */
  private failure(unit: Unit): string | undefined {
    if (this.request.goal !== "start") return undefined;
    if (unit.activeState !== "failed") {
      this.sawOtherThanFailed = true;
      return undefined;
    }
    const stale =
      this.request.before?.activeState === "failed" &&
      !this.sawOtherThanFailed &&
      Date.now() - this.started < STALE_FAILURE_MS;
    if (stale) return undefined;
    return unit.reason ?? activeSummary(unit);
  }

  private status(unit: Unit): string {
    const state = unit.activeState
      ? `${unit.currentState}, ${activeSummary(unit)}`
      : unit.currentState;
    return unit.reason ? `${state}: ${unit.reason}` : state;
  }
}
