import type { Static } from "typebox";
import type { DesiredState, UnitHealthRecord, UnitStateRecord } from "../registry/records.ts";
import type { AgentUnit } from "../schema/agent.ts";
import { unitHash } from "../unit/hash.ts";
import type { UnitFile } from "../unit/model.ts";
import { parseUnitFile } from "../unit/parse.ts";
import { type ServiceDefinition, serviceDefinition } from "../unit/service.ts";
import { isTimerName, readTimerSection } from "../unit/timer.ts";
import { HealthGate } from "./announce-gate.ts";
import type { CommandExecutor } from "./commands.ts";
import { resolveEnvironment } from "./environment.ts";
import { type Clock, HealthMonitor, systemClock } from "./health-monitor.ts";
import type { HealthProbes } from "./health-probes.ts";
import { HASH_LABEL, LAUNCH_LABEL, MACHINE_LABEL, UNIT_LABEL } from "./runtime/types.ts";
import { ServiceRunner } from "./service-runner.ts";
import { type TimerElapses, TimerRunner } from "./timer-runner.ts";
import { UnitLog } from "./unit-log.ts";

export type AgentUnitView = Static<typeof AgentUnit>;

/** What the control plane asks of one unit. */
export interface UnitWish {
  desiredState: DesiredState;
  hash: string;
  /** The launch asked for (see UnitRecord.launches); a later one restarts a running unit. */
  launch?: number;
  /** Withdraw the announcements made for the unit (see UnitRecord.draining). */
  draining?: boolean;
}

export interface MachineIdentity {
  id: string;
  publicIP: string;
  privateIP: string;
  hostname: string;
  bootId: string;
}

export interface UnitManagerOptions {
  machine: MachineIdentity;
  commands: CommandExecutor;
  /** The environment every unit starts from (PATH with the etcdctl shim, ...). */
  baseEnv: Readonly<Record<string, string>>;
  /** Reads a unit's text by content hash when the control plane sent only the hash. */
  fetchText: (hash: string) => Promise<string | undefined>;
  report: (unit: AgentUnitView) => void;
  withdraw: (name: string) => void;
  /** Runs units' health checks; without it, every unit's health is `none`. */
  health?: { probes: HealthProbes; clock?: Clock };
  /** Where timers claim their elapses (see TimerRunner). */
  timerElapses: TimerElapses;
  /** The clock timers elapse by; the system's by default. */
  clock?: Clock;
  /** The machine's time zone, for calendar expressions that name none. */
  localZone?: string;
}

export class UnitRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface ManagedUnit {
  name: string;
  hash: string;
  desired: DesiredState;
  /** The launch the unit last started for. */
  launch: number;
  definition: ServiceDefinition;
  runner: ServiceRunner | TimerRunner;
  log: UnitLog;
  health: HealthMonitor | undefined;
  /** The control plane drains it: the announcements made for it are withdrawn. */
  draining: boolean;
  /** Opens and closes its announcements (see ServiceDefinition.announcesFor). */
  gate: HealthGate;
  /** Adopted from an earlier agent: the health it reported, for the checks to go on from. */
  adoptedHealth?: { health?: UnitHealthRecord };
}

/** What `adopt` took up of the units an earlier agent reported. */
export interface Adopted {
  /** Units taken up as they were; their containers are theirs. */
  units: string[];
  /** Units whose main process ended while no agent watched: `startEnded` starts them again. */
  ended: string[];
}

/**
 * The units of one machine, as systemd keeps them: loaded, started and stopped on request,
 * with the relations between units on the same machine: Requires=/Wants= start those units
 * too, BindsTo= stops this unit when the other stops or fails (and starts it again once a
 * restart brings the other back), After=/Before= order starts.
 */
export class UnitManager {
  private readonly units = new Map<string, ManagedUnit>();
  private readonly logs = new Map<string, UnitLog>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly explicitStops = new Set<string>();
  /**
   * Units being restarted (Restart=, RestartAfter=): once active again, the units bound to
   * them start again too.
   */
  private readonly restarting = new Set<string>();
  /** Units being stopped because another stopped (BindsTo=, Requires=), by the other's name. */
  private readonly stoppedBecauseOf = new Map<string, string>();
  /** The agent is stopping: no unit's checks start again. */
  private healthStopped = false;

