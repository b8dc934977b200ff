// The fleetctl commands fleet's functional scenarios use, two ways: as fleet's own Go
// fleetctl sends them to /fleet/v1 (its requests and polls replayed step by step, from
// coreos/fleet fleetctl/*.go), and typed through Flotilla's CLI, which speaks /v1.
import assert from "node:assert/strict";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { http } from "./http.ts";
import { typeLine, userShell } from "./shell.ts";
import { waitUntil } from "./wait.ts";

export interface Block {
  /** --no-block */
  block?: boolean;
}

export interface Fleetctl {
  readonly name: string;
  /** A unit file in the working directory, submitted by the first command that names it. */
  write(name: string, text: string): Promise<void>;
  load(names: string[], options?: Block): Promise<void>;
  start(names: string[], options?: Block): Promise<void>;
  stop(name: string, options?: Block): Promise<void>;
  unload(name: string, options?: Block): Promise<void>;
  destroy(name: string, options?: Block): Promise<void>;
  /** fleet's restart has no --no-block; Flotilla's CLI adds one. */
  restart(name: string, options?: Block): Promise<void>;
  /** The units whose processes run, by the command's own listing. */
  runningUnits(): Promise<string[]>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Go's fleetctl, request by request, against /fleet/v1. */
export class FleetctlReplay implements Fleetctl {
  readonly name = "fleet's fleetctl";
  private readonly files = new Map<string, string>();

  constructor(private readonly url: string) {}

  async write(name: string, text: string): Promise<void> {
    this.files.set(name, text);
  }

  /** cAPI.Unit: the unit, or undefined on 404. */
  private async unit(name: string): Promise<any> {
    const response = await http("GET", `${this.url}/fleet/v1/units/${encodeURIComponent(name)}`);
    if (response.status === 404) return undefined;
    assert.equal(response.status, 200, response.text);
    return response.json;
  }

  /** findUnits: one listing, filtered by name. */
  private async findUnits(names: string[]): Promise<any[]> {
    const response = await http("GET", `${this.url}/fleet/v1/units`);
    assert.equal(response.status, 200, response.text);
    const units = response.json.units ?? [];
    return names.map((name) => {
      const unit = units.find((candidate: any) => candidate.name === name);
      assert.ok(unit, `fleetctl: unit ${name} not found`);
      return unit;
    });
  }

  private async setTargetState(name: string, desiredState: string): Promise<void> {
    const response = await http("PUT", `${this.url}/fleet/v1/units/${encodeURIComponent(name)}`, {
      json: { name, desiredState },
    });
    assert.equal(response.status, 204, response.text);
  }

  /** lazyCreateUnits: a unit the cluster lacks is created from its local file, options only. */
  private async lazyCreate(names: string[]): Promise<void> {
    for (const name of names) {
      if (await this.unit(name)) continue;
      const text = this.files.get(name);
      assert.ok(text !== undefined, `fleetctl: no local file ${name}`);
      const response = await http("PUT", `${this.url}/fleet/v1/units/${name}`, {
        json: { name, options: optionsOf(text) },
      });
      assert.equal(response.status, 201, response.text);
    }
  }

  /** setTargetStateOfUnits: only units not already in the state, in order. */
  private async setTargetStateOfUnits(names: string[], state: string): Promise<string[]> {
    const triggered = [];
    for (const name of names) {
      const unit = await this.unit(name);
      assert.ok(unit, `fleetctl: unable to find unit ${name}`);
      if (unit.desiredState === state) continue;
      await this.setTargetState(name, state);
      triggered.push(name);
    }
    return triggered;
  }

  /** waitForUnitStates without a limit: a GET every 250 ms until currentState is `state`. */
  private async waitForUnitStates(names: string[], state: string): Promise<void> {
    await Promise.all(
      names.map((name) =>
        waitUntil(`${name} ${state} (fleetctl's wait)`, async () => {
          await sleep(250);
          return (await this.unit(name))?.currentState === state;
        }).catch(async (error: Error) => {
          // What Flotilla's own API says of the unit, to tell why it never got there.
          const seen = await http("GET", `${this.url}/v1/units/${encodeURIComponent(name)}`);
          const log = await http("GET", `${this.url}/v1/units/${encodeURIComponent(name)}/logs`);
          throw new Error(`${error.message}; /v1 shows ${seen.text}; its log:\n${log.text}`);
        }),
      ),
    );
  }

  /** assertSystemdActiveState: /state/{name} active and loaded within 2 s, or start fails. */
  private async waitForSystemdActiveState(names: string[]): Promise<void> {
    for (const name of names) {
      const deadline = Date.now() + 2000;
      for (;;) {
        await sleep(250);
        const response = await http("GET", `${this.url}/fleet/v1/state/${name}`);
        const state = response.status === 200 ? response.json : undefined;
        if (state?.systemdActiveState === "active" && state?.systemdLoadState === "loaded") break;
        assert.ok(Date.now() < deadline, `fleetctl: failed to find an active unit ${name}`);
      }
    }
  }

