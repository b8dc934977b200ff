/**
 * Flotilla's etcd key layout. This module is the only place that spells a key.
 *
 *   <prefix>unit-files/<sha1>               canonical unit text, stored once per content
 *   <prefix>unit-file-refs/<sha1>/<name>    one per unit using that content, for collection
 *   <prefix>units/<name>                    UnitRecord
 *   <prefix>placements/<name>               PlacementRecord (create-only)
 *   <prefix>schedule/<name>                 ScheduleStatusRecord, while a unit cannot be placed
 *   <prefix>machines/<id>                   MachineRecord (presence lease)
 *   <prefix>machine-metadata/<id>           MetadataOverrides
 *   <prefix>machine-drains/<id>             MachineDrainRecord, while the machine is drained
 *   <prefix>states/<name>/<machine-id>      UnitStateRecord (presence lease)
 *   <prefix>announcements/<encoded key>     AnnouncementRecord (the announcement's own lease)
 *   <prefix>timer-elapses/<name>            TimerElapseRecord: the last elapse of a timer fired
 *   <prefix>rollouts/<id>                   RolloutRecord
 *   <prefix>rollout-lock                    bumped by every rollout's creation, for overlap checks
 *   <prefix>election/                       engine leader election
 *   <prefix>cluster/record                  ClusterRecord: this etcd holds a Flotilla cluster
 */

export type KeyRef =
  | { kind: "unit-file"; hash: string }
  | { kind: "unit-file-ref"; hash: string; name: string }
  | { kind: "unit"; name: string }
  | { kind: "placement"; name: string }
  | { kind: "schedule"; name: string }
  | { kind: "machine"; id: string }
  | { kind: "machine-metadata"; id: string }
  | { kind: "machine-drain"; id: string }
  | { kind: "state"; name: string; machineId: string }
  | { kind: "timer-elapse"; name: string }
  | { kind: "rollout"; id: string }
  | { kind: "cluster" };

export class Keys {
  constructor(readonly prefix: string) {}

  unitFile(hash: string): string {
    return `${this.prefix}unit-files/${hash}`;
  }
  unitFileRef(hash: string, name: string): string {
    return `${this.prefix}unit-file-refs/${hash}/${name}`;
  }
  unitFileRefs(hash: string): string {
    return `${this.prefix}unit-file-refs/${hash}/`;
  }
  unit(name: string): string {
    return `${this.prefix}units/${name}`;
  }
  /** Instances of `prefix@.service` sort together under `units/prefix@`. */
  unitsNamed(namePrefix: string): string {
    return `${this.prefix}units/${namePrefix}`;
  }
  placement(name: string): string {
    return `${this.prefix}placements/${name}`;
  }
  schedule(name: string): string {
    return `${this.prefix}schedule/${name}`;
  }
  machine(id: string): string {
    return `${this.prefix}machines/${id}`;
  }
  machineMetadata(id: string): string {
    return `${this.prefix}machine-metadata/${id}`;
  }
  machineDrain(id: string): string {
    return `${this.prefix}machine-drains/${id}`;
  }
  state(name: string, machineId: string): string {
    return `${this.prefix}states/${name}/${machineId}`;
  }
  states(): string {
    return `${this.prefix}states/`;
  }
  statesOf(name: string): string {
    return `${this.prefix}states/${name}/`;
  }
  announcement(key: string): string {
    return `${this.prefix}announcements/${encodeURIComponent(key)}`;
  }
  announcements(): string {
    return `${this.prefix}announcements/`;
  }
  timerElapse(name: string): string {
    return `${this.prefix}timer-elapses/${name}`;
  }
  rollout(id: string): string {
    return `${this.prefix}rollouts/${id}`;
  }
  rollouts(): string {
    return `${this.prefix}rollouts/`;
  }
  rolloutLock(): string {
    return `${this.prefix}rollout-lock`;
  }
  /**
   * The name a rollout's reference to content goes by among units' (unit-file-refs/<hash>/…):
   * no unit name has a colon, so it can be no unit's.
   */
  rolloutRefName(id: string): string {
    return `rollout:${id}`;
  }
  /**
   * Written with every unit created (and by a restore): its absence while agents report units
   * means etcd lost the cluster, and the engine stops nothing until it is restored.
   */
  cluster(): string {
    return `${this.prefix}cluster/record`;
  }
  election(): string {
    return `${this.prefix}election`;
  }

  /** Reads a key back into what it names; undefined for keys Flotilla does not own. */
  parse(key: string): KeyRef | undefined {
    if (!key.startsWith(this.prefix)) return undefined;
    const rest = key.slice(this.prefix.length);
    const slash = rest.indexOf("/");
    if (slash < 0) return undefined;
    const family = rest.slice(0, slash);
    const tail = rest.slice(slash + 1);
    if (tail === "") return undefined;
    switch (family) {
      case "unit-files":
        return { kind: "unit-file", hash: tail };
      case "unit-file-refs": {
        const [hash, name] = splitOnce(tail);
        return hash && name ? { kind: "unit-file-ref", hash, name } : undefined;
      }
      case "units":
        return { kind: "unit", name: tail };
      case "placements":
        return { kind: "placement", name: tail };
      case "schedule":
        return { kind: "schedule", name: tail };
      case "machines":
        return { kind: "machine", id: tail };
      case "machine-metadata":
        return { kind: "machine-metadata", id: tail };
      case "machine-drains":
        return { kind: "machine-drain", id: tail };
      case "rollouts":
        return { kind: "rollout", id: tail };
      case "timer-elapses":
        return { kind: "timer-elapse", name: tail };
      case "cluster":
        return tail === "record" ? { kind: "cluster" } : undefined;
      case "states": {
        const [name, machineId] = splitOnce(tail);
        return name && machineId ? { kind: "state", name, machineId } : undefined;
      }
      default:
        return undefined;
    }
  }
}

/** Unit names and machine ids never contain '/', so the first one separates the two parts. */
function splitOnce(text: string): [string, string] {
  const slash = text.indexOf("/");
  return slash < 0 ? [text, ""] : [text.slice(0, slash), text.slice(slash + 1)];
}