  constructor(private readonly options: UnitManagerOptions) {}

  /** Applies the control plane's wish for one unit; idempotent. Starting happens in the background. */
  apply(name: string, wish: UnitWish, text?: string): Promise<AgentUnitView> {
    return this.serialise(name, () => this.doApply(name, wish, text));
  }

  list(): AgentUnitView[] {
    return [...this.units.keys()].sort().map((name) => this.view(name) as AgentUnitView);
  }

  view(name: string): AgentUnitView | undefined {
    const unit = this.units.get(name);
    if (!unit) return undefined;
    const { status } = unit.runner;
    // A check that cannot run on this machine (a value of the instance's, say) is said where
    // the API shows a unit's trouble; why the unit failed comes first.
    const error = status.error ?? healthProblemOf(unit.definition);
    return {
      name,
      hash: unit.hash,
      desiredState: unit.desired,
      loadState: "loaded",
      activeState: status.activeState,
      subState: status.subState,
      since: status.since,
      ...(error ? { error } : {}),
      restarts: status.restarts,
      ...(status.lastExit ? { lastExit: status.lastExit } : {}),
      ...(status.runs ? { runs: status.runs } : {}),
      ...(unit.launch > 0 ? { launch: unit.launch } : {}),
      ...(unit.draining ? { draining: true } : {}),
      ...healthView(unit.health),
      ...(unit.runner instanceof TimerRunner ? { timer: unit.runner.timer } : {}),
    };
  }

  /** A unit's log; it outlives the unit's unloading so that its last words can be read. */
  log(name: string): UnitLog | undefined {
    return this.logs.get(name);
  }

  /**
   * Ends every unit's health checks, aborting those in flight: the agent is leaving, and a
   * check must not restart (RestartAfter=) a unit meanwhile, stopped or left running.
   */
  stopHealthMonitors(): void {
    this.healthStopped = true;
    for (const unit of this.units.values()) unit.health?.stop();
  }

  /** Stops every unit, dependents first (the reverse of the order they were loaded in). */
  async stopAll(): Promise<void> {
    for (const unit of [...this.units.values()].reverse()) await this.stopExplicitly(unit);
  }

  /**
   * Takes up the units an earlier agent of this machine reported (`previous`, its states in
   * etcd) as it left them, running none of their commands: the control plane, finding the
   * states it expects, asks nothing, and only what changed while no agent ran is touched.
   * Units that others announce go first, so that an adopted announcement finds the unit it
   * serves running, with its health, and is never withdrawn. Units caught between states,
   * or whose main process cannot be followed, are not taken up: the control plane asks for
   * them again, and they start anew.
   */
  async adopt(previous: readonly UnitStateRecord[]): Promise<Adopted> {
    const adopted: Adopted = { units: [], ended: [] };
    const loaded: [ManagedUnit, UnitStateRecord][] = [];
    for (const state of previous) {
      if (state.desiredState === "inactive" || state.loadState !== "loaded") continue;
      const unit = await this.load(state.name, state.hash, undefined).catch(() => undefined);
      if (!unit) continue;
      unit.desired = state.desiredState;
      unit.launch = state.launch ?? 0;
      unit.draining = state.draining === true;
      unit.adoptedHealth = state.health ? { health: state.health } : {};
      if (state.runs && unit.runner instanceof ServiceRunner)
        unit.runner.status = { ...unit.runner.status, runs: state.runs };
      loaded.push([unit, state]);
    }
    const announcing = ([unit]: [ManagedUnit, UnitStateRecord]) =>
      unit.definition.announcesFor.length > 0 ? 1 : 0;
    for (const [unit, state] of loaded.sort((a, b) => announcing(a) - announcing(b))) {
      this.units.set(unit.name, unit);
      const outcome =
        state.activeState === "inactive"
          ? "adopted"
          : await unit.runner.adopt(state).catch((error: unknown) => {
              // Gone between the listing and now, say: the unit starts anew.
              unit.log.line(`Cannot adopt what an earlier agent left: ${(error as Error).message}`);
              return "unsupported" as const;
            });
      unit.adoptedHealth = undefined;
      if (outcome === "unsupported") {
        this.units.delete(unit.name);
        continue;
      }
      adopted[outcome === "adopted" ? "units" : "ended"].push(unit.name);
      this.report(unit.name);
    }
    // A timer taken up before its service learns only now whether that service runs.
    for (const unit of this.units.values())
      for (const timer of this.timersOf(unit.name))
        timer.unitChanged(unit.runner.status.activeState);
    return adopted;
  }

