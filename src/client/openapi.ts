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
        /** Change machine metadata with JSON-patch operations (fleet) */
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
        /**
         * Create, replace or change the desired state of a unit (fleet)
         * @description A timer (a .timer unit) set loaded or launched, with its options or without, loads the service it starts in the same write, as PUT /v1/units/{name} does; 409, and nothing written, when neither that service nor its template has been submitted.
         */
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
    "/v1/backup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Take a backup of the cluster's desired state
         * @description Every unit file (with the contents its history keeps), unit and desired state, placement, operator metadata, drain and rollout, read from etcd at one revision. Keep it somewhere etcd is not; POST it to /v1/restore to bring a cluster back.
         */
        get: operations["getBackup"];
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
    "/v1/machines/{id}/drain": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Drain a machine: move its units elsewhere and give it no new ones
         * @description The engine moves the machine's units to other machines (a service with its MachineOf sidekicks), or unschedules with a reason those no other machine can take; global units stay. The drain outlives the agent: stop, upgrade or restart it, then end the drain. The body may be left out; draining a drained machine keeps the drain's start (and its reason, unless a new one is given). The machine's drain.remainingUnits lists what is still to leave.
         */
        put: operations["drainMachine"];
        post?: never;
        /**
         * End a machine's drain: it takes new units again
         * @description Units that moved away stay where they are; new ones may be placed on the machine again. A machine that is not drained is left as it is. A machine whose agent is gone (retired) can have its drain ended too: 204.
         */
        delete: operations["undrainMachine"];
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
         * @description Nothing is written. The answer is what the engine would do if the units were started now, one after another in the order given, and it acted on them in one pass: the same planner runs over the same cluster state, pass after pass, until nothing moves. `moved` lists the other units the change would move (Replaces=, and their MachineOf sidekicks). With `rollout` instead of `units`, the rollout POST /v1/rollouts would start: which instances it would replace, where they run, in what order and in which waves; it is checked as that request would be (400, 404, 409).
         */
        post: operations["plan"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Bring a cluster back from a backup
         * @description Writes the backup's keys into a cluster that holds none of its units yet (etcd lost its data, or a new prefix). Agents that kept running report their units again: those the backup places on them, with the same content and launch, are left running untouched. Until a restore (or a first unit submitted), the engine stops nothing an agent runs without a record. Keys that already hold the backup's value are left alone (and a placement the engine moved since), so a restore cut short can be run again. 409, before anything is written, when a unit exists that the backup does not have, or a key holds something else; 409 too when a writer takes a key between two of the restore's transactions.
         */
        post: operations["restoreBackup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rollouts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Rollouts, newest first, running and finished */
        get: operations["listRollouts"];
        put?: never;
        /**
         * Replace the instances of a template (or units matching a glob) with new content, a few at a time
         * @description The template's content is replaced at once (instances created from now on get the new one); its instances are then drained (their sidekicks' announcements withdrawn), replaced and checked, maxParallel at a time, canaries first. An instance not healthy in time fails the rollout, which then puts the replaced ones back (autoRevert). The engine's leader drives it; its state is in etcd, so it carries on across a leader's death. Preview it with POST /v1/plan.
         */
        post: operations["startRollout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rollouts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One rollout, with the step each of its instances is at */
        get: operations["getRollout"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rollouts/{id}/abort": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop a rollout where it is; drains end, replaced instances keep the new content */
        post: operations["abortRollout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rollouts/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause a rollout: no instance starts its replacement until it is resumed */
        post: operations["pauseRollout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rollouts/{id}/promote": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Promote a rollout's canaries: the other instances follow */
        post: operations["promoteRollout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rollouts/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a paused rollout */
        post: operations["resumeRollout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rollouts/{id}/revert": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Roll back what a finished rollout replaced, as a new rollout with its options
         * @description The new rollout puts back the content the target had before: the template's, or the one content all its units had. It proceeds with the same care as any rollout.
         */
        post: operations["revertRollout"];
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
    "/v1/unit-files/{name}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A unit file's content versions, newest first: each one's hash, when and why
         * @description Every change of a unit file's content (a submission that replaces it, a rollout, a revert) is a new version; the last ten are kept with their content, so that POST /v1/rollouts with a version rolls any of them out again.
         */
        get: operations["getUnitFileHistory"];
        put?: never;
        post?: never;
        delete?: never;
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
        /**
         * Load, launch or deactivate a unit; an instance is created from its template
         * @description Loading or launching a timer (a .timer unit) loads the service it starts (its Unit=, by default the service of the timer's name) in the same write, creating that instance from its template when needed; a service already loaded or launched is left as it is. 409 timer-unit-not-found, and nothing written, when neither the service nor its template has been submitted. Setting a timer inactive leaves its service as it is.
         */
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
        /**
         * @example {
         *       "key": "/announce/services/apache80",
         *       "value": "10.0.0.1:80",
         *       "unit": "apache-discovery@80.service",
         *       "machineId": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d",
         *       "ttlSeconds": 60,
         *       "remainingSeconds": 42,
         *       "since": "2026-12-07T09:30:00.000Z"
         *     }
         */
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
        /**
         * @example {
         *       "announcements": [
         *         {
         *           "key": "/announce/services/apache80",
         *           "value": "10.0.0.1:80",
         *           "unit": "apache-discovery@80.service",
         *           "machineId": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d",
         *           "ttlSeconds": 60,
         *           "remainingSeconds": 42,
         *           "since": "2026-12-07T09:30:00.000Z"
         *         }
         *       ]
         *     }
         */
        AnnouncementList: {
            announcements: components["schemas"]["Announcement"][];
        };
        /**
         * @description Every unit file (with the contents its history keeps), unit and desired state, placement, machine metadata set by operators, drain and rollout: what etcd must hold to bring the cluster back. Machines, unit states and announcements are not in it: agents write them again.
         * @example {
         *       "format": "flotilla-backup",
         *       "version": 1,
         *       "createdAt": "2026-12-07T21:00:00.000Z",
         *       "revision": 4211,
         *       "keys": [
         *         {
         *           "key": "units/hello.service",
         *           "value": "{\"name\":\"hello.service\",\"hash\":\"1c9f6a0c2e1e4a4b6d0b0f0e7c6d5b4a3f2e1d0c\",\"desiredState\":\"launched\",\"createdAt\":\"2026-12-07T20:00:00.000Z\",\"updatedAt\":\"2026-12-07T20:00:00.000Z\"}"
         *         }
         *       ]
         *     }
         */
        Backup: {
            /** Format: date-time */
            createdAt: string;
            /** @enum {string} */
            format: "flotilla-backup";
            keys: {
                /** @description Relative to the cluster's prefix (units/web@1.service, ...) */
                key: string;
                /** @description As stored: a unit file's text, or a JSON record */
                value: string;
            }[];
            /** @description The etcd revision every key was read at: the backup is one consistent cut */
            revision: number;
            /**
             * @description The backup document's own version
             * @enum {number}
             */
            version: 1;
        };
        /**
         * @example {
         *       "revision": 1042,
         *       "type": "unit.updated",
         *       "name": "apache@80.service",
         *       "data": {
         *         "name": "apache@80.service",
         *         "kind": "instance",
         *         "template": "apache@.service",
         *         "hash": "7a9a500cc8b29b075f837c44d2dd595f14cd2301",
         *         "shortHash": "7a9a500",
         *         "desiredState": "launched",
         *         "currentState": "launched",
         *         "machineId": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d",
         *         "loadState": "loaded",
         *         "activeState": "active",
         *         "subState": "running",
         *         "health": {
         *           "status": "healthy",
         *           "since": "2026-12-07T09:30:00.000Z",
         *           "failures": 0,
         *           "lastCheckAt": "2026-12-07T09:30:00.000Z",
         *           "lastOutput": "HTTP 200 OK: <h1>Running from Docker on CoreOS</h1>",
         *           "probe": "http"
         *         },
         *         "createdAt": "2026-12-07T09:30:00.000Z",
         *         "updatedAt": "2026-12-07T09:30:00.000Z"
         *       }
         *     }
         */
        ClusterEvent: {
            /** @description The resource as GET returns it; absent for a deletion */
            data?: unknown;
            /** @description The unit or unit file name, the machine id, or the rollout id */
            name: string;
            /** @description etcd revision; send it back as Last-Event-ID to resume */
            revision: number;
            /**
             * @description Also the SSE event name
             * @enum {string}
             */
            type: "unit.updated" | "unit.deleted" | "unit-file.updated" | "unit-file.deleted" | "machine.updated" | "machine.deleted" | "rollout.updated";
        };
        /**
         * @description What the unit's machine reports: inactive until placed and reported; then launched once it is active, and still launched while a stop runs; loaded when it is not running.
         * @example launched
         * @enum {string}
         */
        CurrentState: "inactive" | "loaded" | "launched";
        /**
         * @description What the cluster should do with a unit.
         * @example launched
         * @enum {string}
         */
        DesiredState: "inactive" | "loaded" | "launched";
        /**
         * @description The body of a drain, which may be left out altogether
         * @example {
         *       "reason": "kernel upgrade"
         *     }
         */
        DrainRequest: {
            /** @description Why the machine is drained, shown with the drain and in the scheduler's reasons; draining again with a reason replaces it */
            reason?: string;
        };
        /**
         * @description A Google API discovery document describing fleet's v1 API
         * @example {
         *       "kind": "discovery#restDescription",
         *       "discoveryVersion": "v1",
         *       "id": "fleet:v1",
         *       "name": "schema",
         *       "version": "v1",
         *       "basePath": "/fleet/v1/"
         *     }
         */
        FleetDiscovery: {
            basePath: string;
            discoveryVersion: string;
            id: string;
            /** @description discovery#restDescription */
            kind: string;
            name: string;
            version: string;
        } & {
            [key: string]: unknown;
        };
        /**
         * @example {
         *       "error": {
         *         "code": 404,
         *         "message": "unit does not exist"
         *       }
         *     }
         */
        FleetError: {
            error: {
                code: number;
                message: string;
            };
        };
        /**
         * @example {
         *       "id": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d",
         *       "metadata": {
         *         "region": "eu",
         *         "disk": "ssd"
         *       },
         *       "primaryIP": "10.0.0.1"
         *     }
         */
        FleetMachine: {
            id?: string;
            metadata?: {
                [key: string]: string;
            };
            primaryIP?: string;
        };
        /**
         * @example {
         *       "machines": [
         *         {
         *           "id": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d",
         *           "metadata": {
         *             "region": "eu",
         *             "disk": "ssd"
         *           },
         *           "primaryIP": "10.0.0.1"
         *         }
         *       ]
         *     }
         */
        FleetMachinePage: {
            machines?: components["schemas"]["FleetMachine"][];
            nextPageToken?: string;
        };
        /**
         * @description fleet's metadata operations; null is none. fleet decoded the body as JSON whatever its Content-Type, matched field names in any case and ignored others; an empty body is refused with fleet's decoder message, EOF. As on PATCH /v1/machines/{id}/metadata, a key is 1 to 128 of [A-Za-z0-9_.-], a value at most 1024 characters, and one request changes at most 256 keys of one machine; a request over any of these limits is refused whole, 400.
         * @example [
         *       {
         *         "op": "add",
         *         "path": "/148a18ff6ab5d7bd8b1b1a9bf2d7ab2d/metadata/region",
         *         "value": {
         *           "value": "eu"
         *         }
         *       }
         *     ]
         */
        FleetMachinePatch: (components["schemas"]["FleetSetMetadata"] | components["schemas"]["FleetRemoveMetadata"])[] | null;
        /**
         * @description fleet's wrapping of a metadata value
         * @example {
         *       "value": "eu"
         *     }
         */
        FleetMetadataValue: {
            value: string;
        };
        /**
         * @description Removes one metadata key of one machine
         * @example {
         *       "op": "remove",
         *       "path": "/148a18ff6ab5d7bd8b1b1a9bf2d7ab2d/metadata/region"
         *     }
         */
        FleetRemoveMetadata: {
            /** @enum {string} */
            op: "remove";
            /** @description /<machine id>/metadata/<key> */
            path: string;
        };
        /**
         * @description Sets one metadata key of one machine
         * @example {
         *       "op": "add",
         *       "path": "/148a18ff6ab5d7bd8b1b1a9bf2d7ab2d/metadata/region",
         *       "value": {
         *         "value": "eu"
         *       }
         *     }
         */
        FleetSetMetadata: {
            /** @enum {string} */
            op: "add" | "replace";
            /** @description /<machine id>/metadata/<key> */
            path: string;
            value: components["schemas"]["FleetMetadataValue"];
        };
        /**
         * @example {
         *       "currentState": "launched",
         *       "desiredState": "launched",
         *       "machineID": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d",
         *       "name": "hello.service",
         *       "options": [
         *         {
         *           "section": "Unit",
         *           "name": "Description",
         *           "value": "Hello World"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "ExecStart",
         *           "value": "/bin/sh -c \"while true; do echo Hello World; sleep 1; done\""
         *         }
         *       ]
         *     }
         */
        FleetUnit: {
            currentState?: string;
            desiredState?: string;
            machineID?: string;
            name?: string;
            options?: components["schemas"]["FleetUnitOption"][];
        };
        /**
         * @description What fleetctl sends: options to create or replace a unit (with a desiredState, or inactive), or only a desiredState to change it. Other fields, such as currentState, are ignored.
         * @example {
         *       "desiredState": "launched",
         *       "options": [
         *         {
         *           "section": "Unit",
         *           "name": "Description",
         *           "value": "Hello World"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "ExecStart",
         *           "value": "/bin/sh -c \"while true; do echo Hello World; sleep 1; done\""
         *         }
         *       ]
         *     }
         * @example {
         *       "desiredState": "loaded"
         *     }
         */
        FleetUnitBody: {
            desiredState?: ("inactive" | "loaded" | "launched" | "") | null;
            /** @description If given, the name in the URL */
            name?: string | null;
            options?: {
                name: string;
                section: string;
                value?: string | null;
            }[];
        };
        /**
         * @example {
         *       "section": "Unit",
         *       "name": "Description",
         *       "value": "Apache web server service"
         *     }
         */
        FleetUnitOption: {
            name?: string;
            section?: string;
            value?: string;
        };
        /**
         * @example {
         *       "units": [
         *         {
         *           "currentState": "launched",
         *           "desiredState": "launched",
         *           "machineID": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d",
         *           "name": "hello.service",
         *           "options": [
         *             {
         *               "section": "Unit",
         *               "name": "Description",
         *               "value": "Hello World"
         *             },
         *             {
         *               "section": "Service",
         *               "name": "ExecStart",
         *               "value": "/bin/sh -c \"while true; do echo Hello World; sleep 1; done\""
         *             }
         *           ]
         *         }
         *       ]
         *     }
         */
        FleetUnitPage: {
            nextPageToken?: string;
            units?: components["schemas"]["FleetUnit"][];
        };
        /**
         * @example {
         *       "hash": "7a9a500cc8b29b075f837c44d2dd595f14cd2301",
         *       "machineID": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d",
         *       "name": "apache@80.service",
         *       "systemdActiveState": "active",
         *       "systemdLoadState": "loaded",
         *       "systemdSubState": "running"
         *     }
         */
        FleetUnitState: {
            hash?: string;
            machineID?: string;
            name?: string;
            systemdActiveState?: string;
            systemdLoadState?: string;
            systemdSubState?: string;
        };
        /**
         * @example {
         *       "states": [
         *         {
         *           "hash": "7a9a500cc8b29b075f837c44d2dd595f14cd2301",
         *           "machineID": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d",
         *           "name": "apache@80.service",
         *           "systemdActiveState": "active",
         *           "systemdLoadState": "loaded",
         *           "systemdSubState": "running"
         *         }
         *       ]
         *     }
         */
        FleetUnitStatePage: {
            nextPageToken?: string;
            states?: components["schemas"]["FleetUnitState"][];
        };
        /**
         * @example {
         *       "status": "ok",
         *       "revision": 1042
         *     }
         */
        Health: {
            detail?: string;
            revision?: number;
            /** @enum {string} */
            status: "ok" | "unavailable";
        };
        /**
         * @description What judges a unit's health: its [X-Health] probe (HTTPGet=, TCPConnect=, ExecCheck=, ContainerExecCheck=) or its image's HEALTHCHECK.
         * @example http
         * @enum {string}
         */
        HealthProbeKind: "http" | "tcp" | "exec" | "container-exec" | "image";
        /**
         * @description A running unit's health, as its machine's agent judges it: starting until its checks give a verdict (and through the start period), then healthy or unhealthy; none when the unit declares no check and its image has no HEALTHCHECK, or when it is not running.
         * @example healthy
         * @enum {string}
         */
        HealthStatus: "starting" | "healthy" | "unhealthy" | "none";
        /**
         * @description pending: not started; draining: announcements withdrawn, waiting to stop; replacing: the new content is starting; done: healthy for minHealthySeconds; failed: unhealthy, failed, or not healthy in time; reverted: back on its previous content; skipped: destroyed meanwhile; removed: a canary started beside the old instances, destroyed once it served its purpose.
         * @example draining
         * @enum {string}
         */
        InstanceStep: "pending" | "draining" | "replacing" | "done" | "failed" | "reverted" | "skipped" | "removed";
        /**
         * @example {
         *       "id": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d",
         *       "shortId": "148a18ff",
         *       "publicIP": "10.0.0.1",
         *       "privateIP": "10.0.0.1",
         *       "metadata": {
         *         "region": "eu",
         *         "disk": "ssd"
         *       },
         *       "agentURL": "http://10.0.0.1:7601",
         *       "version": "0.1.0",
         *       "units": [
         *         "apache-discovery@80.service",
         *         "apache@80.service"
         *       ],
         *       "startedAt": "2026-12-07T09:30:00.000Z",
         *       "heartbeatAt": "2026-12-07T09:30:00.000Z",
         *       "capacity": {
         *         "cpus": 2,
         *         "memoryBytes": 8589934592
         *       }
         *     }
         * @example {
         *       "id": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d",
         *       "shortId": "148a18ff",
         *       "publicIP": "10.0.0.1",
         *       "privateIP": "10.0.0.1",
         *       "metadata": {
         *         "region": "eu",
         *         "disk": "ssd"
         *       },
         *       "agentURL": "http://10.0.0.1:7601",
         *       "version": "0.1.0",
         *       "units": [],
         *       "startedAt": "2026-12-07T09:30:00.000Z",
         *       "heartbeatAt": "2026-12-07T09:30:00.000Z",
         *       "capacity": {
         *         "cpus": 2,
         *         "memoryBytes": 8589934592
         *       },
         *       "drain": {
         *         "since": "2026-12-07T10:15:00.000Z",
         *         "reason": "kernel upgrade",
         *         "remainingUnits": [
         *           "apache@80.service"
         *         ]
         *       }
         *     }
         */
        Machine: {
            agentURL: string;
            capacity?: components["schemas"]["MachineCapacity"];
            drain?: components["schemas"]["MachineDrain"];
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
        /**
         * @description What the machine offers, as its agent measured it at start
         * @example {
         *       "cpus": 2,
         *       "memoryBytes": 8589934592
         *     }
         */
        MachineCapacity: {
            /** @description CPUs the agent's machine has */
            cpus: number;
            /** @description Memory the agent's machine has */
            memoryBytes: number;
        };
        /**
         * @description The machine is drained: its units move to other machines (global units stay), and it takes no new ones until the drain ends. It outlives the agent.
         * @example {
         *       "since": "2026-12-07T10:15:00.000Z",
         *       "reason": "kernel upgrade",
         *       "remainingUnits": [
         *         "apache@80.service"
         *       ]
         *     }
         */
        MachineDrain: {
            /** @description Why, as the operator gave it */
            reason?: string;
            /** @description Units still placed on the machine or still reported by its agent (being stopped), global units aside: the drain is complete, and the agent can be stopped with nothing to move, once it is empty */
            remainingUnits: string[];
            /**
             * Format: date-time
             * @description When the drain began; draining the machine again keeps it
             */
            since: string;
        };
        /**
         * @example {
         *       "machines": [
         *         {
         *           "id": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d",
         *           "shortId": "148a18ff",
         *           "publicIP": "10.0.0.1",
         *           "privateIP": "10.0.0.1",
         *           "metadata": {
         *             "region": "eu",
         *             "disk": "ssd"
         *           },
         *           "agentURL": "http://10.0.0.1:7601",
         *           "version": "0.1.0",
         *           "units": [
         *             "apache-discovery@80.service",
         *             "apache@80.service"
         *           ],
         *           "startedAt": "2026-12-07T09:30:00.000Z",
         *           "heartbeatAt": "2026-12-07T09:30:00.000Z",
         *           "capacity": {
         *             "cpus": 2,
         *             "memoryBytes": 8589934592
         *           }
         *         }
         *       ]
         *     }
         */
        MachineList: {
            machines: components["schemas"]["Machine"][];
        };
        /**
         * @description A JSON merge patch of the machine's metadata: a string sets a key, null removes it.
         * @example {
         *       "disk": "ssd",
         *       "region": null
         *     }
         */
        MetadataPatch: {
            [key: string]: string | null;
        };
        /**
         * @description A unit not asked for that the change would place, move or leave waiting
         * @example {
         *       "unit": "apache-old@80.service",
         *       "from": "491586a6508f4c5b9c7e1e3d2a0f6b8c",
         *       "machineId": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d"
         *     }
         */
        MovedUnit: {
            /** @description The machine it leaves; absent: it waited */
            from?: string;
            /** @description The machine it goes to; absent: it waits (then `reason`) */
            machineId?: string;
            /** @description Why no machine would take it */
            reason?: string;
            unit: string;
        };
        /**
         * @example {
         *       "units": [
         *         {
         *           "unit": "apache@9999.service",
         *           "machineId": "491586a6508f4c5b9c7e1e3d2a0f6b8c",
         *           "alreadyPlaced": false,
         *           "displaces": [],
         *           "rejected": [
         *             {
         *               "machineId": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d",
         *               "reason": "conflicts with apache@80.service (X-Conflicts=apache@*.service)"
         *             }
         *           ]
         *         }
         *       ],
         *       "moved": [
         *         {
         *           "unit": "apache-old@80.service",
         *           "from": "491586a6508f4c5b9c7e1e3d2a0f6b8c",
         *           "machineId": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d"
         *         }
         *       ]
         *     }
         */
        Plan: {
            /** @description Other units the change would move: Replaces= and what it strands */
            moved: components["schemas"]["MovedUnit"][];
            rollout?: components["schemas"]["RolloutPlan"];
            /** @description One entry per unit asked for, in order */
            units: components["schemas"]["PlannedUnit"][];
        };
        /**
         * @example {
         *       "name": "apache@80.service",
         *       "machineId": "0606a9c6e3c14ba6a73beb8d7b9bd1fe",
         *       "change": "replace",
         *       "order": 1,
         *       "wave": 1,
         *       "canary": true
         *     }
         */
        PlannedReplacement: {
            canary: boolean;
            /**
             * @description add: a canary started beside the old instances, with its sidekicks, and destroyed once they are replaced; replace: drained, replaced and checked; restart-free: not running, its content changes at once; unchanged: already on the new content
             * @enum {string}
             */
            change: "add" | "replace" | "restart-free" | "unchanged";
            /** @description Where it runs now; for a canary to add, where it would go */
            machineId?: string;
            name: string;
            /** @description Its turn among those replaced */
            order?: number;
            /** @description Replaced together with the others of its wave, maxParallel at a time */
            wave?: number;
        };
        /**
         * @example {
         *       "unit": "apache@9999.service",
         *       "machineId": "491586a6508f4c5b9c7e1e3d2a0f6b8c",
         *       "alreadyPlaced": false,
         *       "displaces": [],
         *       "rejected": [
         *         {
         *           "machineId": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d",
         *           "reason": "conflicts with apache@80.service (X-Conflicts=apache@*.service)"
         *         }
         *       ]
         *     }
         */
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
        /**
         * @description Either units to start, or a rollout to preview
         * @example {
         *       "units": [
         *         "apache@9999.service",
         *         "apache-discovery@9999.service"
         *       ]
         *     }
         * @example {
         *       "rollout": {
         *         "target": "apache@.service",
         *         "text": "[Service]\nExecStart=/bin/httpd -f\n"
         *       }
         *     }
         */
        PlanRequest: {
            rollout?: components["schemas"]["RolloutRequest"];
            /** @description Submitted units, or instances of submitted templates, in the order they would be started */
            units?: string[];
        };
        /**
         * @description An RFC 9457 problem document.
         * @example {
         *       "type": "urn:flotilla:problem:unit-not-found",
         *       "title": "No such unit",
         *       "status": 404,
         *       "detail": "unit apache@8080.service does not exist",
         *       "instance": "/v1/units/apache@8080.service"
         *     }
         */
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
            /** @description urn:flotilla:problem:<kind>, stable across releases. The kinds: invalid-request, invalid-unit-name, invalid-unit-file, template-not-loadable (400); unauthorized (401); forbidden (403); unit-not-found, unit-file-not-found, machine-not-found, not-found, rollout-not-found, version-not-found (404); method-not-allowed (405); unit-file-conflict, template-in-use, timer-unit-not-found, rollout-conflict, version-content-gone, restore-conflict, write-conflict (409); body-too-large (413); uri-too-long (414); unsupported-media-type (415); too-many-requests (429); internal (500); agent-unavailable (502); registry-unavailable (503). */
            type: string;
        } & {
            [key: string]: unknown;
        };
        /**
         * @example {
         *       "machineId": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d",
         *       "reason": "conflicts with apache@80.service (X-Conflicts=apache@*.service)"
         *     }
         */
        Rejection: {
            machineId: string;
            reason: string;
        };
        /**
         * @example {
         *       "written": 214,
         *       "unchanged": 0,
         *       "units": 40
         *     }
         */
        RestoreResult: {
            /** @description Keys that already held the backup's value (a restore run again) */
            unchanged: number;
            /** @description Units the cluster holds now */
            units: number;
            /** @description Keys written */
            written: number;
        };
        /**
         * @example {
         *       "id": "3f9c21ab",
         *       "target": "apache@.service",
         *       "toHash": "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00",
         *       "template": {
         *         "name": "apache@.service",
         *         "fromHash": "7a9a50046b0f1f5d48b1b1c2ed4d9bbd44e29a3c"
         *       },
         *       "options": {
         *         "maxParallel": 2,
         *         "canaries": 1,
         *         "autoPromote": true,
         *         "minHealthySeconds": 10,
         *         "healthyDeadlineSeconds": 300,
         *         "progressDeadlineSeconds": 600,
         *         "autoRevert": true,
         *         "drainSeconds": 5
         *       },
         *       "phase": "canary",
         *       "paused": false,
         *       "instances": [
         *         {
         *           "name": "apache@80.service",
         *           "fromHash": "7a9a50046b0f1f5d48b1b1c2ed4d9bbd44e29a3c",
         *           "step": "replacing",
         *           "since": "2026-12-07T15:20:11.000Z",
         *           "drainedAt": "2026-12-07T15:20:06.000Z",
         *           "canary": true
         *         },
         *         {
         *           "name": "apache@9999.service",
         *           "fromHash": "7a9a50046b0f1f5d48b1b1c2ed4d9bbd44e29a3c",
         *           "step": "pending",
         *           "since": "2026-12-07T15:20:00.000Z"
         *         }
         *       ],
         *       "createdAt": "2026-12-07T15:20:00.000Z",
         *       "updatedAt": "2026-12-07T15:20:11.000Z",
         *       "progressAt": "2026-12-07T15:20:00.000Z"
         *     }
         */
        Rollout: {
            /** Format: date-time */
            createdAt: string;
            id: string;
            instances: components["schemas"]["RolloutInstance"][];
            options: components["schemas"]["RolloutOptions"];
            paused: boolean;
            phase: components["schemas"]["RolloutPhase"];
            /**
             * Format: date-time
             * @description When an instance last finished, or the rollout was promoted, resumed or began reverting: the progress deadline counts from here
             */
            progressAt: string;
            /** @description Why it failed, reverted or was aborted */
            reason?: string;
            /** @description The rollout this one reverts */
            revertOf?: string;
            /** @description What it replaces: a template's name (its instances) or a glob of unit names */
            target: string;
            /** @description The template whose content it replaced */
            template?: {
                fromHash: string;
                name: string;
            };
            /** @description SHA-1 of the new content */
            toHash: string;
            /** Format: date-time */
            updatedAt: string;
        };
        /**
         * @example {
         *       "reason": "the new image logs errors"
         *     }
         */
        RolloutAbort: {
            reason?: string;
        };
        /**
         * @example {
         *       "name": "apache@80.service",
         *       "fromHash": "7a9a50046b0f1f5d48b1b1c2ed4d9bbd44e29a3c",
         *       "step": "replacing",
         *       "since": "2026-12-07T15:20:11.000Z",
         *       "drainedAt": "2026-12-07T15:20:06.000Z",
         *       "canary": true
         *     }
         */
        RolloutInstance: {
            /** @description A canary started beside the old instances (a template's rollout), not in place of one: destroyed once every old instance is replaced, and on a revert, failure or abort */
            added?: boolean;
            canary?: boolean;
            /** @description Units created and destroyed with an added canary: the instances of other templates that run beside or announce its old instances (its sidekicks), on their templates' content */
            companions?: {
                hash: string;
                name: string;
            }[];
            /** @description Why it failed or was skipped */
            detail?: string;
            /**
             * Format: date-time
             * @description When its machine confirmed the announcements withdrawn
             */
            drainedAt?: string;
            /** @description The content it had before the rollout; absent for a canary it added */
            fromHash?: string;
            /**
             * Format: date-time
             * @description Since when the new content is healthy
             */
            healthySince?: string;
            name: string;
            /** @description Being put back on fromHash by the rollout's revert */
            reverting?: boolean;
            /**
             * Format: date-time
             * @description When the current step began
             */
            since?: string;
            step: components["schemas"]["InstanceStep"];
        };
        /**
         * @example {
         *       "rollouts": [
         *         {
         *           "id": "3f9c21ab",
         *           "target": "apache@.service",
         *           "toHash": "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00",
         *           "template": {
         *             "name": "apache@.service",
         *             "fromHash": "7a9a50046b0f1f5d48b1b1c2ed4d9bbd44e29a3c"
         *           },
         *           "options": {
         *             "maxParallel": 2,
         *             "canaries": 1,
         *             "autoPromote": true,
         *             "minHealthySeconds": 10,
         *             "healthyDeadlineSeconds": 300,
         *             "progressDeadlineSeconds": 600,
         *             "autoRevert": true,
         *             "drainSeconds": 5
         *           },
         *           "phase": "canary",
         *           "paused": false,
         *           "instances": [
         *             {
         *               "name": "apache@80.service",
         *               "fromHash": "7a9a50046b0f1f5d48b1b1c2ed4d9bbd44e29a3c",
         *               "step": "replacing",
         *               "since": "2026-12-07T15:20:11.000Z",
         *               "drainedAt": "2026-12-07T15:20:06.000Z",
         *               "canary": true
         *             },
         *             {
         *               "name": "apache@9999.service",
         *               "fromHash": "7a9a50046b0f1f5d48b1b1c2ed4d9bbd44e29a3c",
         *               "step": "pending",
         *               "since": "2026-12-07T15:20:00.000Z"
         *             }
         *           ],
         *           "createdAt": "2026-12-07T15:20:00.000Z",
         *           "updatedAt": "2026-12-07T15:20:11.000Z",
         *           "progressAt": "2026-12-07T15:20:00.000Z"
         *         }
         *       ]
         *     }
         */
        RolloutList: {
            /** @description Newest first */
            rollouts: components["schemas"]["Rollout"][];
        };
        /**
         * @description How a rollout proceeds; every option has a cautious default.
         * @example {
         *       "maxParallel": 2,
         *       "canaries": 1,
         *       "autoPromote": true,
         *       "minHealthySeconds": 10,
         *       "healthyDeadlineSeconds": 300,
         *       "progressDeadlineSeconds": 600,
         *       "autoRevert": true,
         *       "drainSeconds": 5
         *     }
         */
        RolloutOptions: {
            /** @description Promote the canaries as soon as they are healthy; false waits for POST /v1/rollouts/{id}/promote (default true) */
            autoPromote: boolean;
            /** @description On failure, put the instances already replaced back on their previous content, with the same care (default true) */
            autoRevert: boolean;
            /** @description Canaries: a template's rollout starts this many new instances beside the old ones first (no more than it has running instances to replace, nor than 16 units with their sidekicks); the old ones wait until the canaries are healthy and promoted, and the canaries are destroyed once every old instance is replaced. When no machine has room for them now, and for a rollout of plain units (no template to make new instances from), its first running instances are its canaries, replaced in place (0: none) (default 1) */
            canaries: number;
            /** @description The stop's drain: an instance's announcements are withdrawn this long before it is stopped (default 5) */
            drainSeconds: number;
            /** @description An instance not healthy for minHealthySeconds this long after its replacement fails the rollout; must exceed minHealthySeconds (default 300) */
            healthyDeadlineSeconds: number;
            /** @description Instances replaced at once; the others keep serving meanwhile (default 1) */
            maxParallel: number;
            /** @description How long a new instance must stay healthy (running, for a unit without a check) to count as replaced (default 10) */
            minHealthySeconds: number;
            /** @description A rollout that replaces no instance for this long fails; must exceed healthyDeadlineSeconds and drainSeconds together (default 600) */
            progressDeadlineSeconds: number;
        };
        /**
         * @description Any of a rollout's options; the others take their defaults.
         * @example {
         *       "maxParallel": 2,
         *       "canaries": 1,
         *       "minHealthySeconds": 5
         *     }
         */
        RolloutOptionsRequest: {
            /** @description Promote the canaries as soon as they are healthy; false waits for POST /v1/rollouts/{id}/promote (default true) */
            autoPromote?: boolean;
            /** @description On failure, put the instances already replaced back on their previous content, with the same care (default true) */
            autoRevert?: boolean;
            /** @description Canaries: a template's rollout starts this many new instances beside the old ones first (no more than it has running instances to replace, nor than 16 units with their sidekicks); the old ones wait until the canaries are healthy and promoted, and the canaries are destroyed once every old instance is replaced. When no machine has room for them now, and for a rollout of plain units (no template to make new instances from), its first running instances are its canaries, replaced in place (0: none) (default 1) */
            canaries?: number;
            /** @description The stop's drain: an instance's announcements are withdrawn this long before it is stopped (default 5) */
            drainSeconds?: number;
            /** @description An instance not healthy for minHealthySeconds this long after its replacement fails the rollout; must exceed minHealthySeconds (default 300) */
            healthyDeadlineSeconds?: number;
            /** @description Instances replaced at once; the others keep serving meanwhile (default 1) */
            maxParallel?: number;
            /** @description How long a new instance must stay healthy (running, for a unit without a check) to count as replaced (default 10) */
            minHealthySeconds?: number;
            /** @description A rollout that replaces no instance for this long fails; must exceed healthyDeadlineSeconds and drainSeconds together (default 600) */
            progressDeadlineSeconds?: number;
        };
        /**
         * @description canary: replacing the canaries; awaiting-promotion: canaries healthy, waiting for a promote; rolling: replacing the rest; reverting: putting replaced instances back; succeeded, failed, reverted and aborted are final.
         * @example rolling
         * @enum {string}
         */
        RolloutPhase: "canary" | "awaiting-promotion" | "rolling" | "reverting" | "succeeded" | "failed" | "reverted" | "aborted";
        /**
         * @example {
         *       "target": "apache@.service",
         *       "toHash": "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00",
         *       "template": "apache@.service",
         *       "options": {
         *         "maxParallel": 2,
         *         "canaries": 1,
         *         "autoPromote": true,
         *         "minHealthySeconds": 10,
         *         "healthyDeadlineSeconds": 300,
         *         "progressDeadlineSeconds": 600,
         *         "autoRevert": true,
         *         "drainSeconds": 5
         *       },
         *       "instances": [
         *         {
         *           "name": "apache@80.service",
         *           "machineId": "0606a9c6e3c14ba6a73beb8d7b9bd1fe",
         *           "change": "replace",
         *           "order": 1,
         *           "wave": 1,
         *           "canary": true
         *         },
         *         {
         *           "name": "apache@9999.service",
         *           "machineId": "264151e9a7d84e6b9c5b1a3c2d4e5f60",
         *           "change": "replace",
         *           "order": 2,
         *           "wave": 2,
         *           "canary": false
         *         }
         *       ]
         *     }
         */
        RolloutPlan: {
            /** @description In the order of the rollout */
            instances: components["schemas"]["PlannedReplacement"][];
            options: components["schemas"]["RolloutOptions"];
            target: string;
            /** @description The template whose content would change at once */
            template?: string;
            /** @description SHA-1 of the new content */
            toHash: string;
        };
        /**
         * @description Exactly one of text and version gives the new content.
         * @example {
         *       "target": "apache@.service",
         *       "text": "[Service]\nExecStart=/usr/bin/docker run --rm --name apache-%i -p %i:80 user_name/apache:2\n",
         *       "options": {
         *         "maxParallel": 2
         *       }
         *     }
         * @example {
         *       "target": "apache@.service",
         *       "version": 2,
         *       "options": {
         *         "maxParallel": 2
         *       }
         *     }
         */
        RolloutRequest: {
            options?: components["schemas"]["RolloutOptionsRequest"];
            /** @description What to replace: a template (apache@.service: its instances, and the template itself), a unit, or a glob of unit names */
            target: string;
            /** @description The new unit file; or else version */
            text?: string;
            /** @description Instead of text: a version the target (a template or a unit, not a glob) keeps in its history (GET /v1/unit-files/{name}/history), rolled out again */
            version?: number;
        };
        /**
         * @example {
         *       "desiredState": "launched"
         *     }
         */
        SetDesiredStateBody: {
            desiredState: components["schemas"]["DesiredState"];
        };
        /**
         * @description The data of one event of the stream: a change, or a reset
         * @example {
         *       "revision": 1042,
         *       "type": "unit.updated",
         *       "name": "apache@80.service",
         *       "data": {
         *         "name": "apache@80.service",
         *         "kind": "instance",
         *         "template": "apache@.service",
         *         "hash": "7a9a500cc8b29b075f837c44d2dd595f14cd2301",
         *         "shortHash": "7a9a500",
         *         "desiredState": "launched",
         *         "currentState": "launched",
         *         "machineId": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d",
         *         "loadState": "loaded",
         *         "activeState": "active",
         *         "subState": "running",
         *         "health": {
         *           "status": "healthy",
         *           "since": "2026-12-07T09:30:00.000Z",
         *           "failures": 0,
         *           "lastCheckAt": "2026-12-07T09:30:00.000Z",
         *           "lastOutput": "HTTP 200 OK: <h1>Running from Docker on CoreOS</h1>",
         *           "probe": "http"
         *         },
         *         "createdAt": "2026-12-07T09:30:00.000Z",
         *         "updatedAt": "2026-12-07T09:30:00.000Z"
         *       }
         *     }
         * @example {
         *       "revision": 1042
         *     }
         */
        StreamEvent: components["schemas"]["ClusterEvent"] | components["schemas"]["StreamReset"];
        /**
         * @description The data of a `reset` event: the history asked for (Last-Event-ID or ?after=) is gone, so the client should list again, then apply the events that follow.
         * @example {
         *       "revision": 1042
         *     }
         */
        StreamReset: {
            /** @description The etcd revision the stream continues from */
            revision: number;
        };
        /**
         * @example {
         *       "name": "apache@80.service",
         *       "kind": "instance",
         *       "template": "apache@.service",
         *       "hash": "7a9a500cc8b29b075f837c44d2dd595f14cd2301",
         *       "shortHash": "7a9a500",
         *       "desiredState": "launched",
         *       "currentState": "launched",
         *       "machineId": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d",
         *       "loadState": "loaded",
         *       "activeState": "active",
         *       "subState": "running",
         *       "health": {
         *         "status": "healthy",
         *         "since": "2026-12-07T09:30:00.000Z",
         *         "failures": 0,
         *         "lastCheckAt": "2026-12-07T09:30:00.000Z",
         *         "lastOutput": "HTTP 200 OK: <h1>Running from Docker on CoreOS</h1>",
         *         "probe": "http"
         *       },
         *       "createdAt": "2026-12-07T09:30:00.000Z",
         *       "updatedAt": "2026-12-07T09:30:00.000Z"
         *     }
         */
        Unit: {
            activeState?: string;
            /** Format: date-time */
            createdAt: string;
            currentState: components["schemas"]["CurrentState"];
            desiredState: components["schemas"]["DesiredState"];
            hash: string;
            health?: components["schemas"]["UnitHealth"];
            /**
             * InstanceKind
             * @description An instance of a template, or a unit of its own
             * @enum {string}
             */
            kind: "instance" | "unit";
            /**
             * UnitLastExit
             * @description How the unit's main process last ended, as its machine's agent reports it; kept after the unit starts again
             */
            lastExit?: {
                /** Format: date-time */
                at: string;
                /**
                 * @example exit status 137
                 * @example container apache1 exited with status 137 while no agent watched it
                 */
                reason: string;
            };
            /** @description As the machine's agent reports it */
            loadState?: string;
            /** @description The machine the unit is placed on */
            machineId?: string;
            /** @description For a global unit: the machines that report it */
            machineIds?: string[];
            name: string;
            /** @description Why the unit is not placed or not running */
            reason?: string;
            /** @description A oneshot service's latest runs, newest first, as its machine's agent reports them */
            runs?: components["schemas"]["UnitRun"][];
            shortHash: string;
            subState?: string;
            template?: string;
            timer?: components["schemas"]["UnitTimer"];
            /** Format: date-time */
            updatedAt: string;
        };
        /**
         * @example {
         *       "name": "apache@.service",
         *       "kind": "template",
         *       "hash": "7a9a500cc8b29b075f837c44d2dd595f14cd2301",
         *       "shortHash": "7a9a500",
         *       "version": 3,
         *       "options": [
         *         {
         *           "section": "Unit",
         *           "name": "Description",
         *           "value": "Apache web server service"
         *         },
         *         {
         *           "section": "Unit",
         *           "name": "After",
         *           "value": "etcd.service"
         *         },
         *         {
         *           "section": "Unit",
         *           "name": "After",
         *           "value": "docker.service"
         *         },
         *         {
         *           "section": "Unit",
         *           "name": "Requires",
         *           "value": "apache-discovery@%i.service"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "TimeoutStartSec",
         *           "value": "0"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "KillMode",
         *           "value": "none"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "EnvironmentFile",
         *           "value": "/etc/environment"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "ExecStartPre",
         *           "value": "-/usr/bin/docker kill apache%i"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "ExecStartPre",
         *           "value": "-/usr/bin/docker rm apache%i"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "ExecStartPre",
         *           "value": "/usr/bin/docker pull user_name/apache"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "ExecStart",
         *           "value": "/usr/bin/docker run --name apache%i -p ${COREOS_PUBLIC_IPV4}:%i:80 user_name/apache /usr/sbin/apache2ctl -D FOREGROUND"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "ExecStop",
         *           "value": "/usr/bin/docker stop apache%i"
         *         },
         *         {
         *           "section": "X-Fleet",
         *           "name": "X-Conflicts",
         *           "value": "apache@*.service"
         *         }
         *       ],
         *       "text": "[Unit]\nDescription=Apache web server service\nAfter=etcd.service\nAfter=docker.service\nRequires=apache-discovery@%i.service\n\n[Service]\nTimeoutStartSec=0\nKillMode=none\nEnvironmentFile=/etc/environment\nExecStartPre=-/usr/bin/docker kill apache%i\nExecStartPre=-/usr/bin/docker rm apache%i\nExecStartPre=/usr/bin/docker pull user_name/apache\nExecStart=/usr/bin/docker run --name apache%i -p ${COREOS_PUBLIC_IPV4}:%i:80 user_name/apache /usr/sbin/apache2ctl -D FOREGROUND\nExecStop=/usr/bin/docker stop apache%i\n\n[X-Fleet]\nX-Conflicts=apache@*.service\n"
         *     }
         */
        UnitFileDetail: {
            hash: string;
            kind: components["schemas"]["UnitKind"];
            name: string;
            options: components["schemas"]["UnitOption"][];
            shortHash: string;
            template?: string;
            /** @description The canonical unit text */
            text: string;
            /** @description The version of its content in its history: 1 when submitted, one more at each change */
            version: number;
        };
        /**
         * @example {
         *       "name": "apache@.service",
         *       "version": 3,
         *       "history": [
         *         {
         *           "version": 3,
         *           "hash": "7a9a500cc8b29b075f837c44d2dd595f14cd2301",
         *           "at": "2026-12-07T15:24:00.000Z",
         *           "cause": "revert of rollout 3f9c21ab",
         *           "current": true
         *         },
         *         {
         *           "version": 2,
         *           "hash": "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00",
         *           "at": "2026-12-07T15:20:00.000Z",
         *           "cause": "rollout 3f9c21ab",
         *           "current": false
         *         },
         *         {
         *           "version": 1,
         *           "hash": "7a9a500cc8b29b075f837c44d2dd595f14cd2301",
         *           "at": "2026-12-07T09:30:00.000Z",
         *           "cause": "submitted",
         *           "current": false
         *         }
         *       ]
         *     }
         */
        UnitFileHistory: {
            /** @description Newest first; the last 10 are kept, with their content */
            history: components["schemas"]["UnitFileVersion"][];
            name: string;
            /** @description The current version */
            version: number;
        };
        /**
         * @description A unit file as JSON, for clients that cannot send text/plain: either its text or its options
         * @example {
         *       "content": "[Unit]\nDescription=Apache web server service\nAfter=etcd.service\nAfter=docker.service\nRequires=apache-discovery@%i.service\n\n[Service]\nTimeoutStartSec=0\nKillMode=none\nEnvironmentFile=/etc/environment\nExecStartPre=-/usr/bin/docker kill apache%i\nExecStartPre=-/usr/bin/docker rm apache%i\nExecStartPre=/usr/bin/docker pull user_name/apache\nExecStart=/usr/bin/docker run --name apache%i -p ${COREOS_PUBLIC_IPV4}:%i:80 user_name/apache /usr/sbin/apache2ctl -D FOREGROUND\nExecStop=/usr/bin/docker stop apache%i\n\n[X-Fleet]\nX-Conflicts=apache@*.service\n"
         *     }
         * @example {
         *       "options": [
         *         {
         *           "section": "Unit",
         *           "name": "Description",
         *           "value": "Apache web server service"
         *         },
         *         {
         *           "section": "Unit",
         *           "name": "After",
         *           "value": "etcd.service"
         *         },
         *         {
         *           "section": "Unit",
         *           "name": "After",
         *           "value": "docker.service"
         *         },
         *         {
         *           "section": "Unit",
         *           "name": "Requires",
         *           "value": "apache-discovery@%i.service"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "TimeoutStartSec",
         *           "value": "0"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "KillMode",
         *           "value": "none"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "EnvironmentFile",
         *           "value": "/etc/environment"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "ExecStartPre",
         *           "value": "-/usr/bin/docker kill apache%i"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "ExecStartPre",
         *           "value": "-/usr/bin/docker rm apache%i"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "ExecStartPre",
         *           "value": "/usr/bin/docker pull user_name/apache"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "ExecStart",
         *           "value": "/usr/bin/docker run --name apache%i -p ${COREOS_PUBLIC_IPV4}:%i:80 user_name/apache /usr/sbin/apache2ctl -D FOREGROUND"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "ExecStop",
         *           "value": "/usr/bin/docker stop apache%i"
         *         },
         *         {
         *           "section": "X-Fleet",
         *           "name": "X-Conflicts",
         *           "value": "apache@*.service"
         *         }
         *       ]
         *     }
         */
        UnitFileJsonBody: components["schemas"]["UnitFileText"] | components["schemas"]["UnitFileOptions"];
        /**
         * @example {
         *       "unitFiles": [
         *         {
         *           "name": "apache@80.service",
         *           "kind": "instance",
         *           "hash": "7a9a500cc8b29b075f837c44d2dd595f14cd2301",
         *           "shortHash": "7a9a500",
         *           "template": "apache@.service"
         *         }
         *       ]
         *     }
         */
        UnitFileList: {
            unitFiles: components["schemas"]["UnitFileSummary"][];
        };
        /**
         * @example {
         *       "options": [
         *         {
         *           "section": "Unit",
         *           "name": "Description",
         *           "value": "Apache web server service"
         *         },
         *         {
         *           "section": "Unit",
         *           "name": "After",
         *           "value": "etcd.service"
         *         },
         *         {
         *           "section": "Unit",
         *           "name": "After",
         *           "value": "docker.service"
         *         },
         *         {
         *           "section": "Unit",
         *           "name": "Requires",
         *           "value": "apache-discovery@%i.service"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "TimeoutStartSec",
         *           "value": "0"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "KillMode",
         *           "value": "none"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "EnvironmentFile",
         *           "value": "/etc/environment"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "ExecStartPre",
         *           "value": "-/usr/bin/docker kill apache%i"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "ExecStartPre",
         *           "value": "-/usr/bin/docker rm apache%i"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "ExecStartPre",
         *           "value": "/usr/bin/docker pull user_name/apache"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "ExecStart",
         *           "value": "/usr/bin/docker run --name apache%i -p ${COREOS_PUBLIC_IPV4}:%i:80 user_name/apache /usr/sbin/apache2ctl -D FOREGROUND"
         *         },
         *         {
         *           "section": "Service",
         *           "name": "ExecStop",
         *           "value": "/usr/bin/docker stop apache%i"
         *         },
         *         {
         *           "section": "X-Fleet",
         *           "name": "X-Conflicts",
         *           "value": "apache@*.service"
         *         }
         *       ]
         *     }
         */
        UnitFileOptions: {
            /** @description The unit file parsed into options, in file order */
            options: components["schemas"]["UnitOption"][];
        };
        /**
         * @example {
         *       "name": "apache@.service",
         *       "kind": "template",
         *       "hash": "7a9a500cc8b29b075f837c44d2dd595f14cd2301",
         *       "shortHash": "7a9a500",
         *       "created": true,
         *       "replaced": false,
         *       "warnings": []
         *     }
         */
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
        /**
         * @example {
         *       "name": "apache@80.service",
         *       "kind": "instance",
         *       "hash": "7a9a500cc8b29b075f837c44d2dd595f14cd2301",
         *       "shortHash": "7a9a500",
         *       "template": "apache@.service"
         *     }
         */
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
        /**
         * @example {
         *       "content": "[Unit]\nDescription=Apache web server service\nAfter=etcd.service\nAfter=docker.service\nRequires=apache-discovery@%i.service\n\n[Service]\nTimeoutStartSec=0\nKillMode=none\nEnvironmentFile=/etc/environment\nExecStartPre=-/usr/bin/docker kill apache%i\nExecStartPre=-/usr/bin/docker rm apache%i\nExecStartPre=/usr/bin/docker pull user_name/apache\nExecStart=/usr/bin/docker run --name apache%i -p ${COREOS_PUBLIC_IPV4}:%i:80 user_name/apache /usr/sbin/apache2ctl -D FOREGROUND\nExecStop=/usr/bin/docker stop apache%i\n\n[X-Fleet]\nX-Conflicts=apache@*.service\n"
         *     }
         */
        UnitFileText: {
            /** @description The unit file's text, exactly as it would be sent as text/plain */
            content: string;
        };
        /**
         * @example {
         *       "version": 3,
         *       "hash": "7a9a500cc8b29b075f837c44d2dd595f14cd2301",
         *       "at": "2026-12-07T15:24:00.000Z",
         *       "cause": "revert of rollout 3f9c21ab",
         *       "current": true
         *     }
         */
        UnitFileVersion: {
            /**
             * Format: date-time
             * @description When the unit got this content
             */
            at: string;
            /** @description Why: submitted, replaced, from template NAME (an instance's first), rollout ID, revert of rollout ID */
            cause?: string;
            /** @description The unit file's content now */
            current: boolean;
            /** @description SHA-1 of the content's canonical text */
            hash: string;
            version: number;
        };
        /**
         * @description A unit's health; only its status when it is none. Absent when no machine reports the unit.
         * @example {
         *       "status": "healthy",
         *       "since": "2026-12-07T09:30:00.000Z",
         *       "failures": 0,
         *       "lastCheckAt": "2026-12-07T09:30:00.000Z",
         *       "lastOutput": "HTTP 200 OK: <h1>Running from Docker on CoreOS</h1>",
         *       "probe": "http"
         *     }
         * @example {
         *       "status": "none"
         *     }
         */
        UnitHealth: {
            /** @description Failed checks in a row when the status began */
            failures?: number;
            /**
             * Format: date-time
             * @description When the check that gave the status ended. The agent reports a change of status, not every check.
             */
            lastCheckAt?: string;
            /** @description What that check said, at most 512 bytes */
            lastOutput?: string;
            probe?: components["schemas"]["HealthProbeKind"];
            /**
             * Format: date-time
             * @description When the status began
             */
            since?: string;
            status: components["schemas"]["HealthStatus"];
        };
        /**
         * @example instance
         * @enum {string}
         */
        UnitKind: "template" | "instance" | "unit";
        /**
         * @example {
         *       "units": [
         *         {
         *           "name": "apache@80.service",
         *           "kind": "instance",
         *           "template": "apache@.service",
         *           "hash": "7a9a500cc8b29b075f837c44d2dd595f14cd2301",
         *           "shortHash": "7a9a500",
         *           "desiredState": "launched",
         *           "currentState": "launched",
         *           "machineId": "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d",
         *           "loadState": "loaded",
         *           "activeState": "active",
         *           "subState": "running",
         *           "health": {
         *             "status": "healthy",
         *             "since": "2026-12-07T09:30:00.000Z",
         *             "failures": 0,
         *             "lastCheckAt": "2026-12-07T09:30:00.000Z",
         *             "lastOutput": "HTTP 200 OK: <h1>Running from Docker on CoreOS</h1>",
         *             "probe": "http"
         *           },
         *           "createdAt": "2026-12-07T09:30:00.000Z",
         *           "updatedAt": "2026-12-07T09:30:00.000Z"
         *         }
         *       ]
         *     }
         */
        UnitList: {
            /** @description Pass as pageToken for the next page */
            nextPageToken?: string;
            units: components["schemas"]["Unit"][];
        };
        /**
         * @example {
         *       "section": "Unit",
         *       "name": "Description",
         *       "value": "Apache web server service"
         *     }
         */
        UnitOption: {
            name: string;
            section: string;
            value: string;
        };
        /**
         * @description One run of a oneshot service (one a timer starts, say) from its start to its end; read its output with GET /v1/units/{name}/logs?run=N
         * @example {
         *       "startedAt": "2026-12-08T02:00:00.012Z",
         *       "endedAt": "2026-12-08T02:03:41.870Z",
         *       "result": "failed",
         *       "reason": "ExecStart=/usr/local/bin/backup failed: exit status 3"
         *     }
         */
        UnitRun: {
            /**
             * Format: date-time
             * @description Absent while the run goes on
             */
            endedAt?: string;
            /**
             * @description Why the run failed: the command and its status
             * @example ExecStart=/usr/local/bin/backup failed: exit status 3
             */
            reason?: string;
            /**
             * ServiceRunResult
             * @enum {string}
             */
            result?: "success" | "failed";
            /** Format: date-time */
            startedAt: string;
        };
        /**
         * @description A timer's next and last elapse, as its machine's agent reports them; timers only. Absent when no machine reports the timer.
         * @example {
         *       "unit": "backup.service",
         *       "nextElapse": "2026-12-09T02:00:00.000Z",
         *       "nextTrigger": "OnCalendar=*-*-* 02:00:00",
         *       "lastTrigger": "2026-12-08T02:00:00.000Z"
         *     }
         */
        UnitTimer: {
            /**
             * Format: date-time
             * @description When the timer was started on its machine, which OnActiveSec=, OnBootSec= and OnStartupSec= count from; absent while it is stopped
             */
            activatedAt?: string;
            /**
             * Format: date-time
             * @description When it last elapsed, on whichever machine ran it then
             */
            lastTrigger?: string;
            /**
             * Format: date-time
             * @description When it elapses next, its randomized delay included; absent while its service runs, or when nothing will elapse again
             */
            nextElapse?: string;
            /**
             * @description The setting that elapses next, as written
             * @example OnCalendar=*-*-* 02:00:00
             */
            nextTrigger?: string;
            /** @description The service the timer starts */
            unit: string;
        };
        /**
         * @example {
         *       "message": "[Unit] X-Owner: an X- key, kept but not used",
         *       "line": 2
         *     }
         */
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
            /** @description The discovery document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetDiscovery"];
                };
            };
            /** @description Authentication required: fleet's error entity */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Not allowed with this token: fleet's error entity */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Too many requests: fleet's error entity */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Internal error: fleet's error entity */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description etcd is unreachable: fleet's error entity */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
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
            /** @description A page of machines */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetMachinePage"];
                };
            };
            /** @description The request is not valid: fleet's error entity */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Authentication required: fleet's error entity */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Not allowed with this token: fleet's error entity */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Too many requests: fleet's error entity */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Internal error: fleet's error entity */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description etcd is unreachable: fleet's error entity */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
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
        requestBody: {
            content: {
                "application/json": components["schemas"]["FleetMachinePatch"];
            };
        };
        responses: {
            /** @description Applied */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is not valid: fleet's error entity */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Authentication required: fleet's error entity */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Not allowed with this token: fleet's error entity */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Conflict: fleet's error entity */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description The request body is too large: fleet's error entity */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Too many requests: fleet's error entity */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Internal error: fleet's error entity */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description etcd is unreachable: fleet's error entity */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
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
            /** @description A page of unit states */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetUnitStatePage"];
                };
            };
            /** @description The request is not valid: fleet's error entity */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Authentication required: fleet's error entity */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Not allowed with this token: fleet's error entity */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Too many requests: fleet's error entity */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Internal error: fleet's error entity */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description etcd is unreachable: fleet's error entity */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
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
                /**
                 * @description A unit name, as on /v1. fleet's answers to another name: 404 from GET and DELETE, 400 with fleet's message from PUT.
                 * @example hello.service
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The unit's first state */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetUnitState"];
                };
            };
            /** @description The request is not valid: fleet's error entity */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Authentication required: fleet's error entity */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Not allowed with this token: fleet's error entity */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Not found: fleet's error entity */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description The request target is too long: fleet's error entity */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Too many requests: fleet's error entity */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Internal error: fleet's error entity */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description etcd is unreachable: fleet's error entity */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
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
            /** @description A page of units */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetUnitPage"];
                };
            };
            /** @description The request is not valid: fleet's error entity */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Authentication required: fleet's error entity */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Not allowed with this token: fleet's error entity */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Too many requests: fleet's error entity */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Internal error: fleet's error entity */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description etcd is unreachable: fleet's error entity */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
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
                /**
                 * @description A unit name, as on /v1. fleet's answers to another name: 404 from GET and DELETE, 400 with fleet's message from PUT.
                 * @example hello.service
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The unit */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetUnit"];
                };
            };
            /** @description The request is not valid: fleet's error entity */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Authentication required: fleet's error entity */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Not allowed with this token: fleet's error entity */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Not found: fleet's error entity */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description The request target is too long: fleet's error entity */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Too many requests: fleet's error entity */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Internal error: fleet's error entity */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description etcd is unreachable: fleet's error entity */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
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
                /**
                 * @description A unit name, as on /v1. fleet's answers to another name: 404 from GET and DELETE, 400 with fleet's message from PUT.
                 * @example hello.service
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FleetUnitBody"];
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
            /** @description The request is not valid: fleet's error entity */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Authentication required: fleet's error entity */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Not allowed with this token: fleet's error entity */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Not found: fleet's error entity */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Conflict: fleet's error entity */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description The request body is too large: fleet's error entity */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description The request target is too long: fleet's error entity */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Unsupported content type: fleet's error entity */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Too many requests: fleet's error entity */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Internal error: fleet's error entity */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description etcd is unreachable: fleet's error entity */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
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
                /**
                 * @description A unit name, as on /v1. fleet's answers to another name: 404 from GET and DELETE, 400 with fleet's message from PUT.
                 * @example hello.service
                 */
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
            /** @description The request is not valid: fleet's error entity */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Authentication required: fleet's error entity */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Not allowed with this token: fleet's error entity */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Not found: fleet's error entity */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Conflict: fleet's error entity */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description The request target is too long: fleet's error entity */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Too many requests: fleet's error entity */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description Internal error: fleet's error entity */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetError"];
                };
            };
            /** @description etcd is unreachable: fleet's error entity */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
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
            /** @description The server runs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
                    /**
                     * @example # TYPE flotilla_units gauge
                     *     flotilla_units 4
                     */
                    "text/plain": string;
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
            /** @description Synchronised with etcd: ready to serve */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not synchronised with etcd: not ready */
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
            /** @description The announced keys */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnnouncementList"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getBackup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The backup */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Backup"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
            /** @description An endless text/event-stream. Each event's data is a ClusterEvent named by its type; a stream that cannot resume where asked starts with a `reset` event whose data is a StreamReset. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
            /** @description The machines whose agents are present */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MachineList"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    drainMachine: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Machine id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["DrainRequest"];
            };
        };
        responses: {
            /** @description The machine, drained */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Machine"];
                };
            };
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found: an RFC 9457 problem document */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an RFC 9457 problem document */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body is too large: an RFC 9457 problem document */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request target is too long: an RFC 9457 problem document */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported content type: an RFC 9457 problem document */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    undrainMachine: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Machine id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The machine, no longer drained */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Machine"];
                };
            };
            /** @description The machine is not present; its drain is ended */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found: an RFC 9457 problem document */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an RFC 9457 problem document */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request target is too long: an RFC 9457 problem document */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
            /** @description The machine with its new metadata */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Machine"];
                };
            };
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found: an RFC 9457 problem document */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an RFC 9457 problem document */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body is too large: an RFC 9457 problem document */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request target is too long: an RFC 9457 problem document */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported content type: an RFC 9457 problem document */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
            /** @description Where each unit would go, and why not elsewhere */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found: an RFC 9457 problem document */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an RFC 9457 problem document */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body is too large: an RFC 9457 problem document */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported content type: an RFC 9457 problem document */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    restoreBackup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Backup"];
            };
        };
        responses: {
            /** @description What was written */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RestoreResult"];
                };
            };
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an RFC 9457 problem document */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body is too large: an RFC 9457 problem document */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported content type: an RFC 9457 problem document */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listRollouts: {
        parameters: {
            query?: {
                /** @description The API token, for clients that cannot send an Authorization header */
                access_token?: string;
                /** @description Only the rollouts of this target */
                target?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The rollouts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RolloutList"];
                };
            };
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    startRollout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RolloutRequest"];
            };
        };
        responses: {
            /** @description The rollout, started */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Rollout"];
                };
            };
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found: an RFC 9457 problem document */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an RFC 9457 problem document */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body is too large: an RFC 9457 problem document */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported content type: an RFC 9457 problem document */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getRollout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The rollout's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The rollout */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Rollout"];
                };
            };
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found: an RFC 9457 problem document */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request target is too long: an RFC 9457 problem document */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    abortRollout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The rollout's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RolloutAbort"];
            };
        };
        responses: {
            /** @description The rollout as the action left it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Rollout"];
                };
            };
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found: an RFC 9457 problem document */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an RFC 9457 problem document */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body is too large: an RFC 9457 problem document */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request target is too long: an RFC 9457 problem document */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported content type: an RFC 9457 problem document */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    pauseRollout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The rollout's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The rollout as the action left it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Rollout"];
                };
            };
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found: an RFC 9457 problem document */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an RFC 9457 problem document */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request target is too long: an RFC 9457 problem document */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    promoteRollout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The rollout's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The rollout as the action left it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Rollout"];
                };
            };
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found: an RFC 9457 problem document */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an RFC 9457 problem document */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request target is too long: an RFC 9457 problem document */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    resumeRollout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The rollout's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The rollout as the action left it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Rollout"];
                };
            };
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found: an RFC 9457 problem document */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an RFC 9457 problem document */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request target is too long: an RFC 9457 problem document */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revertRollout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The rollout's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The reverting rollout, started */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Rollout"];
                };
            };
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found: an RFC 9457 problem document */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an RFC 9457 problem document */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request target is too long: an RFC 9457 problem document */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
            /** @description The unit files, by name */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnitFileList"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getUnitFile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unit file name, e.g. apache@.service or apache@80.service: letters, digits and : - _ . \ @, then a unit type. Percent-encode '@' as %40 if your client requires it.
                 * @example apache@.service
                 */
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
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found: an RFC 9457 problem document */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request target is too long: an RFC 9457 problem document */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
                /**
                 * @description Unit file name, e.g. apache@.service or apache@80.service: letters, digits and : - _ . \ @, then a unit type. Percent-encode '@' as %40 if your client requires it.
                 * @example apache@.service
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UnitFileJsonBody"];
                /**
                 * @example [Unit]
                 *     Description=Apache web server service
                 *     After=etcd.service
                 *     After=docker.service
                 *     Requires=apache-discovery@%i.service
                 *
                 *     [Service]
                 *     TimeoutStartSec=0
                 *     KillMode=none
                 *     EnvironmentFile=/etc/environment
                 *     ExecStartPre=-/usr/bin/docker kill apache%i
                 *     ExecStartPre=-/usr/bin/docker rm apache%i
                 *     ExecStartPre=/usr/bin/docker pull user_name/apache
                 *     ExecStart=/usr/bin/docker run --name apache%i -p ${COREOS_PUBLIC_IPV4}:%i:80 user_name/apache /usr/sbin/apache2ctl -D FOREGROUND
                 *     ExecStop=/usr/bin/docker stop apache%i
                 *
                 *     [X-Fleet]
                 *     X-Conflicts=apache@*.service
                 */
                "text/plain": string;
            };
        };
        responses: {
            /** @description The same content was already submitted, or it replaced other content */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnitFileSubmitted"];
                };
            };
            /** @description The unit file was submitted */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnitFileSubmitted"];
                };
            };
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an RFC 9457 problem document */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body is too large: an RFC 9457 problem document */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request target is too long: an RFC 9457 problem document */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported content type: an RFC 9457 problem document */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
                /**
                 * @description Unit file name, e.g. apache@.service or apache@80.service: letters, digits and : - _ . \ @, then a unit type. Percent-encode '@' as %40 if your client requires it.
                 * @example apache@.service
                 */
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
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found: an RFC 9457 problem document */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an RFC 9457 problem document */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request target is too long: an RFC 9457 problem document */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getUnitFileHistory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unit file name, e.g. apache@.service or apache@80.service: letters, digits and : - _ . \ @, then a unit type. Percent-encode '@' as %40 if your client requires it.
                 * @example apache@.service
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The unit file's versions */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnitFileHistory"];
                };
            };
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found: an RFC 9457 problem document */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request target is too long: an RFC 9457 problem document */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
            /** @description The units, by name */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnitList"];
                };
            };
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getUnit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unit name, e.g. apache@80.service: as a unit file's name, but not a template's. Percent-encode '@' as %40 if your client requires it.
                 * @example apache@80.service
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The unit */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Unit"];
                };
            };
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found: an RFC 9457 problem document */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request target is too long: an RFC 9457 problem document */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setUnitDesiredState: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unit name, e.g. apache@80.service: as a unit file's name, but not a template's. Percent-encode '@' as %40 if your client requires it.
                 * @example apache@80.service
                 */
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
            /** @description The unit's desired state was set (or already was) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Unit"];
                };
            };
            /** @description The instance was created from its template with this desired state */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Unit"];
                };
            };
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found: an RFC 9457 problem document */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an RFC 9457 problem document */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request body is too large: an RFC 9457 problem document */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request target is too long: an RFC 9457 problem document */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported content type: an RFC 9457 problem document */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    destroyUnit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unit name, e.g. apache@80.service: as a unit file's name, but not a template's. Percent-encode '@' as %40 if your client requires it.
                 * @example apache@80.service
                 */
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
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found: an RFC 9457 problem document */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: an RFC 9457 problem document */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request target is too long: an RFC 9457 problem document */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
                /** @description For a oneshot service: the output of one of its recent runs (its `runs`), 1 for the latest, 2 for the one before, up to 10 */
                run?: string;
            };
            header?: never;
            path: {
                /**
                 * @description Unit name, e.g. apache@80.service: as a unit file's name, but not a template's. Percent-encode '@' as %40 if your client requires it.
                 * @example apache@80.service
                 */
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
            /** @description The request is not valid: an RFC 9457 problem document */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authentication required: an RFC 9457 problem document */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: Bearer */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with this token: an RFC 9457 problem document */
            403: {
                headers: {
                    /** @description Bearer error="insufficient_scope" */
                    "www-authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found: an RFC 9457 problem document */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request target is too long: an RFC 9457 problem document */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: an RFC 9457 problem document */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal error: an RFC 9457 problem document */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A machine's agent could not be reached: an RFC 9457 problem document */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description etcd is unreachable: an RFC 9457 problem document */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying: etcd is unreachable, or the server not yet in sync with it */
                    "retry-after": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
