import { shortHash, unitHash } from "../unit/hash.ts";
import type { UnitFile } from "../unit/model.ts";
import { parseUnitFile } from "../unit/parse.ts";
import { serializeUnitFile } from "../unit/serialize.ts";

/**
 * The examples of the OpenAPI document: the tutorial's web server template and one of its
 * instances on a three-machine cluster. A test validates every example against its schema.
 */

export const exampleTemplateText = `[Unit]
Description=Apache web server service
After=etcd.service
After=docker.service
Requires=apache-discovery@%i.service

[Service]
TimeoutStartSec=0
KillMode=none
EnvironmentFile=/etc/environment
ExecStartPre=-/usr/bin/docker kill apache%i
ExecStartPre=-/usr/bin/docker rm apache%i
ExecStartPre=/usr/bin/docker pull user_name/apache
ExecStart=/usr/bin/docker run --name apache%i -p \${COREOS_PUBLIC_IPV4}:%i:80 user_name/apache /usr/sbin/apache2ctl -D FOREGROUND
ExecStop=/usr/bin/docker stop apache%i

[X-Fleet]
X-Conflicts=apache@*.service
`;

function parsed(text: string): UnitFile {
  const result = parseUnitFile(text);
  if (!result.ok) throw new Error("the example unit file does not parse");
  return result.file;
}

const template = parsed(exampleTemplateText);
const hash = unitHash(template);
const machineId = "148a18ff6ab5d7bd8b1b1a9bf2d7ab2d";
const otherMachineId = "491586a6508f4c5b9c7e1e3d2a0f6b8c";
const at = "2026-12-07T09:30:00.000Z";

export const exampleOptions = template.options;

export const exampleUnitFileDetail = {
  name: "apache@.service",
  kind: "template",
  hash,
  shortHash: shortHash(hash),
  version: 3,
  options: exampleOptions,
  text: serializeUnitFile(template),
};

/** The template's versions: submitted, replaced by a rollout, that rollout reverted. */
export const exampleUnitFileHistory = {
  name: "apache@.service",
  version: 3,
  history: [
    {
      version: 3,
      hash,
      at: "2026-12-07T15:24:00.000Z",
      cause: "revert of rollout 3f9c21ab",
      current: true,
    },
    {
      version: 2,
      hash: "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00",
      at: "2026-12-07T15:20:00.000Z",
      cause: "rollout 3f9c21ab",
      current: false,
    },
    { version: 1, hash, at, cause: "submitted", current: false },
  ],
};

export const exampleUnitFileSummary = {
  name: "apache@80.service",
  kind: "instance",
  hash,
  shortHash: shortHash(hash),
  template: "apache@.service",
};

export const exampleUnitFileSubmitted = {
  name: "apache@.service",
  kind: "template",
  hash,
  shortHash: shortHash(hash),
  created: true,
  replaced: false,
  warnings: [],
};

/** A unit whose [X-Health] section has HTTPGet=http://${COREOS_PUBLIC_IPV4}:%i/. */
export const exampleUnitHealth = {
  status: "healthy",
  since: at,
  failures: 0,
  lastCheckAt: at,
  lastOutput: "HTTP 200 OK: <h1>Running from Docker on CoreOS</h1>",
  probe: "http",
};

export const exampleUnit = {
  name: "apache@80.service",
  kind: "instance",
  template: "apache@.service",
  hash,
  shortHash: shortHash(hash),
  desiredState: "launched",
  currentState: "launched",
  machineId,
  loadState: "loaded",
  activeState: "active",
  subState: "running",
  health: exampleUnitHealth,
  createdAt: at,
  updatedAt: at,
};

export const exampleMachine = {
  id: machineId,
  shortId: machineId.slice(0, 8),
  publicIP: "10.0.0.1",
  privateIP: "10.0.0.1",
  metadata: { region: "eu", disk: "ssd" },
  agentURL: "http://10.0.0.1:7601",
  version: "0.1.0",
  units: ["apache-discovery@80.service", "apache@80.service"],
  startedAt: at,
  heartbeatAt: at,
  capacity: { cpus: 2, memoryBytes: 8_589_934_592 },
};