  /** Starts again the adopted units whose main process ended while no agent watched. */
  startEnded(names: readonly string[]): void {
    for (const name of names) void this.startWithDependencies(name, new Set());
  }

  private async doApply(
    name: string,
    { desiredState: desired, hash, launch = 0, draining = false }: UnitWish,
    text: string | undefined,
  ): Promise<AgentUnitView> {
    const existing = this.units.get(name);
    const unchangedWish = existing?.desired === desired && existing.hash === hash;
    if (desired === "inactive") {
      if (existing) {
        await this.stopExplicitly(existing);
        existing.health?.stop();
        this.units.delete(name);
      }
      // Also when the unit is not here: the control plane asks because etcd still holds a
      // state of it for this machine, left by a report that outlived the unit.
      this.options.withdraw(name);
      this.gatesChanged(name);
      return {
        name,
        hash,
        desiredState: "inactive",
        loadState: "not-found",
        activeState: "inactive",
        subState: "dead",
        since: new Date().toISOString(),
        restarts: 0,
      };
    }
    if (
      existing &&
      existing.hash === hash &&
      existing.desired === desired &&
      !(desired === "launched" && launch > existing.launch) &&
      existing.draining !== draining
    ) {
      // Only the drain changed: the unit is left as it is (a failed one is not started again).
      this.setDraining(existing, draining);
      this.report(name);
      return this.view(name) as AgentUnitView;
    }
    let unit = existing;
    if (!unit || unit.hash !== hash) {
      const wasActive = unit?.runner.isActive ?? false;
      if (unit) await this.stopExplicitly(unit);
      unit?.health?.stop();
      unit = await this.load(name, hash, text);
      this.units.set(name, unit);
      // New content for a running unit restarts it: the units bound to it come back with it.
      if (wasActive) this.restarting.add(name);
      this.report(name);
      if (wasActive || this.neededByActive(name)) void this.startWithDependencies(name, new Set());
    }
    unit.desired = desired;
    this.setDraining(unit, draining);
    if (desired === "launched" && launch > unit.launch) {
      // A stop and a start asked for in quick succession (a restart): the unit may never
      // have been told to stop, but it must run anew.
      const restart = unit.runner.isActive && unit.launch > 0;
      unit.launch = launch;
      if (restart) {
        unit.log.line(`Restarting for launch ${launch}`);
        await this.stopExplicitly(unit);
      }
    }
    if (desired === "launched") void this.startWithDependencies(name, new Set());
    // Also when it is not active: a restart's start may be pending, and must not happen. A
    // run a timer started goes on: the control plane repeating "loaded" does not mean stop.
    else if (!this.neededByActive(name) && !(unchangedWish && this.triggeredHere(name)))
      void this.stopExplicitly(unit);
    this.report(name);
    return this.view(name) as AgentUnitView;
  }

  private async load(name: string, hash: string, given: string | undefined): Promise<ManagedUnit> {
    const text = given ?? (await this.options.fetchText(hash));
    if (text === undefined)
      throw new UnitRequestError(422, `no unit content with hash ${hash} is stored`);
    const parsed = parseUnitFile(text);
    if (!parsed.ok) {
      throw new UnitRequestError(
        400,
        `unit ${name} cannot be parsed: line ${parsed.errors[0]?.line}: ${parsed.errors[0]?.message}`,
      );
    }
    if (unitHash(parsed.file) !== hash)
      throw new UnitRequestError(400, `the text of ${name} does not have hash ${hash}`);
    const { machine } = this.options;
    const definition = serviceDefinition(parsed.file, {
      unitName: name,
      machineId: machine.id,
      hostname: machine.hostname,
      bootId: machine.bootId,
    });
    const log = this.logs.get(name) ?? new UnitLog(name);
    this.logs.set(name, log);
    const gate = new HealthGate(() => this.announcementsClosedBecause(name, definition));
    const runner = isTimerName(name)
      ? this.timerRunner(name, parsed.file, log)
      : this.serviceRunner(name, hash, definition, log, gate);
    let health: HealthMonitor | undefined;
    if (runner instanceof ServiceRunner) {
      const healthProblem = healthProblemOf(definition);
      if (healthProblem) log.line(healthProblem);
      health = this.healthMonitor(name, runner, definition, log);
    }
    return {
      name,
      hash,
      desired: "loaded",
      launch: 0,
      definition,
      runner,
      log,
      health,
      draining: false,
      gate,
    };
  }