  async load(names: string[], { block = true }: Block = {}): Promise<void> {
    await this.lazyCreate(names);
    const triggered = await this.setTargetStateOfUnits(names, "loaded");
    if (block) await this.waitForUnitStates(triggered, "loaded");
  }

  async start(names: string[], { block = true }: Block = {}): Promise<void> {
    await this.lazyCreate(names);
    const triggered = await this.setTargetStateOfUnits(names, "launched");
    if (!block) return;
    await this.waitForUnitStates(triggered, "launched");
    await this.waitForSystemdActiveState(triggered);
  }

  async stop(name: string, { block = true }: Block = {}): Promise<void> {
    const [unit] = await this.findUnits([name]);
    assert.notEqual(unit.currentState, "inactive", `fleetctl: unable to stop unit ${name}`);
    if (unit.currentState === "loaded") return;
    await this.setTargetState(name, "loaded");
    if (block) await this.waitForUnitStates([name], "loaded");
  }

  async unload(name: string, { block = true }: Block = {}): Promise<void> {
    const [unit] = await this.findUnits([name]);
    if (unit.currentState === "inactive") return;
    await this.setTargetState(name, "inactive");
    if (block) await this.waitForUnitStates([name], "inactive");
  }

  /** fleetctl/destroy.go polls until the unit is gone only with --no-block: its test is inverted. */
  async destroy(name: string, { block = true }: Block = {}): Promise<void> {
    await this.findUnits([name]);
    const response = await http("DELETE", `${this.url}/fleet/v1/units/${name}`);
    assert.ok(response.status === 204 || response.status === 404, response.text);
    if (block) return;
    while (await this.unit(name)) await sleep(2000);
  }

  /** fleetctl/restart.go: each setUnitStateAndWait waits for launched, whatever it set. */
  async restart(name: string, { block = true }: Block = {}): Promise<void> {
    const [unit] = await this.findUnits([name]);
    assert.notEqual(unit.currentState, "inactive", `fleetctl: unable to restart unit ${name}`);
    const steps = unit.currentState === "loaded" ? ["launched"] : ["loaded", "launched"];
    for (const state of steps) {
      await this.setTargetState(name, state);
      if (block) await this.waitForUnitStates([name], "launched");
    }
  }

  async runningUnits(): Promise<string[]> {
    const response = await http("GET", `${this.url}/fleet/v1/state`);
    return (response.json.states ?? [])
      .filter((state: any) => state.systemdActiveState === "active")
      .map((state: any) => state.name);
  }

  async close(): Promise<void> {}
}

/** fleet's MapUnitFileToSchemaUnitOptions for the simple files the scenarios use. */
function optionsOf(text: string): { section: string; name: string; value: string }[] {
  const options = [];
  let section = "";
  for (const line of text.split("\n")) {
    const header = /^\[(.+)\]$/.exec(line);
    if (header) section = header[1] as string;
    else if (line.includes("=")) {
      const at = line.indexOf("=");
      options.push({ section, name: line.slice(0, at), value: line.slice(at + 1) });
    }
  }
  return options;
}

/** Flotilla's CLI, installed as `fleetctl` and typed through a shell. */
export class FlotillaCli implements Fleetctl {
  readonly name = "Flotilla's CLI";

  private constructor(
    private readonly url: string,
    private readonly shell: { workDir: string; binDir: string },
  ) {}

  static async in(url: string): Promise<FlotillaCli> {
    return new FlotillaCli(url, await userShell());
  }

  async close(): Promise<void> {
    await rm(this.shell.workDir, { recursive: true, force: true });
  }

  private async type(line: string): Promise<string> {
    const result = await typeLine(line, this.shell, { FLEETCTL_ENDPOINT: this.url });
    assert.equal(result.code, 0, `${line}: ${result.stderr}`);
    return result.stdout;
  }

  private async command(verb: string, names: string[], { block = true }: Block): Promise<void> {
    await this.type(`fleetctl ${verb}${block ? "" : " --no-block"} ${names.join(" ")}`);
  }

  async write(name: string, text: string): Promise<void> {
    await writeFile(join(this.shell.workDir, name), text);
  }

  load(names: string[], options: Block = {}): Promise<void> {
    return this.command("load", names, options);
  }

  start(names: string[], options: Block = {}): Promise<void> {
    return this.command("start", names, options);
  }

  stop(name: string, options: Block = {}): Promise<void> {
    return this.command("stop", [name], options);
  }

  unload(name: string, options: Block = {}): Promise<void> {
    return this.command("unload", [name], options);
  }

  destroy(name: string, options: Block = {}): Promise<void> {
    return this.command("destroy", [name], options);
  }

  restart(name: string, options: Block = {}): Promise<void> {
    return this.command("restart", [name], options);
  }

  async runningUnits(): Promise<string[]> {
    const listing = await this.type("fleetctl list-units --fields=unit,active --no-legend");
    return listing
      .trim()
      .split("\n")
      .map((line) => line.split(/\t+/))
      .filter(([, active]) => active === "active")
      .map(([unit]) => unit as string);
  }
}
