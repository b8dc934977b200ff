// What one look at the cluster saw. Each source that could not be read is undefined, so that
// the checker never takes "could not look" for "nothing there".

/** One running copy of a unit, as the machine shows it. */
export interface Copy {
  unit: string;
  machine: string;
  via: "container" | "process" | "announce";
}

/** A unit as a server's API lists it. */
export interface ListedUnit {
  name: string;
  hash: string;
  desiredState?: string;
  machineId?: string;
  activeState?: string;
}

export interface Sample {
  /** Milliseconds since the campaign began. */
  at: number;
  /** Each agent's machine, and whether its process runs unpaused, as the campaign left it. */
  agents: { machine: string; up: boolean }[];
  /** Machines whose presence key exists in etcd. */
  members?: string[];
  /** Containers running on the engine, by their labels. */
  containers?: Copy[];
  /** Units' processes, by their environment. */
  processes?: Copy[];
  /** Per machine, the announce loops its agent reports active; an agent that did not answer is absent. */
  announcing: Record<string, Copy[]>;
  /** Keys under the announcements' prefix. */
  keys?: string[];
  /** Units (templates aside) and templates as one server lists them, and when it answered. */
  units?: ListedUnit[];
  templates?: ListedUnit[];
  listedAt?: number;
}

/** One answer of the API to the workload or the sampler. */
export interface Answer {
  at: number;
  method: string;
  path: string;
  status: number;
  retryAfter: boolean;
}

/** A copy of every source that was read, in one list. */
export function copiesOf(sample: Sample): Copy[] {
  return [
    ...(sample.containers ?? []),
    ...(sample.processes ?? []),
    ...Object.values(sample.announcing).flat(),
  ];
}