  private serviceRunner(
    name: string,
    hash: string,
    definition: ServiceDefinition,
    log: UnitLog,
    gate: HealthGate,
  ): ServiceRunner {
    const { machine } = this.options;
    const runner: ServiceRunner = new ServiceRunner(definition, {
      commands: this.options.commands,
      log,
      labels: () => ({
        [UNIT_LABEL]: name,
        [MACHINE_LABEL]: machine.id,
        [HASH_LABEL]: hash,
        [LAUNCH_LABEL]: String(this.units.get(name)?.launch ?? 0),
      }),
      announceGate: gate,
      environment: () =>
        resolveEnvironment(definition, this.options.baseEnv, {
          COREOS_PUBLIC_IPV4: machine.publicIP,
          COREOS_PRIVATE_IPV4: machine.privateIP,
        }),
      onChange: () => this.changed(name, runner),
    });
    return runner;
  }

  /** A timer starts its service here, with systemd's variables naming the timer and elapse. */
  private timerRunner(name: string, file: UnitFile, log: UnitLog): TimerRunner {
    const { machine } = this.options;
    const timer = readTimerSection(file, {
      unitName: name,
      machineId: machine.id,
      hostname: machine.hostname,
      bootId: machine.bootId,
    });
    if (!timer.ok) {
      const [first] = timer.errors;
      throw new UnitRequestError(
        400,
        `timer ${name} cannot run: line ${first?.line}: ${first?.message}`,
      );
    }
    const runner: TimerRunner = new TimerRunner({
      name,
      definition: timer.timer,
      elapses: this.options.timerElapses,
      clock: this.options.clock ?? systemClock,
      localZone: this.options.localZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
      unitLoaded: () => this.units.has(timer.timer.unit),
      startUnit: (elapse) =>
        this.startTriggered(timer.timer.unit, {
          TRIGGER_UNIT: name,
          TRIGGER_TIMER_REALTIME_USEC: String(elapse * 1000),
        }),
      log,
      onChange: () => this.changed(name, runner),
    });
    // Its service may be running already: this timer's content replaced mid-run, say.
    const service = this.units.get(timer.timer.unit);
    if (service) runner.unitChanged(service.runner.status.activeState);
    return runner;
  }

  private healthMonitor(
    name: string,
    runner: ServiceRunner,
    definition: ServiceDefinition,
    log: UnitLog,
  ): HealthMonitor | undefined {
    const { health } = this.options;
    if (!health) return undefined;
    const current = () => this.units.get(name)?.runner === runner;
    return new HealthMonitor({
      check: definition.health,
      probes: health.probes,
      clock: health.clock ?? systemClock,
      onChange: () => {
        if (current()) this.report(name);
      },
      onRestart: (reason) => {
        if (current()) void this.restartUnhealthy(name, runner, reason);
      },
      log: (line) => log.line(line),
      onImageChecked: () => {
        if (current()) this.gatesChanged(name);
      },
    });
  }

  /**
   * Restarts a unit whose checks failed RestartAfter= times in a row, as Restart= would
   * (counted, within the start limit). Only the stop is in turn with the control plane's
   * requests for the unit: the start comes after, outside that turn, so that a stop asked
   * meanwhile neither waits for a whole start nor is undone by it. Once the unit runs again,
   * `changed` starts the units bound to it (BindsTo=, Requires=) that its stop took down, and
   * what it Requires= or Wants= is started again, as after any start.
   */
  private async restartUnhealthy(name: string, runner: ServiceRunner, reason: string) {
    const stopped = await this.serialise(name, async () => {
      const unit = this.units.get(name);
      if (unit?.runner !== runner || runner.status.activeState !== "active") return false;
      unit.log.line(`Restarting: ${reason}`);
      if (!(await runner.stopForRestart())) return false;
      this.restarting.add(name);
      return true;
    });
    if (!stopped) return;
    await runner.resume();
    const unit = this.units.get(name);
    if (unit?.runner !== runner || runner.status.activeState !== "active") return;
    const { requires, bindsTo, wants } = unit.definition;
    for (const dependency of new Set([...requires, ...bindsTo, ...wants]))
      void this.startWithDependencies(dependency, new Set([name]));
  }