/** The machine being drained for a kernel upgrade: apache@80 moved away, its old run stopping. */
export const exampleMachineDrain = {
  since: "2026-12-07T10:15:00.000Z",
  reason: "kernel upgrade",
  remainingUnits: ["apache@80.service"],
};

export const exampleDrainedMachine = {
  ...exampleMachine,
  units: [],
  drain: exampleMachineDrain,
};

export const exampleAnnouncement = {
  key: "/announce/services/apache80",
  value: "10.0.0.1:80",
  unit: "apache-discovery@80.service",
  machineId,
  ttlSeconds: 60,
  remainingSeconds: 42,
  since: at,
};

export const examplePlannedUnit = {
  unit: "apache@9999.service",
  machineId: otherMachineId,
  alreadyPlaced: false,
  displaces: [],
  rejected: [
    {
      machineId,
      reason: "conflicts with apache@80.service (X-Conflicts=apache@*.service)",
    },
  ],
};

export const exampleMovedUnit = {
  unit: "apache-old@80.service",
  from: otherMachineId,
  machineId,
};

export const exampleProblem = {
  type: "urn:flotilla:problem:unit-not-found",
  title: "No such unit",
  status: 404,
  detail: "unit apache@8080.service does not exist",
  instance: "/v1/units/apache@8080.service",
};

export const exampleEvent = {
  revision: 1042,
  type: "unit.updated",
  name: "apache@80.service",
  data: exampleUnit,
};

/** fleet's PUT takes a name and options together: options that suit any unit name. */
const helloOptions = parsed(
  '[Unit]\nDescription=Hello World\n\n[Service]\nExecStart=/bin/sh -c "while true; do echo Hello World; sleep 1; done"\n',
).options;

export const exampleFleetUnit = {
  currentState: "launched",
  desiredState: "launched",
  machineID: machineId,
  name: "hello.service",
  options: helloOptions,
};

export const exampleFleetUnitState = {
  hash,
  machineID: machineId,
  name: "apache@80.service",
  systemdActiveState: "active",
  systemdLoadState: "loaded",
  systemdSubState: "running",
};

export const exampleFleetMachine = {
  id: machineId,
  metadata: { region: "eu", disk: "ssd" },
  primaryIP: "10.0.0.1",
};

export const exampleRolloutOptions = {
  maxParallel: 2,
  canaries: 1,
  autoPromote: true,
  minHealthySeconds: 10,
  healthyDeadlineSeconds: 300,
  progressDeadlineSeconds: 600,
  autoRevert: true,
  drainSeconds: 5,
};

export const exampleRolloutInstance = {
  name: "apache@80.service",
  fromHash: "7a9a50046b0f1f5d48b1b1c2ed4d9bbd44e29a3c",
  step: "replacing",
  since: "2026-12-07T15:20:11.000Z",
  drainedAt: "2026-12-07T15:20:06.000Z",
  canary: true,
};

export const exampleRollout = {
  id: "3f9c21ab",
  target: "apache@.service",
  toHash: "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00",
  template: { name: "apache@.service", fromHash: "7a9a50046b0f1f5d48b1b1c2ed4d9bbd44e29a3c" },
  options: exampleRolloutOptions,
  phase: "canary",
  paused: false,
  instances: [
    exampleRolloutInstance,
    {
      name: "apache@9999.service",
      fromHash: "7a9a50046b0f1f5d48b1b1c2ed4d9bbd44e29a3c",
      step: "pending",
      since: "2026-12-07T15:20:00.000Z",
    },
  ],
  createdAt: "2026-12-07T15:20:00.000Z",
  updatedAt: "2026-12-07T15:20:11.000Z",
  progressAt: "2026-12-07T15:20:00.000Z",
};

export const examplePlannedReplacement = {
  name: "apache@80.service",
  machineId: "0606a9c6e3c14ba6a73beb8d7b9bd1fe",
  change: "replace",
  order: 1,
  wave: 1,
  canary: true,
};

export const exampleRolloutPlan = {
  target: "apache@.service",
  toHash: "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00",
  template: "apache@.service",
  options: exampleRolloutOptions,
  instances: [
    examplePlannedReplacement,
    {
      name: "apache@9999.service",
      machineId: "264151e9a7d84e6b9c5b1a3c2d4e5f60",
      change: "replace",
      order: 2,
      wave: 2,
      canary: false,
    },
  ],
};
