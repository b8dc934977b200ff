/**
 * Requests as fleet's fleetctl (google-api-go-client) sends them, in process: every request
 * carries `?alt=json` and fleetctl's User-Agent, and PUT bodies end in a newline.
 */
import assert from "node:assert/strict";
import { parseUnitFile } from "../../src/unit/parse.ts";
import { assertBare, assertFleetError } from "./fleet-answers.ts";
import type { Answer, InjectApp } from "./inject-app.ts";

export const FLEETCTL_HEADERS = {
  "user-agent": "google-api-go-client/0.5",
  "accept-encoding": "gzip",
};

export interface FleetOption {
  section: string;
  name: string;
  value?: string;
}

/** A path as fleetctl asks for it: `?alt=json` first, then any other query. */
export function fleetUrl(path: string, prefix = "/fleet/v1"): string {
  const [route, query] = path.split("?");
  return `${prefix}${route}?alt=json${query ? `&${query}` : ""}`;
}

export function fleetctl(
  api: InjectApp,
  method: string,
  path: string,
  body?: unknown,
  prefix?: string,
): Promise<Answer> {
  if (body === undefined) {
    return api.request(method, fleetUrl(path, prefix), { headers: FLEETCTL_HEADERS });
  }
  return api.request(method, fleetUrl(path, prefix), {
    // Go's json.Encoder ends what it writes with a newline.
    body: `${JSON.stringify(body)}\n`,
    headers: { ...FLEETCTL_HEADERS, "content-type": "application/json" },
  });
}

/** A raw PUT of a unit with whatever body and headers a test needs. */
export function putUnit(
  api: InjectApp,
  name: string,
  body: string,
  headers: Record<string, string | string[]>,
): Promise<Answer> {
  return api.request("PUT", fleetUrl(`/units/${name}`), {
    body,
    headers: { ...FLEETCTL_HEADERS, ...headers },
  });
}

/** A unit file as fleetctl sends it: go-systemd's options, with empty values left out. */
export function optionsOf(text: string): FleetOption[] {
  const parsed = parseUnitFile(text);
  assert.ok(parsed.ok, "fixture parses");
  return parsed.file.options.map(({ section, name, value }) =>
    value === "" ? { name, section } : { name, section, value },
  );
}

/** fleetctl's lazyCreateUnits for one unit: look, create, see it "inactive". */
export async function fleetctlSubmit(api: InjectApp, name: string, options: FleetOption[]) {
  const path = `/units/${encodeURIComponent(name)}`;
  assertFleetError(await fleetctl(api, "GET", path), 404, "unit does not exist");
  assertBare(await fleetctl(api, "PUT", path, { name, options }), 201);
  const created = await fleetctl(api, "GET", path);
  assert.equal(created.status, 200, created.text);
  assert.equal(created.json.currentState, "inactive", "fleetctl waits for this forever");
  return created.json;
}

export const HELLO: FleetOption[] = [
  { section: "Unit", name: "Description", value: "Hello World" },
  { section: "Service", name: "ExecStart", value: "/bin/sh -c 'while true; do echo hi; done'" },
];

export const GOODBYE: FleetOption[] = [
  { section: "Service", name: "ExecStart", value: "/bin/true" },
];