  /**
   * A restarted unit runs again: the units bound to it (BindsTo=) or requiring it (Requires=)
   * that are to run start again, as systemd propagates a restart to them. They stopped with it,
   * and the control plane, whose wish for them has not changed, will not ask again.
   */
  private startDependents(name: string): void {
    for (const other of this.units.values()) {
      if (other.desired !== "launched" || other.runner.isActive) continue;
      const { bindsTo, requires } = other.definition;
      if (!bindsTo.includes(name) && !requires.includes(name)) continue;
      other.log.line(`Starting again: ${name} was restarted`);
      void this.startWithDependencies(other.name, new Set());
    }
  }

  private changed(name: string, runner: ServiceRunner | TimerRunner): void {
    const unit = this.units.get(name);
    if (unit?.runner !== runner) return;
    for (const timer of this.timersOf(name)) timer.unitChanged(runner.status.activeState);
    // Checks run while the main process does; the state reported next carries their start
    // (`starting`) or their end (no health), in the same write.
    const { activeState, subState } = runner.status;
    if (
      runner instanceof ServiceRunner &&
      activeState === "active" &&
      subState === "running" &&
      !this.healthStopped
    ) {
      unit.health?.start(
        {
          env: runner.startedEnvironment,
          ...(runner.mainContainer ? { containerId: runner.mainContainer } : {}),
        },
        unit.adoptedHealth,
      );
    } else {
      unit.health?.stop();
    }
    this.report(name);
    if (subState === "auto-restart") this.restarting.add(name);
    if (activeState === "active" && this.restarting.delete(name)) this.startDependents(name);
    if (activeState !== "inactive" && activeState !== "failed") return;
    const explicit = this.explicitStops.has(name);
    // A unit stopped because another stopped does not stop that one in turn: the web unit that
    // Requires= the sidekick bound to it (BindsTo=) may be starting again by now, with new
    // content, and the sidekick's stop is its own stop coming back.
    const cause = this.stoppedBecauseOf.get(name);
    this.stoppedBecauseOf.delete(name);
    for (const other of this.units.values()) {
      if (other.name === cause) continue;
      const bound = other.definition.bindsTo.includes(name);
      const required = explicit && other.definition.requires.includes(name);
      if ((bound || required) && other.runner.isActive) {
        other.log.line(
          `Stopping because ${name} ${activeState === "failed" ? "failed" : "stopped"} (${bound ? "BindsTo" : "Requires"}=)`,
        );
        this.stoppedBecauseOf.set(other.name, name);
        void this.stopExplicitly(other);
      }
    }
  }

  private async startWithDependencies(
    name: string,
    visiting: Set<string>,
    trigger?: Readonly<Record<string, string>>,
  ): Promise<void> {
    if (visiting.has(name)) return;
    visiting.add(name);
    const unit = this.units.get(name);
    if (!unit) return;
    const { definition } = unit;
    const dependencies = [
      ...new Set([...definition.requires, ...definition.bindsTo, ...definition.wants]),
    ];
    const concurrent: Promise<void>[] = [];
    for (const dependency of dependencies) {
      const other = this.units.get(dependency);
      if (!other) {
        unit.log.line(
          `${dependency} is not loaded on this machine; starting without it until it is`,
        );
        continue;
      }
      const ordered =
        definition.after.includes(dependency) || other.definition.before.includes(name);
      const started = this.startWithDependencies(dependency, visiting);
      if (ordered) await started;
      else concurrent.push(started);
    }
    await unit.runner.start(trigger);
    await Promise.all(concurrent);
  }

  /** The timers of this machine that start `service`. */
  private timersOf(service: string): TimerRunner[] {
    const timers: TimerRunner[] = [];
    for (const unit of this.units.values())
      if (unit.runner instanceof TimerRunner && unit.runner.timer.unit === service)
        timers.push(unit.runner);
    return timers;
  }

  /** Whether an active timer of this machine starts `service`. */
  private triggeredHere(service: string): boolean {
    return this.timersOf(service).some((timer) => timer.isActive);
  }

