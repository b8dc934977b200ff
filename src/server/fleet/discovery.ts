import type { FastifyRequest } from "fastify";
import type { Static } from "typebox";
import type { FleetDiscovery } from "../../schema/fleet.ts";
import { UNIT_STATES } from "../../unit/states.ts";

/**
 * A Google API discovery document for fleet's v1 API, which fleet served at /discovery and
 * from which its client was generated. It describes the same entities and methods.
 */
export function discoveryDocument(
  request: FastifyRequest,
): Static<typeof FleetDiscovery> & Record<string, unknown> {
  const base = request.url.startsWith("/v1-alpha") ? "/v1-alpha/" : "/fleet/v1/";
  const string = { type: "string" };
  const pageToken = { nextPageToken: { type: "string", location: "query" } };
  return {
    kind: "discovery#restDescription",
    discoveryVersion: "v1",
    id: "fleet:v1",
    name: "schema",
    version: "v1",
    title: "fleet API",
    description: "Flotilla's implementation of fleet's v1 API.",
    protocol: "rest",
    basePath: base,
    servicePath: base.slice(1),
    parameters: { alt: { type: "string", location: "query", default: "json", enum: ["json"] } },
    schemas: {
      Machine: {
        id: "Machine",
        type: "object",
        properties: {
          id: string,
          primaryIP: string,
          metadata: { type: "object", additionalProperties: string },
        },
      },
      MachinePage: {
        id: "MachinePage",
        type: "object",
        properties: {
          machines: { type: "array", items: { $ref: "Machine" } },
          nextPageToken: string,
        },
      },
      UnitOption: {
        id: "UnitOption",
        type: "object",
        properties: { section: string, name: string, value: string },
      },
      Unit: {
        id: "Unit",
        type: "object",
        properties: {
          name: string,
          options: { type: "array", items: { $ref: "UnitOption" } },
          desiredState: { type: "string", enum: UNIT_STATES },
          currentState: { type: "string", enum: UNIT_STATES },
          machineID: string,
        },
      },
      UnitPage: {
        id: "UnitPage",
        type: "object",
        properties: { units: { type: "array", items: { $ref: "Unit" } }, nextPageToken: string },
      },
      UnitState: {
        id: "UnitState",
        type: "object",
        properties: {
          name: string,
          hash: string,
          machineID: string,
          systemdLoadState: string,
          systemdActiveState: string,
          systemdSubState: string,
        },
      },
      UnitStatePage: {
        id: "UnitStatePage",
        type: "object",
        properties: {
          states: { type: "array", items: { $ref: "UnitState" } },
          nextPageToken: string,
        },
      },
    },
    resources: {
      Machines: {
        methods: {
          List: {
            id: "fleet.Machine.List",
            path: "machines",
            httpMethod: "GET",
            parameters: pageToken,
            response: { $ref: "MachinePage" },
          },
        },
      },
      Units: {
        methods: {
          List: {
            id: "fleet.Unit.List",
            path: "units",
            httpMethod: "GET",
            parameters: pageToken,
            response: { $ref: "UnitPage" },
          },
          Get: {
            id: "fleet.Unit.Get",
            path: "units/{unitName}",
            httpMethod: "GET",
            response: { $ref: "Unit" },
          },
          Delete: { id: "fleet.Unit.Delete", path: "units/{unitName}", httpMethod: "DELETE" },
          Set: {
            id: "fleet.Unit.Set",
            path: "units/{unitName}",
            httpMethod: "PUT",
            request: { $ref: "Unit" },
          },
        },
      },
      UnitState: {
        methods: {
          List: {
            id: "fleet.UnitState.List",
            path: "state",
            httpMethod: "GET",
            parameters: {
              ...pageToken,
              machineID: { type: "string", location: "query" },
              unitName: { type: "string", location: "query" },
            },
            response: { $ref: "UnitStatePage" },
          },
          Get: {
            id: "fleet.UnitState.Get",
            path: "state/{unitName}",
            httpMethod: "GET",
            response: { $ref: "UnitState" },
          },
        },
      },
    },
  };
}
