// Generated from openapi/openapi.json by scripts/generate-openapi.ts; do not edit.
export interface paths {
    "/fleet/v1/discovery": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** fleet's API discovery document */
        get: operations["fleetDiscovery"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/fleet/v1/machines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List machines (fleet) */
        get: operations["fleetListMachines"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change machine metadata with JSON-patch operations (fleet)
         * @description fleet's format: [{"op":"add|replace|remove","path":"/<id>/metadata/<key>","value":{"value":"..."}}]
         */
        patch: operations["fleetPatchMachines"];
        trace?: never;
    };
    "/fleet/v1/state": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Unit states as agents report them (fleet) */
        get: operations["fleetListUnitStates"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/fleet/v1/state/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The state of one unit (fleet) */
        get: operations["fleetGetUnitState"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/fleet/v1/units": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List units (fleet) */
        get: operations["fleetListUnits"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/fleet/v1/units/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A unit (fleet) */
        get: operations["fleetGetUnit"];
        /** Create, replace or change the desired state of a unit (fleet) */
        put: operations["fleetSetUnit"];
        post?: never;
        /** Destroy a unit (fleet) */
        delete: operations["fleetDestroyUnit"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process serves HTTP */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: operations["metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: etcd answers and the in-memory view is in sync */
        get: operations["ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/announcements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Keys that units announce (sidekick loops), with value and remaining TTL
         * @description Read from etcd on each request, so the remaining TTLs are current.
         */
        get: operations["listAnnouncements"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Server-Sent Events of unit, unit file and machine changes
         * @description Each event's id is an etcd revision. Reconnect with Last-Event-ID (or ?after=) to resume; if that history is gone the stream starts with a `reset` event and the client should re-list.
         */
        get: operations["streamEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/machines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the machines whose agents are present */
        get: operations["listMachines"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/machines/{id}/metadata": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Set (string) or remove (null) metadata keys of a machine
         * @description A JSON merge patch. Operator metadata outlives agent restarts and takes precedence over what the agent announces.
         */
        patch: operations["patchMachineMetadata"];
        trace?: never;
    };
    "/v1/plan": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Dry run: where these units would be placed, and why every other machine would not do
         * @description Nothing is written. Units are planned in the order given, each seeing the ones before it.
         */
        post: operations["plan"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/unit-files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List submitted unit files: templates, instances and plain units */
        get: operations["listUnitFiles"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/unit-files/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A unit file: JSON with its options, or the file itself with Accept: text/plain */
        get: operations["getUnitFile"];
        /**
         * Submit a unit file as text/plain, or as JSON options
         * @description Submitting the same content again changes nothing (200). Other content under an existing name is a 409 unless replace=true.
         */
        put: operations["submitUnitFile"];
        post?: never;
        /** Delete a unit file; a template only once no instance is left, unless forced */
        delete: operations["deleteUnitFile"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/units": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List units (templates excluded) in name order, optionally paged */
        get: operations["listUnits"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/units/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A unit: desired and current state, machine, and why it is not running */
        get: operations["getUnit"];
        /** Load, launch or deactivate a unit; an instance is created from its template */
        put: operations["setUnitDesiredState"];
        post?: never;
        /** Destroy a unit: stop it, unplace it, and delete it */
        delete: operations["destroyUnit"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/units/{name}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A unit's recent output, from the agent of its machine; streamed with follow
         * @description Plain text, one line per output line. With follow=true the response stays open and new lines arrive as the unit writes them.
         */
        get: operations["unitLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Announcement: {
            /** @description The announced etcd key, as the unit file names it */
            key: string;
            machineId: string;
            /** @description Seconds until the key expires unless refreshed */
            remainingSeconds: number;
            /** Format: date-time */
            since: string;
            ttlSeconds: number;
            /** @description The unit whose loop announces it */
            unit: string;
            value: string;
        };
        AnnouncementList: {
            announcements: components["schemas"]["Announcement"][];
        };
        ClusterEvent: {
            /** @description The resource as GET returns it; absent for a deletion */
            data?: unknown;
            /** @description The unit or unit file name, or the machine id */
            name: string;
            /** @description etcd revision; send it back as Last-Event-ID to resume */
            revision: number;
            /** @description Also the SSE event name */
            type: "unit.updated" | "unit.deleted" | "unit-file.updated" | "unit-file.deleted" | "machine.updated" | "machine.deleted";
        };
        /** @description What the unit's machine reports: inactive until placed and reported. */
        CurrentState: "inactive" | "loaded" | "launched";
        /** @description What the cluster should do with a unit. */
        DesiredState: "inactive" | "loaded" | "launched";
        FleetError: {
            error: {
                code: number;
                message: string;
            };
        };
        FleetMachine: {
            id?: string;
            metadata?: {
                [key: string]: string;
            };
            primaryIP?: string;
        };
        FleetMachinePage: {
            machines?: components["schemas"]["FleetMachine"][];
            nextPageToken?: string;
        };
        FleetUnit: {
            currentState?: string;
            desiredState?: string;
            machineID?: string;
            name?: string;
            options?: components["schemas"]["FleetUnitOption"][];
        };
        FleetUnitOption: {
            name?: string;
            section?: string;
            value?: string;
        };
        FleetUnitPage: {
            nextPageToken?: string;
            units?: components["schemas"]["FleetUnit"][];
        };
        FleetUnitState: {
            hash?: string;
            machineID?: string;
            name?: string;
            systemdActiveState?: string;
            systemdLoadState?: string;
            systemdSubState?: string;
        };
        FleetUnitStatePage: {
            nextPageToken?: string;
            states?: components["schemas"]["FleetUnitState"][];
        };
        Health: {
            detail?: string;
            revision?: number;
            status: "ok" | "unavailable";
        };
        Machine: {
            agentURL: string;
            /** Format: date-time */
            heartbeatAt: string;
            id: string;
            metadata: {
                [key: string]: string;
            };
            privateIP: string;
            publicIP: string;
            /** @description The first 8 characters of id, as fleetctl shows it */
            shortId: string;
            /** Format: date-time */
            startedAt: string;
            /** @description Units placed on this machine */
            units: string[];
            version: string;
        };
        MachineList: {
            machines: components["schemas"]["Machine"][];
        };
        /** @description A JSON merge patch of the machine's metadata: a string sets a key, null removes it. */
        MetadataPatch: {
            [key: string]: string | null;
        };
        Plan: {
            units: components["schemas"]["PlannedUnit"][];
        };
        PlannedUnit: {
            /** @description True when the unit already runs there */
            alreadyPlaced: boolean;
            /** @description Units it would move elsewhere (Replaces=) */
            displaces: string[];
            /** @description Where it would run */
            machineId?: string;
            /** @description For a global unit: every machine */
            machineIds?: string[];
            /** @description Why no machine fits */
            reason?: string;
            /** @description Every other machine, and why not */
            rejected: components["schemas"]["Rejection"][];
            unit: string;
        };
        PlanRequest: {
            /** @description Submitted units, or instances of submitted templates, in the order they would be started */
            units: string[];
        };
        /** @description An RFC 9457 problem document. */
        Problem: {
            detail?: string;
            errors?: {
                line?: number;
                message: string;
                path?: string;
            }[];
            instance?: string;
            status: number;
            title: string;
            /** @description A URI naming the kind of problem; stable across releases. */
            type: string;
        } & {
            [key: string]: unknown;
        };
        Rejection: {
            machineId: string;
            reason: string;
        };
        SetDesiredStateBody: {
            desiredState: components["schemas"]["DesiredState"];
        };
        Unit: {
            activeState?: string;
            /** Format: date-time */
            createdAt: string;
            currentState: components["schemas"]["CurrentState"];
            desiredState: components["schemas"]["DesiredState"];
            hash: string;
            kind: "instance" | "unit";
            /** @description As the machine's agent reports it */
            loadState?: string;
            /** @description The machine the unit is placed on */
            machineId?: string;
            /** @description For a global unit: the machines that report it */
            machineIds?: string[];
            name: string;
            /** @description Why the unit is not placed or not running */
            reason?: string;
            shortHash: string;
            subState?: string;
            template?: string;
            /** Format: date-time */
            updatedAt: string;
        };
        UnitFileDetail: {
            hash: string;
            kind: components["schemas"]["UnitKind"];
            name: string;
            options: components["schemas"]["UnitOption"][];
            shortHash: string;
            template?: string;
            /** @description The canonical unit text */
            text: string;
        };
        UnitFileJsonBody: {
            options: components["schemas"]["UnitOption"][];
        };
        UnitFileList: {
            unitFiles: components["schemas"]["UnitFileSummary"][];
        };
        UnitFileSubmitted: {
            /** @description false when the same content was already submitted */
            created: boolean;
            hash: string;
            kind: components["schemas"]["UnitKind"];
            name: string;
            /** @description true when other content under this name was replaced */
            replaced: boolean;
            shortHash: string;
            warnings: components["schemas"]["Warning"][];
        };
        UnitFileSummary: {
            /** @description SHA-1 of the canonical unit text */
            hash: string;
            kind: components["schemas"]["UnitKind"];
            name: string;
            /** @description The first 7 digits of hash, as fleetctl shows it */
            shortHash: string;
            /** @description For an instance: its template */
            template?: string;
        };
        UnitKind: "template" | "instance" | "unit";
        UnitList: {
            /** @description Pass as pageToken for the next page */
            nextPageToken?: string;
            units: components["schemas"]["Unit"][];
        };
        UnitOption: {
            name: string;
            section: string;
            value: string;
        };
        Warning: {
            line?: number;
            message: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    fleetDiscovery: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    fleetListMachines: {
        parameters: {
            query?: {
                /** @description The API token, for clients that cannot send an Authorization header */
                access_token?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetMachinePage"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
        };
    };
    fleetPatchMachines: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Applied */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
        };
    };
    fleetListUnitStates: {
        parameters: {
            query?: {
                /** @description The API token, for clients that cannot send an Authorization header */
                access_token?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetUnitStatePage"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
        };
    };
    fleetGetUnitState: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetUnitState"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
        };
    };
    fleetListUnits: {
        parameters: {
            query?: {
                /** @description The API token, for clients that cannot send an Authorization header */
                access_token?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetUnitPage"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
        };
    };
    fleetGetUnit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetUnit"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
        };
    };
    fleetSetUnit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FleetUnit"];
            };
        };
        responses: {
            /** @description Created or replaced */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Desired state changed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
        };
    };
    fleetDestroyUnit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Destroyed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
        };
    };
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text exposition format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
        };
    };
    ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    listAnnouncements: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnnouncementList"];
                };
            };
            /** @description An RFC 9457 problem document. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    streamEvents: {
        parameters: {
            query?: {
                /** @description The API token, for clients that cannot send an Authorization header */
                access_token?: string;
                after?: string;
            };
            header?: {
                "last-event-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An endless text/event-stream; each data line is a ClusterEvent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ClusterEvent"];
                };
            };
            /** @description An RFC 9457 problem document. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["Problem"];
                };
            };
        };
    };
    listMachines: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MachineList"];
                };
            };
            /** @description An RFC 9457 problem document. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    patchMachineMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Machine id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MetadataPatch"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Machine"];
                };
            };
            /** @description An RFC 9457 problem document. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    plan: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PlanRequest"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            /** @description An RFC 9457 problem document. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listUnitFiles: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnitFileList"];
                };
            };
            /** @description An RFC 9457 problem document. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getUnitFile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Unit name, e.g. apache@80.service; percent-encode '@' as %40 if your client requires it. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The unit file */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnitFileDetail"];
                    "text/plain": string;
                };
            };
            /** @description An RFC 9457 problem document. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    submitUnitFile: {
        parameters: {
            query?: {
                /** @description true or false */
                replace?: "true" | "false";
            };
            header?: never;
            path: {
                /** @description Unit name, e.g. apache@80.service; percent-encode '@' as %40 if your client requires it. */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UnitFileJsonBody"];
                "text/plain": string;
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnitFileSubmitted"];
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnitFileSubmitted"];
                };
            };
            /** @description An RFC 9457 problem document. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteUnitFile: {
        parameters: {
            query?: {
                /** @description true or false */
                force?: "true" | "false";
            };
            header?: never;
            path: {
                /** @description Unit name, e.g. apache@80.service; percent-encode '@' as %40 if your client requires it. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An RFC 9457 problem document. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listUnits: {
        parameters: {
            query?: {
                /** @description The API token, for clients that cannot send an Authorization header */
                access_token?: string;
                /** @description Page size, 1 to 10000 (default: all) */
                limit?: string;
                /** @description Only units on this machine */
                machineId?: string;
                pageToken?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnitList"];
                };
            };
            /** @description An RFC 9457 problem document. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getUnit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Unit name, e.g. apache@80.service; percent-encode '@' as %40 if your client requires it. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Unit"];
                };
            };
            /** @description An RFC 9457 problem document. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setUnitDesiredState: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Unit name, e.g. apache@80.service; percent-encode '@' as %40 if your client requires it. */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SetDesiredStateBody"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Unit"];
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Unit"];
                };
            };
            /** @description An RFC 9457 problem document. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    destroyUnit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Unit name, e.g. apache@80.service; percent-encode '@' as %40 if your client requires it. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Destroyed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An RFC 9457 problem document. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
    unitLogs: {
        parameters: {
            query?: {
                /** @description The API token, for clients that cannot send an Authorization header */
                access_token?: string;
                /** @description true or false */
                follow?: "true" | "false";
                /** @description How many recent lines (default 100) */
                lines?: string;
                /** @description For a global unit: the machine whose log to read (default: the first) */
                machineId?: string;
            };
            header?: never;
            path: {
                /** @description Unit name, e.g. apache@80.service; percent-encode '@' as %40 if your client requires it. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Log lines */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description An RFC 9457 problem document. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
            /** @description An RFC 9457 problem document. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