  /**
   * A timer elapsed: starts its service, in turn with the control plane's requests for the
   * service, and settles once the start is over (a oneshot's run included).
   */
  private async startTriggered(
    service: string,
    trigger: Readonly<Record<string, string>>,
  ): Promise<boolean> {
    // Wrapped, so that the queue waits for the start to begin, not for the run to end.
    const started = await this.serialise(service, async () =>
      this.units.has(service)
        ? { run: this.startWithDependencies(service, new Set(), trigger) }
        : undefined,
    );
    if (!started) return false;
    await started.run;
    return true;
  }

  /**
   * True when an active unit on this machine requires or wants this one: then it runs even
   * though only loaded (the sidekick a web unit's Requires= started). A unit bound to this one
   * (BindsTo=) does not keep it running: it follows it down instead.
   */
  private neededByActive(name: string): boolean {
    for (const other of this.units.values()) {
      if (other.name === name || !other.runner.isActive) continue;
      if (other.definition.requires.includes(name) || other.definition.wants.includes(name))
        return true;
    }
    return false;
  }

  private async stopExplicitly(unit: ManagedUnit): Promise<void> {
    this.restarting.delete(unit.name);
    this.explicitStops.add(unit.name);
    try {
      await unit.runner.stop();
    } finally {
      this.explicitStops.delete(unit.name);
    }
  }

  private report(name: string): void {
    const view = this.view(name);
    if (view) this.options.report(view);
    this.gatesChanged(name);
  }

  private setDraining(unit: ManagedUnit, draining: boolean): void {
    if (unit.draining === draining) return;
    unit.draining = draining;
    unit.log.line(
      draining ? "Draining: the announcements made for it are withdrawn" : "No longer draining",
    );
  }

  /**
   * Why the announcements of `name` must not exist now: the unit itself, or one it announces
   * for (BindsTo=, MachineOf=) that runs here, is draining, not running, starting or
   * unhealthy. A unit it is placed with (MachineOf=) runs here or nowhere: not loaded here, it
   * is not running; one it is only bound to (BindsTo=) may run elsewhere, and is not judged here.
   */
  private announcementsClosedBecause(
    name: string,
    definition: ServiceDefinition,
  ): string | undefined {
    if (this.units.get(name)?.draining) return `${name} is draining`;
    for (const served of definition.announcesFor) {
      const unit = this.units.get(served);
      if (!unit) {
        if (definition.placedWith.includes(served)) return `${served} is not loaded here`;
        continue;
      }
      if (unit.draining) return `${served} is draining`;
      const { activeState, subState } = unit.runner.status;
      if (activeState !== "active") return `${served} is ${activeState}`;
      const health = unit.health?.report?.status;
      if (health === "starting" || health === "unhealthy") return `${served} is ${health}`;
      if (unit.health?.awaitingVerdict) return `${served} is starting`;
      if (subState !== "running" && subState !== "exited") return `${served} is ${subState}`;
    }
    return undefined;
  }

  /** Something the gates of `name` and of the units announcing it look at has changed. */
  private gatesChanged(name: string): void {
    for (const unit of this.units.values())
      if (unit.name === name || unit.definition.announcesFor.includes(name)) unit.gate.changed();
  }

  private serialise<T>(name: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(name) ?? Promise.resolve();
    const next = previous.then(operation, operation);
    const settled = next.catch(() => {});
    this.queues.set(name, settled);
    void settled.then(() => {
      if (this.queues.get(name) === settled) this.queues.delete(name);
    });
    return next;
  }
}

/** Why the unit's [X-Health] check does not run, when it declares one that cannot. */
function healthProblemOf(definition: ServiceDefinition): string | undefined {
  return definition.healthProblem && `[X-Health] is not checked: ${definition.healthProblem}`;
}

/** A unit's health for the agent's view: the reported one, and the last check. */
function healthView(
  monitor: HealthMonitor | undefined,
): Pick<AgentUnitView, "health" | "lastHealthCheck"> {
  const report = monitor?.report;
  const last = monitor?.lastCheck;
  return {
    ...(report ? { health: report } : {}),
    ...(last
      ? {
          lastHealthCheck: {
            at: new Date(last.at).toISOString(),
            ok: last.ok,
            output: last.output,
          },
        }
      : {}),
  };
}
